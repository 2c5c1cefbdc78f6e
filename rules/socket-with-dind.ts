import { defineRule } from '../src/engine/rule.js';
import { dindServices } from '../src/docker/job.js';
import { socketMount, where } from '../src/docker/runner.js';
import { runnerLabel } from '../src/model/runner.js';

/**
 * ## What it does
 * Flags a Docker-in-Docker service in a pipeline that runs on a runner binding the host's Docker
 * socket (runner configs and pipelines linted together).
 *
 * ## Why is this bad?
 * GitLab documents the two as incompatible: the job's client talks to the bound host socket (or to
 * the dind service, depending on `DOCKER_HOST`), so builds land on the wrong daemon, volumes and
 * networks of the dind service are missing, and the privileged dind service runs for nothing.
 *
 * ## How to fix
 * Choose one: drop the dind service and use the socket (`DOCKER_HOST: unix:///var/run/docker.sock`),
 * or remove the socket volume from the runner. Better, build without a daemon.
 */
export default defineRule({
  slug: 'socket-with-dind',
  severity: 'error',
  summary: 'A dind service in a pipeline that runs on a runner binding the Docker socket.',
  examples: [
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      files: {
        'config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n    volumes = ["/cache", "/certs/client", "/var/run/docker.sock:/var/run/docker.sock"]\n',
      },
    },
    {
      platform: 'gitlab',
      good: 'build:\n  image: docker:27\n  variables:\n    DOCKER_HOST: unix:///var/run/docker.sock\n  script: docker build .\n',
      files: {
        'config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    volumes = ["/var/run/docker.sock:/var/run/docker.sock"]\n',
      },
    },
  ],
  check({ jobs, runnersFor, report }) {
    for (const job of jobs) {
      const dind = dindServices(job);
      if (dind.length === 0) continue;
      const binding = runnersFor(job)
        .map((r) => ({ r, mount: socketMount(r) }))
        .find((x) => x.mount !== undefined);
      if (!binding) continue;
      for (const svc of dind) {
        report({
          at: svc.container.span,
          message: `this dind service runs on ${runnerLabel(binding.r)} (${where(binding.mount!.span, svc.container.span)}), which binds the host's Docker socket: the two are incompatible; drop the service and use the socket, or remove the socket volume.`,
        });
      }
    }
  },
});
