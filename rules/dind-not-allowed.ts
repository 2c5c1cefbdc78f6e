import { defineRule } from '../src/engine/rule.js';
import { dindServices } from '../src/docker/job.js';
import { someRunsServicePrivileged } from '../src/docker/runner.js';
import { runnerLabel } from '../src/model/runner.js';

/**
 * ## What it does
 * Flags a Docker-in-Docker service that none of the runners linted with the pipeline can start
 * privileged. A runner starts a service privileged when `services_privileged` (or, when that is not
 * set, `privileged`) is true **and** `allowed_privileged_services` is empty or one of its wildcards
 * matches the service image as written (Kubernetes: `privileged = true`).
 *
 * ## Why is this bad?
 * The dind daemon cannot start without privilege: the job fails with "mount: permission denied" or
 * "Cannot connect to the Docker daemon" after waiting for the service.
 *
 * ## How to fix
 * Build without a daemon (buildah, BuildKit rootless, kaniko), or allow the image on the runner:
 * `allowed_privileged_services = ["docker:*-dind"]` with `services_privileged = true`.
 */
export default defineRule({
  slug: 'dind-not-allowed',
  severity: 'error',
  summary: 'No runner linted with the pipeline can run its dind service privileged.',
  examples: [
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      files: { 'config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = false\n    volumes = ["/cache", "/certs/client"]\n' },
    },
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      files: {
        'config.toml':
          '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    services_privileged = true\n    allowed_privileged_services = ["registry.example.com/docker:*-dind"]\n    volumes = ["/certs/client"]\n',
      },
    },
    {
      platform: 'gitlab',
      good: 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      files: {
        'config.toml':
          '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = false\n    services_privileged = true\n    allowed_privileged_services = ["docker:*-dind"]\n    volumes = ["/certs/client"]\n',
      },
    },
  ],
  check({ jobs, runnersFor, report }) {
    for (const job of jobs) {
      const runners = runnersFor(job);
      if (runners.length === 0) continue;
      for (const svc of dindServices(job)) {
        if (someRunsServicePrivileged(runners, svc.container)) continue;
        const names = runners.map(runnerLabel).join(', ');
        report({
          at: svc.container.span,
          message: `none of the runners linted with this pipeline (${names}) starts \`${svc.container.image.value}\` privileged, so the dind daemon cannot run; allow it with services_privileged = true and allowed_privileged_services, or build without a daemon.`,
        });
      }
    }
  },
});
