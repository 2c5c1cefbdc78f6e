import { defineRule } from '../src/engine/rule.js';
import { dindServices, jobDockerHost } from '../src/docker/job.js';

/**
 * ## What it does
 * Flags a job with a Docker-in-Docker service when `DOCKER_TLS_CERTDIR` is set nowhere: not in the job,
 * a template it extends, the global `variables:`, `default:`, nor the service's own `variables:`.
 *
 * ## Why is this bad?
 * The docker image then starts the daemon with TLS on port 2376 and writes client certificates to
 * `/certs/client` inside the service container. The job's client finds them only if the runner shares
 * that folder (a `/certs/client` volume in `config.toml`); otherwise it falls back to
 * `tcp://docker:2375`, where nothing listens, and fails with "Cannot connect to the Docker daemon".
 * Whether the job works depends on a runner setting nobody can see in the pipeline.
 *
 * ## How to fix
 * Set the variable explicitly, as GitLab's documentation does, and make sure the runner mounts
 * `/certs/client`:
 * ```yaml
 * variables:
 *   DOCKER_TLS_CERTDIR: "/certs"
 * ```
 * A job that talks to a bound socket (`DOCKER_HOST: unix:///var/run/docker.sock`) is not reported.
 */
export default defineRule({
  slug: 'missing-tls-certdir',
  severity: 'warning',
  summary: 'A Docker-in-Docker job that does not set DOCKER_TLS_CERTDIR.',
  examples: [
    {
      platform: 'gitlab',
      bad: 'build:\n  image: docker:27\n  services:\n    - docker:27-dind\n  script:\n    - docker build .\n',
    },
    {
      platform: 'gitlab',
      good: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\nbuild:\n  image: docker:27\n  services:\n    - docker:27-dind\n  script:\n    - docker build .\n',
    },
    {
      platform: 'gitlab',
      good: 'build:\n  image: docker:27\n  services:\n    - name: docker:27-dind\n      variables:\n        DOCKER_TLS_CERTDIR: /certs\n  script:\n    - docker build .\n',
    },
  ],
  check({ jobs, report }) {
    for (const job of jobs) {
      if (jobDockerHost(job)?.parsed.scheme === 'unix') continue;
      for (const svc of dindServices(job)) {
        if (svc.env.has('DOCKER_TLS_CERTDIR')) continue;
        report({
          at: svc.container.span,
          message:
            'DOCKER_TLS_CERTDIR is not set: the dind daemon starts with TLS on port 2376, and unless the runner shares ' +
            '/certs/client the job\'s client falls back to tcp://docker:2375 and cannot connect; set DOCKER_TLS_CERTDIR: "/certs".',
        });
      }
    }
  },
});
