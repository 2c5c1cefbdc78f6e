import { defineRule } from '../src/engine/rule.js';
import { isDockerImage, isUnpinnedTag, parseImageRef } from '../src/docker/image.js';
import { jobContainers } from '../src/model/pipeline.js';

/**
 * ## What it does
 * Notes a `docker` image (job image or service; in a Jenkinsfile an agent, `docker.image(…)` or pod
 * template container) whose tag carries no version: no tag, `latest`,
 * `stable`, `edge`, `dind`, `stable-dind`, `dind-rootless`. A major version such as `docker:27` or
 * `docker:27-dind` is pinned enough.
 *
 * ## Why is this bad?
 * The next Docker major version arrives unannounced in every pipeline; client and daemon drift apart
 * and API versions get dropped (see `docker-version-skew`).
 *
 * ## How to fix
 * Name a version: `docker:27` and `docker:27-dind`, updated together on purpose.
 */
export default defineRule({
  slug: 'unpinned-docker-image',
  severity: 'info',
  summary: 'A docker image with no version in its tag.',
  examples: [
    { platform: 'gitlab', bad: 'build:\n  image: docker:latest\n  script: docker version\n' },
    { platform: 'gitlab', bad: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\nbuild:\n  image: docker:27\n  services: [docker:dind]\n  script: docker version\n' },
    { platform: 'gitlab', good: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker version\n' },
    {
      platform: 'jenkins',
      bad: `pipeline {
  agent {
    docker { image 'docker:latest' }
  }
  stages {
    stage('Build') {
      steps {
        sh 'docker version'
      }
    }
  }
}
`,
    },
    {
      platform: 'jenkins',
      bad: `podTemplate(containers: [
  containerTemplate(name: 'dind', image: 'docker:dind', privileged: true),
]) {
  node(POD_LABEL) {
    sh 'docker version'
  }
}
`,
    },
    {
      platform: 'jenkins',
      good: `pipeline {
  agent {
    docker { image 'docker:27-cli' }
  }
  stages {
    stage('Build') {
      steps {
        sh 'docker version'
      }
    }
  }
}
`,
    },
  ],
  check({ jobs, report }) {
    for (const job of jobs) {
      for (const c of jobContainers(job)) {
        const ref = parseImageRef(c.image.value);
        if (!isDockerImage(ref) || !isUnpinnedTag(ref)) continue;
        report({
          at: c.image.span,
          message: `\`${c.image.value}\` has no version in its tag, so a new Docker major version reaches this job unannounced; pin one, e.g. \`docker:27${ref.tag?.includes('dind') ? '-dind' : ''}\`.`,
        });
      }
    }
  },
});
