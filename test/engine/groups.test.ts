/**
 * `lintPaths` reads, judges and drops pipelines group by group (one group per outermost project root).
 * These tests check that the findings are those of one pass over the whole lint set: nothing lost or
 * doubled between groups, rules about runners judged by jobs of every group, and templates shared by
 * nested roots judged with every pipeline that reads them.
 */
import { join } from 'node:path';
import { RULES } from '../../rules/index.js';
import { defaultConfig } from '../../src/engine/config.js';
import { lintPaths } from '../../src/engine/lint.js';
import type { Finding, FixSettings } from '../../src/engine/rule.js';
import { positionAt } from '../../src/model/source.js';
import { repo } from '../cli/helpers.js';

function lint(dir: string, paths = ['.'], fix?: FixSettings): Finding[] {
  return lintPaths({ paths, cwd: dir, rules: RULES, config: defaultConfig(dir), fix }).findings;
}

/** A finding as text: absolute file, position, rule, severity and message. */
function show(f: Finding): string {
  const p = positionAt(f.span.file, f.span.start);
  return `${f.span.file.path}:${p.line}:${p.column} ${f.rule} ${f.severity} ${f.message}`;
}

const TEMPLATES = `.dind:
  image: docker:27
  services:
    - docker:27-dind
.unused:
  image: docker:latest
  services: [docker:dind]
`;

/** A service project: a pipeline with includes, a template library, jobs with and without dind. */
function project(name: string): Record<string, string> {
  return {
    [`${name}/.gitlab-ci.yml`]: `include:
  - local: ci/templates.yml
build-${name}:
  extends: .dind
  variables: { DOCKER_TLS_CERTDIR: "" }
  script:
    - docker login -u ci -p "$PASS" registry.example.com
    - docker build -t ${name} .
test-${name}:
  image: node:20
  script: npm test
`,
    [`${name}/ci/templates.yml`]: TEMPLATES,
    [`${name}/extra.gitlab-ci.yml`]: `extra-${name}:\n  image: docker:latest\n  script: docker info\n`,
    [`${name}/jenkins/Jenkinsfile`]: `pipeline {
  agent { docker { image 'docker:latest'; args '-v /var/run/docker.sock:/var/run/docker.sock' } }
  stages {
    stage('Build') { steps { sh 'docker build -t ${name} .' } }
  }
}
`,
  };
}

/** A service project without its Jenkinsfile: GitLab groups only. */
function gitlabOnly(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(project(name)).filter(([path]) => !path.endsWith('Jenkinsfile')));
}

