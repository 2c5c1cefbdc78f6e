import { parse } from 'yaml';
import { repo, run } from './helpers.js';

describe('cilint resolve', () => {
  const files = {
    '.gitlab-ci.yml': `include:
  - local: ci/templates.yml
variables:
  DOCKER_TLS_CERTDIR: "/certs"
default:
  image: docker:27
.hidden-vars: &vars
  FOO: bar
build:
  extends: .docker
  variables:
    <<: *vars
    IMAGE: app
  script:
    - !reference [.login, script]
    - docker build -t $IMAGE .
lint:
  image: node:20
  inherit:
    default: false
  script: npm run lint
`,
    'ci/templates.yml': `.docker:
  services:
    - name: docker:27-dind
      alias: docker
  variables:
    DOCKER_HOST: tcp://docker:2376
.login:
  script:
    - echo "$PASS" | docker login --password-stdin
`,
  };

  it('prints the effective pipeline as YAML: includes, extends, default, anchors and !reference applied', () => {
    const r = run(['resolve', '.gitlab-ci.yml'], repo(files));
    expect(r.code).toBe(0);
    const out = parse(r.stdout);
    expect(Object.keys(out)).toEqual(['variables', 'build', 'lint']);
    expect(out.build).toEqual({
      services: [{ name: 'docker:27-dind', alias: 'docker' }],
      variables: { DOCKER_HOST: 'tcp://docker:2376', FOO: 'bar', IMAGE: 'app' },
      script: ['echo "$PASS" | docker login --password-stdin', 'docker build -t $IMAGE .'],
      image: 'docker:27',
    });
    expect(out.lint).toEqual({ image: 'node:20', inherit: { default: false }, script: 'npm run lint' });
  });

  it('prints JSON with --format json', () => {
    const r = run(['resolve', '--format', 'json', '.gitlab-ci.yml'], repo(files));
    expect(JSON.parse(r.stdout).build.image).toBe('docker:27');
  });

  it('reports problems on stderr and exits 1 when one is an error', () => {
    const r = run(['resolve', '.gitlab-ci.yml'], repo({ '.gitlab-ci.yml': 'include: missing.yml\nbuild:\n  script: make\n' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('.gitlab-ci.yml:1:10: error cannot include `missing.yml`: no such file [include-error]\n');
    expect(parse(r.stdout)).toEqual({ build: { script: 'make' } });
  });

  it('exits 2 for a missing file', () => {
    const r = run(['resolve', 'nope.yml'], repo({}));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cilint: nope.yml: no such file\n');
  });
});

describe('keys named __proto__', () => {
  const text = '__proto__:\n  script: echo proto\nbuild:\n  script: echo\n  __proto__: 1\n';

  it('are kept by resolve, as job and as key', () => {
    const r = run(['resolve', '.gitlab-ci.yml'], repo({ '.gitlab-ci.yml': text }));
    expect(r.code).toBe(1);
    const resolved = parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(resolved)).toEqual(['__proto__', 'build']);
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
    expect(Object.keys(resolved.build as object)).toEqual(['script', '__proto__']);
  });

  it('are checked by the schema like any other key', () => {
    const r = run(['lint', '--format', 'json', '--no-config'], repo({ '.gitlab-ci.yml': text }));
    const findings = (JSON.parse(r.stdout) as { findings: { rule: string; line: number; message: string }[] }).findings;
    expect(findings.map((f) => `${f.rule}:${f.line}`)).toEqual(['schema:5']);
    expect(findings[0].message).toContain('`__proto__`');
  });
});
