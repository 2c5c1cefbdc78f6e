import { defineRule } from '../src/engine/rule.js';
import { dindServices, jobDockerHost, tlsOn } from '../src/docker/job.js';
import { someKubernetes } from '../src/docker/runner.js';

const NEEDED = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'] as const;

/**
 * ## What it does
 * For jobs that run on a Kubernetes-executor runner, flags a Docker-in-Docker service with TLS on when
 * the job does not set all of `DOCKER_HOST`, `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH`.
 *
 * ## Why is this bad?
 * On the Docker executor the docker image's entrypoint derives these from the shared certificates;
 * the Kubernetes executor does not run image entrypoints, so the client looks for a local socket and
 * fails with "Cannot connect to the Docker daemon at unix:///var/run/docker.sock".
 *
 * ## How to fix
 * ```yaml
 * variables:
 *   DOCKER_HOST: tcp://docker:2376
 *   DOCKER_TLS_CERTDIR: "/certs"
 *   DOCKER_TLS_VERIFY: 1
 *   DOCKER_CERT_PATH: "$DOCKER_TLS_CERTDIR/client"
 * ```
 */
export default defineRule({
  slug: 'k8s-dind-env',
  severity: 'warning',
  summary: 'A TLS dind job on a Kubernetes runner without DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.',
  examples: [
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      files: {
        'config.toml':
          '[[runners]]\n  executor = "kubernetes"\n  [runners.kubernetes]\n    privileged = true\n    [[runners.kubernetes.volumes.empty_dir]]\n      name = "certs"\n      mount_path = "/certs/client"\n',
      },
    },
    {
      platform: 'gitlab',
      good: 'variables:\n  DOCKER_TLS_CERTDIR: /certs\n  DOCKER_HOST: tcp://docker:2376\n  DOCKER_TLS_VERIFY: 1\n  DOCKER_CERT_PATH: $DOCKER_TLS_CERTDIR/client\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      files: {
        'config.toml':
          '[[runners]]\n  executor = "kubernetes"\n  [runners.kubernetes]\n    privileged = true\n    [[runners.kubernetes.volumes.empty_dir]]\n      name = "certs"\n      mount_path = "/certs/client"\n',
      },
    },
  ],
  check({ jobs, runnersFor, report }) {
    for (const job of jobs) {
      if (!someKubernetes(runnersFor(job))) continue;
      if (jobDockerHost(job)?.parsed.scheme === 'unix') continue;
      const missing = NEEDED.filter((n) => !job.variables.has(n));
      if (missing.length === 0) continue;
      for (const svc of dindServices(job)) {
        if (!tlsOn(svc.env)) continue;
        report({
          at: svc.container.span,
          message: `on the Kubernetes executor image entrypoints do not run, so the job must set ${missing.join(', ')} itself (e.g. DOCKER_HOST: tcp://docker:2376, DOCKER_TLS_VERIFY: 1, DOCKER_CERT_PATH: $DOCKER_TLS_CERTDIR/client).`,
        });
      }
    }
  },
});
