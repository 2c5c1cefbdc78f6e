import { defineRule } from '../src/engine/rule.js';
import { dindServices } from '../src/docker/job.js';
import { runnerLabel, type Runner } from '../src/model/runner.js';
import type { Fix } from '../src/engine/rule.js';

/**
 * ## What it does
 * Flags `privileged = true` in a runner's `[runners.docker]` or `[runners.kubernetes]` section, and
 * `services_privileged = true` with no `allowed_privileged_services` list. Not reported when privilege
 * is limited to chosen services: `privileged = false`, `services_privileged = true` and a non-empty
 * `allowed_privileged_services` (GitLab Runner 16.1+).
 *
 * Reported as an error when the lint set holds pipelines and none of them needs privilege (no
 * Docker-in-Docker service): then the privilege is pure risk.
 *
 * ## Why is this bad?
 * Every job on a privileged runner can do what root on the host can: mount its disks, load kernel
 * modules, read other jobs' secrets. Any dependency a job downloads gets the same power.
 *
 * ## How to fix
 * Build images without privilege (buildah, BuildKit rootless, kaniko). Where Docker-in-Docker must
 * stay, give privilege to the dind service only:
 * ```toml
 * [runners.docker]
 *   privileged = false
 *   services_privileged = true
 *   allowed_privileged_services = ["docker.io/library/docker:*-dind", "docker:*-dind"]
 * ```
 *
 * ## Fix safety
 * Unsafe: `cilint fix --unsafe-fixes` sets `privileged = false` in `[runners.docker]` and, when the
 * pipelines linted with it use Docker-in-Docker, adds `services_privileged = true` and an
 * `allowed_privileged_services` list of exactly the dind images they use. Jobs that relied on a
 * privileged job container (not a service) stop working.
 */
export default defineRule({
  slug: 'privileged-runner',
  severity: 'warning',
  summary: 'A runner that runs job containers privileged.',
  fixable: 'unsafe',
  examples: [
    {
      platform: 'runner',
      bad: '[[runners]]\n  name = "build"\n  executor = "docker"\n  [runners.docker]\n    image = "alpine:3.20"\n    privileged = true\n',
      fixed: '[[runners]]\n  name = "build"\n  executor = "docker"\n  [runners.docker]\n    image = "alpine:3.20"\n    privileged = false\n',
    },
    {
      platform: 'runner',
      bad: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true # for dind\n    volumes = ["/certs/client"]\n',
      fixed:
        '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = false # for dind\n    services_privileged = true\n    allowed_privileged_services = ["docker:27-dind"]\n    volumes = ["/certs/client"]\n',
      files: { '.gitlab-ci.yml': 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n' },
    },
    { platform: 'runner', bad: '[[runners]]\n  executor = "kubernetes"\n  [runners.kubernetes]\n    privileged = true\n' },
    {
      platform: 'runner',
      good: '[[runners]]\n  name = "build"\n  executor = "docker"\n  [runners.docker]\n    image = "alpine:3.20"\n    privileged = false\n    services_privileged = true\n    allowed_privileged_services = ["docker:*-dind"]\n',
    },
  ],
  start: (): PipelinesSeen => ({ gitlab: false, dindImages: new Set() }),
  check({ pipelines, jobs }, seen) {
    // Runners run GitLab pipelines; a Jenkinsfile linted alongside says nothing about them.
    if (pipelines.some((p) => p.platform === 'gitlab')) seen.gitlab = true;
    for (const j of jobs) {
      if (j.platform === 'gitlab') for (const s of dindServices(j)) seen.dindImages.add(s.container.image.value);
    }
  },
  shareState: {
    pack: (seen) => ({ gitlab: seen.gitlab, dindImages: [...seen.dindImages] }),
    merge(seen, packed) {
      seen.gitlab ||= packed.gitlab;
      for (const image of packed.dindImages) seen.dindImages.add(image);
    },
  },
  finish({ runners, report }, seen) {
    const dindImages = [...seen.dindImages].sort();
    const needsPrivilege = dindImages.length > 0;
    const severity = seen.gitlab && !needsPrivilege ? 'error' : undefined;
    const pureRisk = severity ? ' No pipeline linted with it uses Docker-in-Docker, so the privilege serves nothing.' : '';
    for (const r of runners) {
      const d = r.docker;
      if (d?.privileged?.value === true) {
        report({
          at: d.privileged.span,
          severity,
          fix: limitToServicesFix(r, dindImages),
          message:
            `${runnerLabel(r)} runs every job container privileged, with root access to the host; build without privilege ` +
            '(buildah, BuildKit rootless, kaniko) or limit it to the dind service with privileged = false, ' +
            `services_privileged = true and allowed_privileged_services (Runner 16.1+).${pureRisk}`,
        });
      } else if (d?.servicesPrivileged?.value === true && (d.allowedPrivilegedServices?.items.length ?? 0) === 0) {
        report({
          at: d.servicesPrivileged.span,
          severity,
          message:
            `${runnerLabel(r)} runs any service image privileged, so any job can start a privileged container of its choosing; ` +
            `list the dind images in allowed_privileged_services.${pureRisk}`,
        });
      }
      const k = r.kubernetes;
      if (k?.privileged?.value === true) {
        report({
          at: k.privileged.span,
          severity,
          message: `${runnerLabel(r)} runs every job pod container privileged, with root access to the node; build without privilege (buildah, BuildKit rootless, kaniko).${pureRisk}`,
        });
      }
    }
  },
});

/** What the runners are judged by, gathered from every group of pipelines. */
interface PipelinesSeen {
  /** Whether the lint set holds a GitLab pipeline. */
  gitlab: boolean;
  /** The images of the dind services its GitLab jobs use. */
  dindImages: Set<string>;
}

/**
 * `privileged = false`, and when pipelines use dind, privilege for exactly their dind images:
 * `services_privileged = true` and `allowed_privileged_services` on the lines after it.
 */
function limitToServicesFix(r: Runner, dindImages: readonly string[]): Fix | undefined {
  const d = r.docker;
  if (!d?.privileged || r.config.embedded) return undefined;
  if (d.servicesPrivileged || d.allowedPrivilegedServices) return undefined;
  const file = d.privileged.span.file;
  const edits = [{ file, start: d.privileged.span.start, end: d.privileged.span.end, text: 'false' }];
  if (dindImages.length > 0) {
    const nl = file.text.indexOf('\n', d.privileged.span.end);
    const lineStart = file.text.lastIndexOf('\n', d.privileged.span.start) + 1;
    const indent = /^[ \t]*/.exec(file.text.slice(lineStart))![0];
    const list = dindImages.map((i) => JSON.stringify(i)).join(', ');
    const text = `${indent}services_privileged = true\n${indent}allowed_privileged_services = [${list}]\n`;
    const at = nl === -1 ? file.text.length : nl + 1;
    edits.push({ file, start: at, end: at, text: nl === -1 ? `\n${text}` : text });
  }
  return { title: 'limit privilege to the dind services', applicability: 'unsafe', edits };
}
