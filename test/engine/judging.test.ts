import { RULES } from '../../rules/index.js';
import { lintWithHost } from '../../src/engine/lint.js';
import { MemoryHost } from '../../src/engine/memory-host.js';
import { positionAt } from '../../src/model/source.js';
import type { Executor } from '../../src/docker/hostnames.js';

function lint(files: Record<string, string>, roots = ['.gitlab-ci.yml'], executor: Executor = 'docker') {
  return lintWithHost(roots, new MemoryHost(files), RULES, executor).map((f) => {
    const p = positionAt(f.span.file, f.span.start);
    return { rule: f.rule, where: `${f.span.file.relPath}:${p.line}:${p.column}`, message: f.message };
  });
}

const rulesOf = (fs: { rule: string }[]) => fs.map((f) => f.rule);

describe('judging jobs through the templates they use', () => {
  const template = `.dind:
  image: docker:27
  services:
    - docker:27-dind
`;

  it('accepts a template without DOCKER_TLS_CERTDIR when every job using it sets one', () => {
    const out = lint({
      'ci/t.yml': template,
      '.gitlab-ci.yml': `include: ci/t.yml
a:
  extends: .dind
  variables: { DOCKER_TLS_CERTDIR: /certs }
  script: docker build .
b:
  extends: .dind
  variables: { DOCKER_TLS_CERTDIR: /certs }
  script: docker build .
`,
    });
    expect(rulesOf(out)).not.toContain('missing-tls-certdir');
  });

  it('reports a problem written once in a template once, where it is written', () => {
    const out = lint({
      'ci/t.yml': template,
      '.gitlab-ci.yml': 'include: ci/t.yml\na:\n  extends: .dind\n  script: x\nb:\n  extends: .dind\n  script: y\n',
    });
    const missing = out.filter((f) => f.rule === 'missing-tls-certdir');
    expect(missing.map((f) => f.where)).toEqual(['ci/t.yml:4:7']);
  });

  it('judges a hidden job that nothing uses on its own (a template library)', () => {
    const out = lint({ '.gitlab-ci.yml': template });
    expect(rulesOf(out)).toEqual(expect.arrayContaining(['missing-tls-certdir', 'privileged-dind']));
  });

  it('counts a template as used through !reference and YAML aliases too', () => {
    const viaRef = lint({
      '.gitlab-ci.yml': `${template}build:
  image: docker:27
  services: !reference [.dind, services]
  variables: { DOCKER_TLS_CERTDIR: /certs }
  script: docker build .
`,
    });
    expect(rulesOf(viaRef)).not.toContain('missing-tls-certdir');
    const viaAlias = lint({
      '.gitlab-ci.yml': `.dind: &dind
  image: docker:27
  services: [docker:27-dind]
build:
  <<: *dind
  variables: { DOCKER_TLS_CERTDIR: /certs }
  script: docker build .
`,
    });
    expect(rulesOf(viaAlias)).not.toContain('missing-tls-certdir');
  });

  it('treats hidden keys holding arbitrary YAML as data, not templates', () => {
    const out = lint({
      '.gitlab-ci.yml': `.services:
  dind:
    - docker:27-dind
.push: [docker push app]
build:
  image: docker:27
  variables: { DOCKER_TLS_CERTDIR: /certs }
  services: !reference [.services, dind]
  script: !reference [.push]
`,
    });
    expect(rulesOf(out)).toEqual(['privileged-dind']);
  });

  it('applies default: and inherit: before judging', () => {
    const out = lint({
      '.gitlab-ci.yml': `default:
  services: [docker:27-dind]
variables:
  DOCKER_TLS_CERTDIR: /certs
with-default:
  image: docker:27
  script: docker info
no-default:
  image: docker:27
  inherit:
    default: false
  script: echo hi
no-vars:
  image: docker:27
  inherit:
    variables: false
  script: docker info
`,
    });
    const missing = out.filter((f) => f.rule === 'missing-tls-certdir');
    expect(missing.map((f) => f.where)).toEqual(['.gitlab-ci.yml:2:14']);
  });

  it('lets later pipelines in the lint set mark a template as used', () => {
    const files = {
      'templates.gitlab-ci.yml': template,
      '.gitlab-ci.yml': 'include: templates.gitlab-ci.yml\nbuild:\n  extends: .dind\n  variables: { DOCKER_TLS_CERTDIR: /certs }\n  script: x\n',
    };
    expect(rulesOf(lint(files, ['templates.gitlab-ci.yml', '.gitlab-ci.yml']))).not.toContain('missing-tls-certdir');
  });
});

