import { defineRule } from '../src/engine/rule.js';
import { dindServices, tlsOn } from '../src/docker/job.js';
import type { Fix } from '../src/engine/rule.js';
import { spanText, type Span } from '../src/model/span.js';

/**
 * ## What it does
 * Flags `DOCKER_TLS_CERTDIR: ""` for a job with a Docker-in-Docker service, at the line that sets it.
 * In a Jenkinsfile: the dind container's own environment, `-e DOCKER_TLS_CERTDIR=` in its `docker run`
 * arguments, or an env entry with an empty value in a pod template (`envVar(key: 'DOCKER_TLS_CERTDIR',
 * value: '')`, `value: ""` in the pod YAML).
 *
 * ## Why is this bad?
 * An empty value turns TLS off: the daemon listens on port 2375 without any authentication. Anything
 * that can reach the service's network address (other services of the job, other containers on a
 * shared network) controls a privileged daemon.
 *
 * ## How to fix
 * Set `DOCKER_TLS_CERTDIR: "/certs"`, point `DOCKER_HOST` at `tcp://docker:2376` (or leave it unset),
 * and let the runner share `/certs/client` with the job.
 *
 * ## Fix safety
 * Unsafe: `cilint fix --unsafe-fixes` writes `"/certs"` where `""` stands (GitLab), and then moves a
 * `DOCKER_HOST` on port 2375 to 2376 (docker-host-mismatch). The job works only if the runner shares
 * `/certs/client` (see `certs-volume-missing`).
 */
export default defineRule({
  slug: 'tls-disabled',
  severity: 'warning',
  summary: 'DOCKER_TLS_CERTDIR is set to "" for a Docker-in-Docker job: an unauthenticated daemon.',
  fixable: 'unsafe',
  examples: [
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_HOST: tcp://docker:2375\n  DOCKER_TLS_CERTDIR: ""\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      fixed: 'variables:\n  DOCKER_HOST: tcp://docker:2375\n  DOCKER_TLS_CERTDIR: "/certs"\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
    },
    {
      platform: 'gitlab',
      good: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
    },
    {
      platform: 'jenkins',
      bad: `node('docker') {
  docker.image('docker:27-dind').withRun('--privileged -e DOCKER_TLS_CERTDIR=') { dind ->
    docker.image('docker:27-cli').inside("--link \${dind.id}:docker -e DOCKER_HOST=tcp://docker:2375") {
      sh 'docker build -t app .'
    }
  }
}
`,
    },
    {
      platform: 'jenkins',
      bad: `podTemplate(yaml: '''
spec:
  containers:
  - name: dind
    image: docker:27-dind
    securityContext:
      privileged: true
    env:
    - name: DOCKER_TLS_CERTDIR
      value: ""
''') {
  node(POD_LABEL) {
    sh 'docker -H tcp://localhost:2375 build -t app .'
  }
}
`,
    },
    {
      platform: 'jenkins',
      good: `podTemplate(yaml: '''
spec:
  containers:
  - name: dind
    image: docker:27-dind
    securityContext:
      privileged: true
    env:
    - name: DOCKER_TLS_CERTDIR
      value: /certs
''') {
  node(POD_LABEL) {
    sh 'docker build -t app .'
  }
}
`,
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
          fix: job.platform === 'gitlab' ? tlsOnFix(v.span) : undefined,
          message:
            job.platform === 'jenkins'
              ? `DOCKER_TLS_CERTDIR is empty, so the daemon in \`${svc.container.image.value}\` listens on port 2375 without authentication; ` +
                'set it to "/certs", share /certs/client with the container that runs docker, and use port 2376.'
              : 'DOCKER_TLS_CERTDIR is empty, so the dind daemon listens on port 2375 without authentication; ' +
                'set it to "/certs" and use tcp://docker:2376.',
        });
      }
    }
  },
});

/**
 * `DOCKER_TLS_CERTDIR: "/certs"` where `""` is written. A `DOCKER_HOST` on port 2375 then contradicts
 * TLS and docker-host-mismatch's safe fix moves it to 2376 in the next pass.
 */
function tlsOnFix(value: Span): Fix | undefined {
  if (!/^(""|'')$/.test(spanText(value))) return undefined;
  return { title: 'turn TLS on: DOCKER_TLS_CERTDIR: "/certs"', applicability: 'unsafe', edits: [{ file: value.file, start: value.start, end: value.end, text: '"/certs"' }] };
}
