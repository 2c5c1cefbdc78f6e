import { defineRule } from '../src/engine/rule.js';
import { dindServices } from '../src/docker/job.js';
import { runnerLabel } from '../src/model/runner.js';

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
 */
export default defineRule({
  slug: 'privileged-runner',
  severity: 'warning',
  summary: 'A runner that runs job containers privileged.',
  examples: [
    { platform: 'runner', bad: '[[runners]]\n  name = "build"\n  executor = "docker"\n  [runners.docker]\n    image = "alpine:3.20"\n    privileged = true\n' },
    { platform: 'runner', bad: '[[runners]]\n  executor = "kubernetes"\n  [runners.kubernetes]\n    privileged = true\n' },
    {
      platform: 'runner',
      good: '[[runners]]\n  name = "build"\n  executor = "docker"\n  [runners.docker]\n    image = "alpine:3.20"\n    privileged = false\n    services_privileged = true\n    allowed_privileged_services = ["docker:*-dind"]\n',
    },
  ],
  check({ runners, jobs, model, report }) {
    const needsPrivilege = jobs.some((j) => dindServices(j).length > 0);
    const severity = model.pipelines.length > 0 && !needsPrivilege ? 'error' : undefined;
    const pureRisk = severity ? ' No pipeline linted with it uses Docker-in-Docker, so the privilege serves nothing.' : '';
    for (const r of runners) {
      const d = r.docker;
      if (d?.privileged?.value === true) {
        report({
          at: d.privileged.span,
          severity,
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
