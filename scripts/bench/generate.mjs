// Generates a synthetic monorepo for `npm run bench`: N pipeline files with local includes, extends
// chains, anchors, !reference, dind and non-dind jobs, plus Jenkinsfiles of every style and runner
// configs. A fixed seed makes every run read the same tree.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** mulberry32: a small, fast, seeded PRNG, so the tree is the same on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEMPLATES = `.docker-base: &docker-base
  image: docker:27
  variables:
    DOCKER_TLS_CERTDIR: "/certs"
    DOCKER_HOST: tcp://docker:2376
.dind:
  extends: .docker-base
  services:
    - name: docker:27-dind
      alias: docker
.login:
  before_script:
    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
`;

function pipeline(i, random) {
  const jobs = [];
  const n = 3 + Math.floor(random() * 6);
  for (let j = 0; j < n; j++) {
    const kind = random();
    if (kind < 0.35) {
      jobs.push(`build-${j}:
  extends: .dind
  stage: build
  script:
    - !reference [.login, before_script]
    - docker build --pull -t "$CI_REGISTRY_IMAGE/svc${i}:$CI_COMMIT_SHA" --build-arg N=${j} .
    - docker push "$CI_REGISTRY_IMAGE/svc${i}:$CI_COMMIT_SHA"`);
    } else if (kind < 0.5) {
      jobs.push(`legacy-${j}:
  <<: *local-docker
  services: [docker:dind]
  script:
    - docker login -u ci -p "$PASS" registry.example.com
    - docker build -t app:${j} .`);
    } else {
      jobs.push(`test-${j}:
  image: node:20
  stage: test
  variables:
    NODE_ENV: test
  script:
    - npm ci
    - npm test -- --shard=${j}/${n}`);
    }
  }
  return `include:
  - local: ci/templates.yml
  - local: ci/extra.yml
stages: [build, test]
variables:
  SERVICE: svc${i}
.local-docker: &local-docker
  image: docker:latest
  variables:
    DOCKER_TLS_CERTDIR: ""
${jobs.join('\n')}
`;
}

const JENKINS = [
  (i) => `pipeline {
  agent { docker { image 'docker:27'; args '-v /var/run/docker.sock:/var/run/docker.sock' } }
  environment { IMAGE = "registry.example.com/svc${i}" }
  stages {
    stage('Build') { steps { sh "docker build -t \${IMAGE}:\${env.BUILD_NUMBER} ." } }
  }
}
`,
  (i) => `node('docker') {
  checkout scm
  docker.image('docker:27-dind').withRun('--privileged -e DOCKER_TLS_CERTDIR=') { c ->
    docker.image('docker:27').inside("--link \${c.id}:docker") {
      sh 'docker build -t svc${i} .'
    }
  }
}
`,
  (i) => `podTemplate(yaml: '''
apiVersion: v1
kind: Pod
spec:
  containers:
    - name: dind
      image: docker:27-dind
      securityContext:
        privileged: true
''') {
  node(POD_LABEL) {
    container('dind') { sh 'docker build -t svc${i} .' }
  }
}
`,
];

const RUNNER = (i) => `concurrent = 4
[[runners]]
  name = "runner-${i}"
  url = "https://gitlab.example.com"
  token = "glrt-bench"
  executor = "docker"
  [runners.docker]
    image = "alpine:3.20"
    privileged = ${i % 2 === 0}
    volumes = ["/cache", "/certs/client"]
`;

/** Writes the tree for `files` pipeline-ish files (pipelines, includes, Jenkinsfiles, runner configs). */
export function generate(root, files, seed = 20261123) {
  rmSync(root, { recursive: true, force: true });
  const random = rng(seed);
  const write = (rel, text) => {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  };
  let count = 0;
  for (let i = 0; count < files; i++) {
    const dir = `services/svc${i}`;
    const r = random();
    if (r < 0.7) {
      // Each service is a project of its own: its includes resolve from its folder.
      write(`${dir}/.gitlab-ci.yml`, pipeline(i, random));
      write(`${dir}/ci/templates.yml`, TEMPLATES);
      write(`${dir}/ci/extra.yml`, `extra-${i}:\n  image: alpine:3.20\n  script: echo ${i}\n`);
      count += 3;
    } else if (r < 0.9) {
      write(`${dir}/Jenkinsfile`, JENKINS[i % JENKINS.length](i));
      count += 1;
    } else {
      write(`${dir}/runner/config.toml`, RUNNER(i));
      count += 1;
    }
  }
  return count;
}