describe('linting a tree group by group', () => {
  it('finds in a tree of projects exactly the findings of each project linted alone', () => {
    const names = ['alpha', 'beta', 'gamma', 'delta'];
    const dir = repo(Object.assign({}, ...names.map(project)));
    const together = lint(dir).map(show);
    const alone = names.flatMap((n) => lint(join(dir, n)).map(show));
    expect(together.length).toBeGreaterThan(names.length * 5);
    expect([...together].sort()).toEqual([...alone].sort());
  });

  it('judges a runner by the jobs of every group, not the last one', () => {
    const dind = (name: string, image: string) => ({
      [`${name}/.gitlab-ci.yml`]: `variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild-${name}:\n  image: docker:27\n  services: [${image}]\n  script: docker build .\n`,
    });
    const dir = repo({
      'a-plain/.gitlab-ci.yml': 'test:\n  image: node:20\n  script: npm test\n',
      ...dind('m', 'docker:27-dind'),
      ...dind('q', 'docker:28-dind'),
      'runners/config.toml': '[[runners]]\n  name = "shared"\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n    volumes = ["/cache"]\n',
      'z-plain/.gitlab-ci.yml': 'test:\n  image: node:20\n  script: npm test\n',
    });
    const findings = lint(dir);
    const privileged = findings.filter((f) => f.rule === 'privileged-runner');
    expect(privileged).toHaveLength(1);
    // A dind job somewhere in the lint set needs the privilege: a warning, and the fix allows both images.
    expect(privileged[0].severity).toBe('warning');
    expect(privileged[0].fix!.edits.map((e) => e.text).join('')).toContain('allowed_privileged_services = ["docker:27-dind", "docker:28-dind"]');
    const certs = findings.filter((f) => f.rule === 'certs-volume-missing');
    expect(certs).toHaveLength(1);
    expect(certs[0].message).toContain('(such as `build-m`, ../m/.gitlab-ci.yml:3)');
  });

  it('makes privileged-runner an error when no group needs privilege', () => {
    const dir = repo({
      'a/.gitlab-ci.yml': 'test:\n  image: node:20\n  script: npm test\n',
      'b/.gitlab-ci.yml': 'lint:\n  image: node:20\n  script: npm run lint\n',
      'runners/config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n',
    });
    const privileged = lint(dir).filter((f) => f.rule === 'privileged-runner');
    expect(privileged.map((f) => f.severity)).toEqual(['error']);
  });

  it('keeps a runner privileged in a socket translation while another group still runs dind on it', () => {
    const files = {
      'm/.gitlab-ci.yml': 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild-m:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      'runners/config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n',
    };
    const socket: FixSettings = { strategy: 'socket', images: {} };
    const runnerEdits = (dir: string) =>
      lint(dir, ['.'], socket)
        .filter((f) => f.rule === 'privileged-dind')
        .flatMap((f) => f.fix!.edits)
        .filter((e) => e.file.path.endsWith('config.toml'))
        .map((e) => e.text);
    // Alone, the translated job was the last one needing privilege: the fix turns it off.
    expect(runnerEdits(repo(files))).toContain('false');
    const two = repo({ ...files, 'z/.gitlab-ci.yml': files['m/.gitlab-ci.yml'].replace('build-m', 'build-z') });
    expect(runnerEdits(two)).not.toContain('false');
  });

  it('judges a template read by nested roots with every pipeline that reads it', () => {
    const dir = repo({
      // `outer` uses `.tpl`, written under the nested root `sub`, whose own pipeline does not use it.
      '.gitlab-ci.yml': 'include: sub/ci/t.yml\nouter:\n  extends: .tpl\n  variables: { DOCKER_TLS_CERTDIR: /certs }\n  script: docker build .\n',
      'sub/.gitlab-ci.yml': 'include: ci/t.yml\ninner:\n  image: node:20\n  script: npm test\n',
      'sub/ci/t.yml': '.tpl:\n  image: docker:27\n  services: [docker:27-dind]\n',
    });
    expect(lint(dir).map((f) => f.rule)).not.toContain('missing-tls-certdir');
    // Linted without the outer pipeline, nothing uses the template: it is judged on its own.
    expect(lint(join(dir, 'sub')).map((f) => f.rule)).toContain('missing-tls-certdir');
  });

  /** Services alpha, beta and gamma (no Jenkinsfiles) under a top-level pipeline, linted in up to 3 threads. */
  function underTop(top: string) {
    const dir = repo({ ...Object.assign({}, ...['alpha', 'beta', 'gamma'].map(gitlabOnly)), '.gitlab-ci.yml': top });
    return { dir, result: lintPaths({ paths: ['.'], cwd: dir, rules: RULES, config: defaultConfig(dir), concurrency: 3 }) };
  }

  it('lints the services under a top-level pipeline that reads none of their files as groups of their own', () => {
    const { dir, result } = underTop('stages: [build]\nchildren:\n  stage: build\n  trigger:\n    include: alpha/.gitlab-ci.yml\n');
    // Split over three threads: one group could not be.
    expect(result.threads).toBe(3);
    const alone = [...['alpha', 'beta', 'gamma'].flatMap((n) => lint(join(dir, n))), ...lint(dir, ['.gitlab-ci.yml'])].map(show);
    expect(result.findings.map(show).sort()).toEqual(alone.sort());
  });

  it('keeps a service in the top-level group when the top pipeline reads its files', () => {
    const { dir, result } = underTop('include:\n  - local: alpha/ci/templates.yml\n  - local: gamma/ci/templates.yml\nouter:\n  extends: .dind\n  script: docker build .\n');
    // Groups: the top pipeline with alpha and gamma, then beta.
    expect(result.threads).toBe(2);
    // `.unused` in alpha's and gamma's templates is judged with the top pipeline, which does not use it either.
    expect(result.findings.map(show)).toEqual(lint(dir).map(show));
  });

  it('finds the roots below a root past a sibling whose name it begins (`app-tools` sorts before `app/sub`)', () => {
    const dir = repo({
      '.gitlab-ci.yml': 'top:\n  image: node:20\n  script: npm test\n',
      'app/.gitlab-ci.yml': 'include: sub/ci/t.yml\nouter:\n  extends: .tpl\n  variables: { DOCKER_TLS_CERTDIR: /certs }\n  script: docker build .\n',
      'app/sub/.gitlab-ci.yml': 'include: ci/t.yml\ninner:\n  image: node:20\n  script: npm test\n',
      'app/sub/ci/t.yml': '.tpl:\n  image: docker:27\n  services: [docker:27-dind]\n',
      'app-tools/.gitlab-ci.yml': 'tools:\n  image: node:20\n  script: npm test\n',
    });
    // `.tpl` is used by `outer`, which sets the TLS folder: judged alone, it would lack it.
    expect(lint(dir).map((f) => f.rule)).not.toContain('missing-tls-certdir');
  });

  it('reports a directive that silences nothing once per file, in every group', () => {
    const dir = repo({
      'a/.gitlab-ci.yml': '# cilint-disable-next-line tls-disabled\ntest:\n  image: node:20\n  script: npm test\n',
      'b/.gitlab-ci.yml': 'test:\n  image: docker:latest # cilint-disable-line unpinned-docker-image\n  script: docker info\n',
      'c/.gitlab-ci.yml': '# cilint-disable-next-line no-such-rule\ntest:\n  image: node:20\n  script: npm test\n',
    });
    const result = lintPaths({ paths: ['.'], cwd: dir, rules: RULES, config: defaultConfig(dir), reportUnusedDisables: true });
    expect(result.findings.filter((f) => f.rule === 'unused-disable').map((f) => f.span.file.path)).toEqual([join(dir, 'a/.gitlab-ci.yml'), join(dir, 'c/.gitlab-ci.yml')]);
    expect(result.suppressed.map((f) => f.rule)).toEqual(['unpinned-docker-image']);
  });
});
