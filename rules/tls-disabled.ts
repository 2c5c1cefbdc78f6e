import { defineRule } from '../src/engine/rule.js';
import { dindServices, tlsOn } from '../src/docker/job.js';

/**
 * ## What it does
 * Flags `DOCKER_TLS_CERTDIR: ""` for a job with a Docker-in-Docker service, at the line that sets it.
 *
 * ## Why is this bad?
 * An empty value turns TLS off: the daemon listens on port 2375 without any authentication. Anything
 * that can reach the service's network address (other services of the job, other containers on a
 * shared network) controls a privileged daemon.
 *
 * ## How to fix
 * Set `DOCKER_TLS_CERTDIR: "/certs"`, point `DOCKER_HOST` at `tcp://docker:2376` (or leave it unset),
 * and let the runner share `/certs/client` with the job.
 */
export default defineRule({
  slug: 'tls-disabled',
  severity: 'warning',
  summary: 'DOCKER_TLS_CERTDIR is set to "" for a Docker-in-Docker job: an unauthenticated daemon.',
  examples: [
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_HOST: tcp://docker:2375\n  DOCKER_TLS_CERTDIR: ""\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
    },
    {
      platform: 'gitlab',
      good: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
    },
  ],
  check({ jobs, report }) {
    for (const job of jobs) {
      for (const svc of dindServices(job)) {
        if (tlsOn(svc.env)) continue;
        const v = svc.env.get('DOCKER_TLS_CERTDIR');
        if (!v) continue;
        report({
          at: v.span,
          message:
            'DOCKER_TLS_CERTDIR is empty, so the dind daemon listens on port 2375 without authentication; ' +
            'set it to "/certs" and use tcp://docker:2376.',
        });
      }
    }
  },
});
