import { appendToArray } from '../src/edit/toml.js';
import { defineRule } from '../src/engine/rule.js';
import { dindServices, jobDockerHost, tlsOn } from '../src/docker/job.js';
import { runnersWithoutCerts, where } from '../src/docker/runner.js';
import { isKubernetes, runnerLabel, type Runner } from '../src/model/runner.js';
import type { Fix } from '../src/engine/rule.js';
import type { Job } from '../src/model/pipeline.js';

/**
 * ## What it does
 * Flags a runner that runs Docker-in-Docker jobs with TLS on (`DOCKER_TLS_CERTDIR` unset or not
 * empty, `DOCKER_HOST` not a `unix://` socket) but does not share `/certs/client` between the dind
 * service and the job: no `"/certs/client"` in `[runners.docker] volumes`, or for the Kubernetes
 * executor no `[[runners.kubernetes.volumes.empty_dir]]` mounted at `/certs/client`.
 *
 * ## Why is this bad?
 * The dind daemon writes the client certificates into its own `/certs/client`. Without a shared
 * volume the job never sees them, cannot talk TLS to the daemon, and every docker command fails.
 *
 * ## How to fix
 * ```toml
 * [runners.docker]
 *   volumes = ["/cache", "/certs/client"]
 * ```
 *
 * ## Fix safety
 * Safe: `cilint fix` adds `"/certs/client"` to the Docker executor's `volumes` (or adds the key under
 * `[runners.docker]`). Kubernetes runners and runner configs inside Helm values are left to you.
 */
export default defineRule({
  slug: 'certs-volume-missing',
  severity: 'error',
  summary: 'A runner runs TLS dind jobs without sharing /certs/client.',
  fixable: 'safe',
  examples: [
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      files: { 'config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n    volumes = ["/cache"]\n' },
    },
    {
      platform: 'runner',
      bad: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n    volumes = [\n      "/cache",\n    ]\n',
      fixed: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n    volumes = [\n      "/cache", "/certs/client",\n    ]\n',
      files: { '.gitlab-ci.yml': 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n' },
    },
    {
      platform: 'runner',
      bad: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n',
      fixed: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    volumes = ["/certs/client"]\n    privileged = true\n',
      files: { '.gitlab-ci.yml': 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n' },
    },
    {
      platform: 'gitlab',
      good: 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      files: { 'config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n    volumes = ["/cache", "/certs/client"]\n' },
    },
  ],
  // By runner, the first job that needs the certificates shared: kept by name, not the job itself.
  start: () => ({ needing: new Map<Runner, Pick<Job, 'name' | 'nameSpan'>>() }),
  check({ jobs, runnersFor }, { needing }) {
    // A runner list seen once has all its runners recorded, so the jobs after it that share it add nothing.
    const seen = new Set<readonly Runner[]>();
    for (const job of jobs) {
      if (jobDockerHost(job)?.parsed.scheme === 'unix') continue;
      if (!dindServices(job).some((s) => tlsOn(s.env))) continue;
      const runners = runnersFor(job);
      if (seen.has(runners)) continue;
      seen.add(runners);
      for (const r of runnersWithoutCerts(runners)) {
        if (!needing.has(r)) needing.set(r, { name: job.name, nameSpan: job.nameSpan });
      }
    }
  },
  shareState: {
    pack: ({ needing }, packer) => [...needing].map(([r, job]) => ({ runner: packer.runner(r), name: job.name, nameSpan: packer.span(job.nameSpan) })),
    merge({ needing }, packed, unpacker) {
      for (const { runner, name, nameSpan } of packed) {
        const r = unpacker.unrunner(runner);
        if (!needing.has(r)) needing.set(r, { name, nameSpan: unpacker.unspan(nameSpan) });
      }
    },
  },
  finish({ report }, { needing }) {
    for (const [r, job] of needing) {
      const at = isKubernetes(r) ? (r.kubernetes?.span ?? r.span) : (r.docker?.volumes?.span ?? r.docker?.span ?? r.span);
      const fix = isKubernetes(r)
        ? 'add an [[runners.kubernetes.volumes.empty_dir]] with mount_path = "/certs/client"'
        : 'add "/certs/client" to volumes';
      report({
        at,
        fix: isKubernetes(r) ? undefined : certsVolumeFix(r),
        message: `${runnerLabel(r)} runs Docker-in-Docker jobs with TLS on (such as \`${job.name}\`, ${where(job.nameSpan, at)}) but does not share /certs/client, so the job never gets the daemon's client certificates; ${fix}.`,
      });
    }
  },
});

/** Adds "/certs/client" to `[runners.docker] volumes`, or the key itself under the table header. */
function certsVolumeFix(r: Runner): Fix | undefined {
  const docker = r.docker;
  if (!docker || r.config.embedded) return undefined;
  const edit = appendToArray(docker.span, docker.volumes, 'volumes', ['/certs/client']);
  return edit && { title: 'share /certs/client', applicability: 'safe', edits: [edit] };
}
