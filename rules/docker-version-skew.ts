import { defineRule } from '../src/engine/rule.js';
import { dockerMajorVersion, isDockerImage, parseImageRef } from '../src/docker/image.js';
import { dindServices } from '../src/docker/job.js';

/**
 * ## What it does
 * Flags a job whose docker client image (`image: docker:24`) is an older major version than its
 * Docker-in-Docker service (`docker:29-dind`); in a Jenkinsfile, the container that runs the steps
 * against a dind container of the same pod or a `withRun` sidecar.
 *
 * ## Why is this bad?
 * A new daemon drops old API versions: Docker 29 refuses clients below API 1.44, so a `docker:24`
 * client fails with "client version 1.43 is too old". The job breaks the day the unpinned or newer
 * service image is pulled.
 *
 * ## How to fix
 * Use the same major version for both, e.g. `image: docker:29` with `services: [docker:29-dind]`.
 */
export default defineRule({
  slug: 'docker-version-skew',
  severity: 'warning',
  summary: 'The docker client image is an older major version than the dind service.',
  examples: [
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\nbuild:\n  image: docker:24\n  services: [docker:29-dind]\n  script: docker build .\n',
    },
    {
      platform: 'gitlab',
      good: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\nbuild:\n  image: docker:29\n  services: [docker:29-dind]\n  script: docker build .\n',
    },
    {
      platform: 'jenkins',
      bad: `podTemplate(containers: [
  containerTemplate(name: 'docker', image: 'docker:24-cli', command: 'cat', ttyEnabled: true),
  containerTemplate(name: 'dind', image: 'docker:29-dind', privileged: true),
]) {
  node(POD_LABEL) {
    container('docker') {
      sh 'docker build -t app .'
    }
  }
}
`,
    },
    {
      platform: 'jenkins',
      good: `podTemplate(containers: [
  containerTemplate(name: 'docker', image: 'docker:29-cli', command: 'cat', ttyEnabled: true),
  containerTemplate(name: 'dind', image: 'docker:29-dind', privileged: true),
]) {
  node(POD_LABEL) {
    container('docker') {
      sh 'docker build -t app .'
    }
  }
}
`,
    },
  ],
  check({ jobs, report }) {
    for (const job of jobs) {
      if (!job.image) continue;
      const client = parseImageRef(job.image.image.value);
      const clientMajor = isDockerImage(client) ? dockerMajorVersion(client) : undefined;
      if (clientMajor === undefined) continue;
      for (const svc of dindServices(job)) {
        const daemonMajor = dockerMajorVersion(svc.ref);
        if (daemonMajor === undefined || daemonMajor <= clientMajor) continue;
        report({
          at: svc.container.span,
          message: `the job's docker client \`${job.image.image.value}\` is older than the daemon \`${svc.container.image.value}\` (${clientMajor} < ${daemonMajor}); newer daemons refuse old API versions, so use docker:${daemonMajor} for ${job.platform === 'jenkins' ? 'the container that runs the steps' : 'the job image'}.`,
        });
      }
    }
  },
});
