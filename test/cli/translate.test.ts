import { readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { repo, run } from './helpers.js';

const BUILD = `build:
  image: docker:27
  services:
    - docker:27-dind
  variables:
    DOCKER_TLS_CERTDIR: "/certs"
  script:
    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY
    - docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .
    - docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"
`;

const BLOCKED = `test:
  image: docker:27
  services:
    - docker:27-dind
  script:
    - docker build -t app:test .
    - docker run --rm app:test npm test
`;

describe('cilint fix --strategy', () => {
  it('prints the translation as a unified diff with --diff and writes nothing', () => {
    const dir = repo({ '.gitlab-ci.yml': BUILD, '.git/HEAD': '' });
    const r = run(['fix', '--strategy', 'buildah', '--diff'], dir);
    expect(r.stdout).toContain('--- a/.gitlab-ci.yml');
    expect(r.stdout).toContain('-  image: docker:27');
    expect(r.stdout).toContain('+  image: quay.io/buildah/stable:v1.43.4');
    expect(r.stdout).toContain('+    - buildah build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .');
    expect(r.stdout).toContain('+    STORAGE_DRIVER: vfs');
    expect(r.stderr).toContain('cilint: would apply: privileged-dind (translate `build` to buildah) in .gitlab-ci.yml');
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(BUILD);
    expect(r.code).toBe(0);
  });

  it('writes the translated job, which then lints clean, and a second run changes nothing', () => {
    const dir = repo({ '.gitlab-ci.yml': BUILD, '.git/HEAD': '' });
    const r = run(['fix', '--strategy', 'kaniko'], dir);
    expect(r.code).toBe(0);
    const fixed = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
    expect(fixed).toContain('name: martizih/kaniko:v1.27.6-debug');
    expect(fixed).toContain('/kaniko/executor --context . --dockerfile Dockerfile --destination "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"');
    expect(fixed).not.toContain('dind');
    expect(r.stderr).toContain('osscontainertools fork');
    expect(run(['lint', '--fail-on', 'info'], dir).code).toBe(0);
    const file = join(dir, '.gitlab-ci.yml');
    utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const before = statSync(file).mtimeMs;
    const again = run(['fix', '--strategy', 'kaniko'], dir);
    expect(again.stderr).toContain('0 fixes applied in 0 files');
    expect(statSync(file).mtimeMs).toBe(before);
    expect(readFileSync(file, 'utf8')).toBe(fixed);
  });

  it('does not translate with --unsafe-fixes alone, and says how to', () => {
    const dir = repo({ '.gitlab-ci.yml': BUILD, '.git/HEAD': '' });
    const r = run(['fix', '--unsafe-fixes'], dir);
    const fixed = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
    expect(fixed).toContain('- docker:27-dind');
    expect(fixed).toContain('--password-stdin');
    expect(r.stderr).toContain('1 Docker-in-Docker service can be translated to a build without privilege: pass --strategy buildah|buildkit|kaniko|socket');
    expect(r.code).toBe(1);
  });

  it('reports a job whose commands need a daemon, with the command and where it is, and suggests socket', () => {
    const dir = repo({ '.gitlab-ci.yml': BLOCKED, '.git/HEAD': '' });
    const r = run(['fix', '--strategy', 'buildkit'], dir);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(BLOCKED);
    expect(r.stderr).toContain(
      'cilint: skipped: privileged-dind (translate to buildkit) in .gitlab-ci.yml: job `test` runs `docker run --rm app:test npm test` (.gitlab-ci.yml:7:7), which needs a Docker daemon; buildkit builds without one. Use --strategy socket',
    );
    expect(r.code).toBe(1);
    const socket = run(['fix', '--strategy', 'socket'], dir);
    expect(socket.stderr).toContain('jobs get root on the host, and concurrent jobs share one daemon');
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).not.toContain('dind');
  });

  it('takes the strategy and the builder image from the config file', () => {
    const dir = repo({
      '.gitlab-ci.yml': BUILD,
      '.git/HEAD': '',
      '.cilint.yml': 'fix:\n  strategy: buildah\n  images:\n    buildah: registry.example.com/mirror/buildah:v1.43.4\n',
    });
    const r = run(['fix'], dir);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toContain('image: registry.example.com/mirror/buildah:v1.43.4');
    expect(r.code).toBe(0);
    // --strategy wins over the config file.
    const other = repo({ '.gitlab-ci.yml': BUILD, '.git/HEAD': '', '.cilint.yml': 'fix:\n  strategy: buildah\n' });
    run(['fix', '--strategy', 'socket'], other);
    expect(readFileSync(join(other, '.gitlab-ci.yml'), 'utf8')).toContain('image: docker:27');
  });

  it('rejects an unknown strategy as a usage error', () => {
    const dir = repo({ '.gitlab-ci.yml': BUILD });
    const r = run(['fix', '--strategy', 'podman'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('podman');
  });
});

describe('cilint fix --strategy on Jenkinsfiles', () => {
  const POD = (steps: string) => `podTemplate(yaml: '''
spec:
  containers:
  - name: docker
    image: docker:27-cli
    command: [sleep, infinity]
  - name: dind
    image: docker:27-dind
    securityContext:
      privileged: true
''') {
  node(POD_LABEL) {
    container('docker') {
${steps}
    }
  }
}
`;

  it('leaves a pod whose steps need a daemon untouched and names the blocking command', () => {
    const text = POD("      sh 'docker build -t app:test .'\n      sh 'docker run --rm app:test npm test'");
    const dir = repo({ Jenkinsfile: text, '.git/HEAD': '' });
    const r = run(['fix', '--strategy', 'buildah'], dir);
    expect(readFileSync(join(dir, 'Jenkinsfile'), 'utf8')).toBe(text);
    expect(r.stderr).toMatch(/skipped: privileged-dind .*`docker run --rm app:test npm test` \(Jenkinsfile:15:11\), which needs a Docker daemon; buildah builds without one\. Keep this job on its daemon/);
    expect(r.code).toBe(1);
  });

  // Two dind daemons in one pod (each CLI container pointing at one): both go with the translation.
  const TWO = (extra = '') => `podTemplate(containers: [
    containerTemplate(name: 'dind0', image: 'docker:27-dind', privileged: true),
    containerTemplate(name: 'cli0', image: 'docker:27', command: 'cat', ttyEnabled: true),
    containerTemplate(name: 'dind1', image: 'docker:27-dind', privileged: true),
    containerTemplate(name: 'cli1', image: 'docker:27', command: 'cat', ttyEnabled: true),
]) {
  node(POD_LABEL) {
    container('cli0') { sh 'docker build -t reg/a .' }
    container('cli1') { sh 'docker build -t reg/b .' }
${extra}  }
}
`;

  it('removes every privileged dind container of a translated pod, not only the first', () => {
    const dir = repo({ Jenkinsfile: TWO(), '.git/HEAD': '' });
    const r = run(['fix', '--strategy', 'kaniko'], dir);
    expect(r.stderr).toContain('cilint: 1 fix applied in 1 file');
    expect(readFileSync(join(dir, 'Jenkinsfile'), 'utf8')).toBe(`podTemplate(containers: [
    containerTemplate(name: 'kaniko', image: 'martizih/kaniko:v1.27.6-debug', command: 'sleep', args: '9999999'),
]) {
  node(POD_LABEL) {
    container('kaniko') { sh '/kaniko/executor --context . --dockerfile Dockerfile --no-push' }
    container('kaniko') { sh '/kaniko/executor --context . --dockerfile Dockerfile --no-push' }
  }
}
`);
    expect(r.code).toBe(0);
  });

  it('keeps a dind container that a block still runs in, and says so', () => {
    const dir = repo({ Jenkinsfile: TWO("    container('dind1') { sh 'echo hi' }\n"), '.git/HEAD': '' });
    const r = run(['fix', '--strategy', 'buildah'], dir);
    const out = readFileSync(join(dir, 'Jenkinsfile'), 'utf8');
    expect(out).not.toContain("name: 'dind0'");
    expect(out).toContain("containerTemplate(name: 'dind1', image: 'docker:27-dind', privileged: true),");
    expect(out).toContain("container('buildah') { sh 'buildah build -t reg/a .' }");
    expect(out).toContain("container('dind1') { sh 'echo hi' }");
    expect(r.stderr).toContain('the dind container (Jenkinsfile:4:5) was not replaced: job `container(dind1)` runs its steps in it');
  });

  it('does not replace a dind container whose own block needs the daemon', () => {
    const text = TWO("    container('dind1') { sh 'dockerd --version' }\n");
    const dir = repo({ Jenkinsfile: text, '.git/HEAD': '' });
    const r = run(['fix', '--strategy', 'buildah'], dir);
    expect(readFileSync(join(dir, 'Jenkinsfile'), 'utf8')).toBe(text);
    expect(r.stderr).toContain('job `container(dind1)` runs `dockerd --version`');
  });

  it('removes the second dind container of pod YAML too', () => {
    const text = POD("      sh 'docker build -t reg/a .'").replace('  - name: dind\n', '  - name: dind2\n    image: docker:27-dind\n    securityContext:\n      privileged: true\n  - name: dind\n');
    const dir = repo({ Jenkinsfile: text, '.git/HEAD': '' });
    run(['fix', '--strategy', 'kaniko'], dir);
    const out = readFileSync(join(dir, 'Jenkinsfile'), 'utf8');
    expect(out).not.toContain('docker:27-dind');
    expect(out).not.toContain('privileged');
    expect(out).toContain("container('kaniko') {");
    expect(run(['lint', '--format', 'json'], dir).code).toBe(0);
  });

  it('names the first five of many translated blocks, then how many more', () => {
    const blocks = Array.from({ length: 6 }, (_, i) => `    container('cli${i % 2}') { sh 'docker build -t reg/c${i} .' }\n`).join('');
    const r = run(['fix', '--strategy', 'kaniko', '--dry-run'], repo({ Jenkinsfile: TWO(blocks), '.git/HEAD': '' }));
    expect(r.stderr).toContain('(translate `container(cli0)`, `container(cli1)`, `container(cli0)`, `container(cli1)`, `container(cli0)` and 3 more to kaniko)');
    expect(r.stderr).toContain('`container(cli0)`, `container(cli1)`, `container(cli0)`, `container(cli1)`, `container(cli0)` and 3 more build with kaniko');
  });

  it('says buildkit and socket are not supported for Jenkins yet, and writes nothing', () => {
    const text = POD("      sh 'docker build -t registry.example.com/app:1 .'\n      sh 'docker push registry.example.com/app:1'");
    const dir = repo({ Jenkinsfile: text, '.git/HEAD': '' });
    for (const strategy of ['buildkit', 'socket']) {
      const r = run(['fix', '--strategy', strategy], dir);
      expect(r.stderr).toContain(`--strategy ${strategy} is not supported for Jenkins yet (use buildah or kaniko)`);
      expect(readFileSync(join(dir, 'Jenkinsfile'), 'utf8')).toBe(text);
    }
    const buildah = run(['fix', '--strategy', 'buildah'], dir);
    expect(buildah.stderr).toContain('1 fix applied in 1 file');
    expect(readFileSync(join(dir, 'Jenkinsfile'), 'utf8')).toContain("sh 'buildah push registry.example.com/app:1'");
  });
});