describe('DOCKER_HOST against service hostnames', () => {
  const job = (host: string, services: string, extra = '') => ({
    '.gitlab-ci.yml': `variables:\n  DOCKER_TLS_CERTDIR: /certs\n  DOCKER_HOST: ${host}\n${extra}build:\n  image: docker:27\n  services:\n${services}  script: docker info\n`,
  });

  it.each([
    ['tcp://docker:2376', '    - docker:27-dind\n'],
    ['tcp://docker', '    - docker:27-dind\n'],
    ['tcp://docker:2376/', '    - name: registry.example.com:5000/mirror/docker:27-dind\n      alias: docker\n'],
    ['tcp://localhost:2376', '    - docker:27-dind\n', '', 'kubernetes'],
  ])('accepts %s', (host, services, extra = '', executor = 'docker') => {
    expect(rulesOf(lint(job(host, services, extra), ['.gitlab-ci.yml'], executor as Executor))).not.toContain('docker-host-mismatch');
  });

  it.each([
    ['tcp://localhost:2376', '    - docker:27-dind\n', /localhost.*Kubernetes/],
    ['tcp://docker:2375', '    - docker:27-dind\n', /port 2375, but TLS is on/],
    ['tcp://dind:2376', '    - name: docker:27-dind\n      alias: dind\n', /certificate is valid for `docker` and `localhost`, not `dind`/],
    ['tcp://docker:2376', '    - name: $CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/docker:27-dind\n', /alias: docker/],
  ])('rejects %s', (host, services, message) => {
    const out = lint(job(host, services));
    const hit = out.find((f) => f.rule === 'docker-host-mismatch');
    expect(hit?.message).toMatch(message);
    expect(hit?.where).toBe('.gitlab-ci.yml:3:16');
  });

  it('accepts another alias when DOCKER_TLS_SAN names it', () => {
    const out = lint(job('tcp://dind:2376', '    - name: docker:27-dind\n      alias: dind\n', '  DOCKER_TLS_SAN: DNS:dind\n'));
    expect(rulesOf(out)).not.toContain('docker-host-mismatch');
  });
});

describe('findings inside scripts', () => {
  it('point at the command line inside a multi-line block scalar', () => {
    const out = lint({
      '.gitlab-ci.yml': `push:
  image: docker:27
  script:
    - |
      set -e
      if [ -n "$CI_COMMIT_TAG" ]; then
        docker login \\
          -u "$USER" -p "$PASS" registry.example.com
      fi
`,
    });
    const hit = out.find((f) => f.rule === 'login-password-arg');
    expect(hit?.where).toBe('.gitlab-ci.yml:8:22');
  });

  it('flags dockerd started on plain TCP inside && chains', () => {
    const out = lint({
      '.gitlab-ci.yml': 'build:\n  image: docker:27-dind\n  script:\n    - mkdir -p /x && dockerd -H tcp://0.0.0.0:2375 -H unix:///var/run/docker.sock &\n',
    });
    expect(out.find((f) => f.rule === 'insecure-docker-tcp')?.where).toBe('.gitlab-ci.yml:4:22');
  });

  it('does not flag dockerd with --tlsverify', () => {
    const out = lint({
      '.gitlab-ci.yml': 'build:\n  image: docker:27-dind\n  script:\n    - dockerd --tlsverify --host=tcp://0.0.0.0:2376 &\n',
    });
    expect(rulesOf(out)).not.toContain('insecure-docker-tcp');
  });
});

describe('variables', () => {
  it('reads the expanded form {value: ...} and the service\'s own variables', () => {
    const out = lint({
      '.gitlab-ci.yml': `variables:
  DOCKER_TLS_CERTDIR:
    value: ""
    description: TLS off for speed
build:
  image: docker:27
  services: [docker:27-dind]
  script: docker info
`,
    });
    expect(out.find((f) => f.rule === 'tls-disabled')?.where).toBe('.gitlab-ci.yml:3:12');
  });

  it('lets a job variable override a global one', () => {
    const out = lint({
      '.gitlab-ci.yml': 'variables:\n  DOCKER_TLS_CERTDIR: ""\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: /certs\n  script: docker info\n',
    });
    expect(rulesOf(out)).not.toContain('tls-disabled');
  });
});
