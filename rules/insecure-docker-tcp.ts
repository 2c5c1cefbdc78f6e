import { defineRule } from '../src/engine/rule.js';
import { dockerdListensInsecureTcp } from '../src/docker/docker-cli.js';
import { isDockerImage, parseImageRef } from '../src/docker/image.js';
import { dindServices, dockerInvocations, jobDockerHost, jobServiceHostnames, scriptSpan } from '../src/docker/job.js';

/**
 * ## What it does
 * Flags a Docker daemon reached or started without TLS over TCP:
 * - `DOCKER_HOST: tcp://<host>:2375` where the host is not one of the job's services (a shared build
 *   host, a VM, another runner), also as Jenkins sets it: `environment {}`, `withEnv`,
 *   `docker.withServer(…)`, `-e` in a container's arguments;
 * - a script that starts `dockerd` listening on a `tcp://` address without `--tlsverify`.
 *
 * ## Why is this bad?
 * Port 2375 is Docker's unauthenticated, unencrypted API. Whoever reaches the address owns the daemon
 * and, through it, the machine it runs on; credentials and images cross the network in clear text.
 *
 * ## How to fix
 * Use TLS (`--tlsverify` with certificates, port 2376), an SSH connection (`DOCKER_HOST: ssh://…`), or
 * better, a build that needs no daemon (buildah, BuildKit rootless, kaniko).
 */
export default defineRule({
  slug: 'insecure-docker-tcp',
  severity: 'error',
  summary: 'A Docker daemon reached or started over plain TCP on port 2375.',
  examples: [
    {
      platform: 'gitlab',
      bad: 'deploy:\n  image: docker:27\n  variables:\n    DOCKER_HOST: tcp://build-host.internal:2375\n  script: docker compose up -d\n',
    },
    {
      platform: 'gitlab',
      bad: 'build:\n  image: docker:27-dind\n  script:\n    - dockerd --host=tcp://0.0.0.0:2375 &\n    - docker build .\n',
    },
    {
      platform: 'gitlab',
      good: 'deploy:\n  image: docker:27\n  variables:\n    DOCKER_HOST: ssh://deploy@build-host.internal\n  script: docker compose up -d\n',
    },
    { platform: 'gitlab', good: 'variables:\n  DOCKER_HOST: tcp://docker:2375\nunit:\n  image: node:20\n  script: npm test\n' },
    {
      platform: 'jenkins',
      bad: `node {
  docker.withServer('tcp://build-host.internal:2375') {
    sh 'docker compose up -d'
  }
}
`,
    },
    {
      platform: 'jenkins',
      bad: `pipeline {
  agent any
  environment {
    DOCKER_HOST = 'tcp://build-host.internal:2375'
  }
  stages {
    stage('Deploy') {
      steps {
        sh 'docker compose up -d'
      }
    }
  }
}
`,
    },
    {
      platform: 'jenkins',
      good: `node {
  withEnv(['DOCKER_HOST=ssh://deploy@build-host.internal']) {
    sh 'docker compose up -d'
  }
}
`,
    },
  ],
  check({ jobs, executorFor, report }) {
    for (const job of jobs) {
      const dh = jobDockerHost(job);
      const invocations = dockerInvocations(job);
      // With a dind service, a wrong host is docker-host-mismatch's finding and port 2375 is tls-disabled's.
      // A job that runs no docker client (a global DOCKER_HOST reaching a test job) talks to no daemon.
      const usesDocker = invocations.some((i) => i.invocation.program === 'docker') || usesDockerImage(job.image?.image.value);
      if (dh && usesDocker && dindServices(job).length === 0 && dh.parsed.scheme === 'tcp' && dh.parsed.port === 2375) {
        const host = dh.parsed.host;
        const services = jobServiceHostnames(job, executorFor(job));
        // A Jenkins sidecar may answer under a name cilint cannot see: then the host may be a service.
        if (host !== undefined && !services.names.has(host) && !services.incomplete) {
          report({
            at: dh.variable.span,
            message: `DOCKER_HOST reaches \`${host}\` on port 2375, Docker's unauthenticated plain-text API: anyone on that network owns the daemon; use TLS on 2376, ssh://, or a daemonless build.`,
          });
        }
      }
      for (const { step, invocation } of invocations) {
        const opt = dockerdListensInsecureTcp(invocation);
        if (!opt) continue;
        report({
          at: scriptSpan(step, invocation.command.start, invocation.command.end),
          message: `dockerd listens on ${opt.value?.text ?? 'a TCP address'} without --tlsverify: anyone who reaches it controls the daemon; add --tlsverify with certificates or listen on a unix socket.`,
        });
      }
    }
  },
});

function usesDockerImage(image: string | undefined): boolean {
  return image !== undefined && isDockerImage(parseImageRef(image));
}
