import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../rules/index.js';
import { main } from '../../src/cli.js';
import { lintFiles } from '../../src/engine/lint.js';
import { spanText } from '../../src/model/span.js';
import { lexGroovy, parseGroovy } from '../../src/parsers/jenkins/groovy/index.js';
import { repo, run } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(root, 'test/fixtures/jenkins');

interface JsonFinding {
  rule: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

function findings(stdout: string): JsonFinding[] {
  return JSON.parse(stdout).findings as JsonFinding[];
}

/** `file:line rule` of each finding, the way a reader looks them up. */
function located(stdout: string): string[] {
  return findings(stdout).map((f) => `${f.file}:${f.line} ${f.rule}`);
}

/** The text a finding covers, from its 1-based line/column range (columns in UTF-16 code units). */
function coveredText(cwd: string, f: JsonFinding): string {
  const lines = readFileSync(join(cwd, f.file), 'utf8').replace(/^\ufeff/, '').split(/(?<=\r\n|\n|\r(?!\n))/);
  const offset = (line: number, column: number) => lines.slice(0, line - 1).join('').length + column - 1;
  return lines.join('').slice(offset(f.line, f.column), offset(f.endLine, f.endColumn));
}

/** What the span of a finding of each rule covers in a Jenkinsfile. */
const SLICES: Record<string, RegExp> = {
  'privileged-dind': /privileged/,
  'socket-mount': /docker\.sock/,
  'socket-with-dind': /docker:[\w.-]*dind/,
  'tls-disabled': /^(''|""|DOCKER_TLS_CERTDIR=)$/,
  'login-password-arg': /^(-p|--password)/,
  'unpinned-docker-image': /docker:(latest|dind)/,
  'docker-host-mismatch': /^tcp:\/\//,
  'insecure-docker-tcp': /^'?tcp:\/\//,
  'archived-kaniko-image': /gcr\.io\/kaniko-project\/executor/,
};

describe('cilint lint on Jenkinsfiles', () => {
  it('finds the hazards of the valid fixtures at their lines, embedded pod YAML included', () => {
    const r = run(['lint', '--format', 'json', 'valid'], FIXTURES);
    expect(r.code).toBe(1);
    expect(located(r.stdout)).toEqual([
      'valid/declarative-docker/Jenkinsfile:7 socket-mount',
      'valid/declarative-dockerfile/Jenkinsfile:8 socket-mount',
      'valid/declarative-kubernetes/Jenkinsfile:30 privileged-dind',
      'valid/next-line-closures/Jenkinsfile:10 privileged-dind',
      'valid/pod-template-containers/Jenkinsfile:6 socket-with-dind',
      'valid/pod-template-containers/Jenkinsfile:6 privileged-dind',
      'valid/pod-template-containers/Jenkinsfile:7 tls-disabled',
      'valid/pod-template-containers/Jenkinsfile:15 socket-mount',
      'valid/pod-template-yaml/Jenkinsfile:9 privileged-dind',
      'valid/pod-template-yaml/Jenkinsfile:12 tls-disabled',
      'valid/scripted-dind/Jenkinsfile:27 privileged-dind',
      'valid/scripted-dind/Jenkinsfile:27 tls-disabled',
      'valid/shared-library/vars/buildImage.groovy:13 privileged-dind',
      'valid/shared-library/vars/buildImage.groovy:14 tls-disabled',
    ]);
  });

  it('lints the bundled Jenkins example: dind sidecar, TLS off, -p login, socket bind, unpinned images', () => {
    const cwd = join(root, 'examples');
    const r = run(['lint', '--format', 'json', 'jenkins-dind'], cwd);
    expect(r.code).toBe(1);
    expect(located(r.stdout)).toEqual([
      'jenkins-dind/Jenkinsfile:19 unpinned-docker-image',
      'jenkins-dind/Jenkinsfile:21 privileged-dind',
      'jenkins-dind/Jenkinsfile:24 tls-disabled',
      'jenkins-dind/Jenkinsfile:40 login-password-arg',
      'jenkins-dind/Jenkinsfile:48 unpinned-docker-image',
      'jenkins-dind/Jenkinsfile:49 socket-mount',
    ]);
  });

  it('speaks Jenkins in its messages', () => {
    const r = run(['lint', '--format', 'json', 'valid/pod-template-containers'], FIXTURES);
    const byRule = new Map(findings(r.stdout).map((f) => [f.rule, f.message]));
    expect(byRule.get('socket-with-dind')).toMatch(/host's Docker socket \(Jenkinsfile:15\)/);
    expect(byRule.get('tls-disabled')).toMatch(/daemon in `docker:27-dind`/);
    expect(byRule.get('socket-mount')).not.toMatch(/runner/);
  });

  it('gives every finding on every fixture a span that slices to the offending text', () => {
    const cwd = FIXTURES;
    const r = run(['lint', '--format', 'json', 'valid', 'invalid'], cwd);
    const all = findings(r.stdout);
    expect(all.length).toBeGreaterThan(30);
    const expected = SLICES;
    for (const f of all) {
      const text = coveredText(cwd, f);
      if (f.rule === 'parse-error') {
        const lines = readFileSync(join(cwd, f.file), 'utf8').split('\n').length;
        expect([f.file, f.line <= lines]).toEqual([f.file, true]);
        continue;
      }
      expect([f.rule, f.file, text]).toEqual([f.rule, f.file, expect.stringMatching(expected[f.rule] ?? /./)]);
    }
  });

  it('gives every finding of the rules\' Jenkins examples a span that slices to the offending text', () => {
    const expected: Record<string, RegExp> = {
      ...SLICES,
      'docker-binary-mount': /^\/usr\/bin\/docker:/,
      'docker-version-skew': /docker:29-dind/,
      'include-error': /^'ci\/pod\.yaml'$/,
      'parse-error': /^$/,
    };
    for (const rule of RULES) {
      for (const example of rule.examples.filter((e) => e.platform === 'jenkins' && e.bad !== undefined)) {
        for (const f of lintFiles({ ...example.files, Jenkinsfile: example.bad! }, RULES)) {
          expect([f.rule, spanText(f.span)]).toEqual([f.rule, expect.stringMatching(expected[f.rule] ?? /^$ never/)]);
        }
      }
    }
  });

  it('reports each invalid Jenkinsfile as a parse-error where Groovy stops (exit 1)', () => {
    for (const dir of readdirSync(join(FIXTURES, 'invalid'))) {
      const text = readFileSync(join(FIXTURES, 'invalid', dir, 'Jenkinsfile'), 'utf8');
      const first = parseGroovy(text).errors[0]!;
      // A multi-line string left open is reported where it opens, not at the end of the file.
      const open = /0xFFFF/.test(first.message) ? lexGroovy(text).tokens.find((t) => t.str && !t.str.terminated && t.str.parts.every((p) => p.kind !== 'block')) : undefined;
      const line = text.slice(0, open ? open.start : first.start).split(/\r\n|\n|\r/).length;
      const r = run(['lint', '--format', 'json', join('invalid', dir)], FIXTURES);
      expect([dir, r.code]).toEqual([dir, 1]);
      const parseErrors = findings(r.stdout).filter((f) => f.rule === 'parse-error');
      expect([dir, parseErrors.map((f) => f.line)]).toEqual([dir, [line]]);
      expect(parseErrors[0]!.message).toMatch(/^Groovy syntax error: /);
    }
  });

  it('says where it stopped reading a Jenkinsfile nested too deeply, and reads the rest', () => {
    // 200 nested closures: valid Groovy (2.4 compiles it), deeper than the parser reads. The steps
    // below the limit are not linted, which is said instead of passing in silence.
    const nested = (n: number) =>
      `node {\n${"dir('x') {\n".repeat(n)}docker.image('docker:27-dind').withRun('--privileged') { c -> sh 'docker build .' }\n${'}\n'.repeat(n)}` +
      `docker.image('docker:26-dind').withRun('--privileged') { c -> sh 'docker build .' }\n}\n`;
    const deep = run(['lint', '--format', 'json'], repo({ Jenkinsfile: nested(200) }));
    expect(deep.code).toBe(1);
    expect(findings(deep.stdout).map((f) => `${f.line} ${f.rule}`)).toEqual(['125 parse-error', '403 privileged-dind']);
    expect(findings(deep.stdout)[0]!.message).toBe('constructs are nested too deeply to read: cilint does not look at the steps inside this one');
    const shallow = run(['lint', '--format', 'json'], repo({ Jenkinsfile: nested(100) }));
    expect(findings(shallow.stdout).map((f) => `${f.line} ${f.rule}`)).toEqual(['102 privileged-dind', '203 privileged-dind']);
  });

  it('honours // cilint-disable comments, and # ones inside embedded pod YAML', () => {
    const dir = repo({
      Jenkinsfile: [
        "podTemplate(yaml: '''",
        'spec:',
        '  containers:',
        '  - name: dind',
        '    image: docker:27-dind',
        '    securityContext:',
        '      privileged: true # cilint-disable-line privileged-dind -- isolated build nodes',
        '    env:',
        '    - name: DOCKER_TLS_CERTDIR',
        '      value: ""',
        "''') {",
        '  node(POD_LABEL) {',
        '    // cilint-disable-next-line login-password-arg',
        "    sh 'docker login -p $TOKEN registry.example.com'",
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    const r = run(['--format', 'json'], dir);
    expect(located(r.stdout)).toEqual(['Jenkinsfile:10 tls-disabled']);
    expect(JSON.parse(r.stdout).suppressed.map((f: JsonFinding) => `${f.line} ${f.rule}`)).toEqual(['7 privileged-dind', '14 login-password-arg']);
  });

  it('fixes a password on the command line inside a Groovy string', () => {
    const dir = repo({ Jenkinsfile: "node {\n  sh 'docker login -u ci -p \"$TOKEN\" registry.example.com'\n}\n" });
    expect(run(['fix'], dir).code).toBe(0);
    const fixed = readFileSync(join(dir, 'Jenkinsfile'), 'utf8');
    expect(fixed).toBe("node {\n  sh 'printf \\'%s\\\\n\\' \"$TOKEN\" | docker login -u ci --password-stdin registry.example.com'\n}\n");
    expect(parseGroovy(fixed).errors).toEqual([]);
  });

  it('lints standard input as a Jenkinsfile, a .groovy one by the text read', () => {
    const lintStdin = (filename: string): { code: number; stdout: string } => {
      let stdout = '';
      const code = main(['--stdin', '--stdin-filename', filename, '--format', 'json'], {
        cwd: repo({ 'vars/README.md': '' }),
        env: {},
        isTTY: false,
        stdout: (t) => (stdout += t),
        stderr: () => undefined,
        readStdin: () => "node {\n  docker.image('docker:27-dind').withRun('--privileged') { }\n}\n",
      });
      return { code, stdout };
    };
    for (const filename of ['Jenkinsfile', 'vars/build.groovy']) {
      const r = lintStdin(filename);
      expect([filename, r.code, located(r.stdout)]).toEqual([filename, 1, [`${filename}:2 privileged-dind`]]);
    }
  });
});

describe('discovering Jenkinsfiles', () => {
  const DIND = "node {\n  docker.image('docker:27-dind').withRun('--privileged') { }\n}\n";

  it('finds them by name, and *.groovy files by what they define', () => {
    const dir = repo({
      Jenkinsfile: DIND,
      'Jenkinsfile.release': DIND,
      Jenkinsfile_k8s: DIND,
      'ci/deploy.Jenkinsfile': DIND,
      'ci/nightly.jenkinsfile': DIND,
      'vars/buildImage.groovy': `def call(Map args) {\n  pipeline {\n    agent any\n    stages { stage('b') { steps { sh 'docker login -p x r' } } }\n  }\n}\n`,
      'examples/scripted.groovy': DIND,
      // A Gradle-like build script and a class with a `node(` method: not pipelines.
      'build.groovy': "plugins { id 'java' }\ndependencies { implementation 'x:y:1' }\n",
      'src/org/acme/Tree.groovy': 'class Tree {\n  def node(String name) { name }\n  def root() { node("a") }\n}\n',
      'README.md': '# Jenkinsfile\n',
    });
    const r = run(['--format', 'json'], dir);
    expect(r.code).toBe(1);
    expect([...new Set(findings(r.stdout).map((f) => f.file))].sort()).toEqual([
      'Jenkinsfile',
      'Jenkinsfile.release',
      'Jenkinsfile_k8s',
      'ci/deploy.Jenkinsfile',
      'ci/nightly.jenkinsfile',
      'examples/scripted.groovy',
      'vars/buildImage.groovy',
    ]);
  });

  it('lints a named Jenkinsfile directly, any file with --kind jenkins, and notes a .groovy without a pipeline', () => {
    const dir = repo({ 'ci/Jenkinsfile': DIND, 'ci/pipeline.txt': DIND, 'build.groovy': "apply plugin: 'java'\n" });
    expect(located(run(['ci/Jenkinsfile', '--format', 'json'], dir).stdout)).toEqual(['ci/Jenkinsfile:2 privileged-dind']);
    expect(run(['ci/pipeline.txt'], dir).code).toBe(2);
    expect(located(run(['ci/pipeline.txt', '--kind', 'jenkins', '--format', 'json'], dir).stdout)).toEqual(['ci/pipeline.txt:2 privileged-dind']);
    const groovy = run(['build.groovy'], dir);
    expect([groovy.code, groovy.stderr]).toEqual([0, 'cilint: build.groovy: not a Jenkins pipeline (no pipeline {, node or podTemplate( in it); skipped\n']);
  });

  it('judges DOCKER_HOST in a pod by the names that reach its containers', () => {
    const pod = (host: string) =>
      `podTemplate(yaml: '''\nspec:\n  containers:\n  - name: docker\n    image: docker:27-cli\n    env:\n    - name: DOCKER_HOST\n      value: ${host}\n  - name: dind\n    image: docker:27-dind\n''') {\n  node(POD_LABEL) { container('docker') { sh 'docker info' } }\n}\n`;
    const mismatches = (host: string) =>
      findings(run(['--format', 'json'], repo({ Jenkinsfile: pod(host) })).stdout)
        .filter((f) => f.rule === 'docker-host-mismatch')
        .map((f) => `${f.line} ${f.message.split(';')[0]}`);
    expect(mismatches('tcp://localhost:2376')).toEqual([]);
    expect(mismatches('tcp://127.0.0.1:2376')).toEqual([]);
    expect(mismatches('tcp://docker:2376')).toEqual(["8 DOCKER_HOST names `docker`, which does not reach the job's Docker-in-Docker container (it answers as `localhost`, `127.0.0.1`)"]);
    expect(mismatches('tcp://localhost:2375')).toEqual(['8 DOCKER_HOST uses port 2375, but TLS is on (DOCKER_TLS_CERTDIR is unset or non-empty), so the daemon listens on 2376 only']);
  });

  it('never applies a GitLab runner config to Jenkins jobs', () => {
    const dir = repo({
      Jenkinsfile: DIND,
      'config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = false\n    volumes = ["/var/run/docker.sock:/var/run/docker.sock"]\n',
    });
    const rules = findings(run(['--format', 'json'], dir).stdout).map((f) => f.rule);
    expect(rules).not.toContain('dind-not-allowed');
    expect(rules).not.toContain('socket-with-dind');
    expect(rules).not.toContain('certs-volume-missing');
    expect(rules).toContain('privileged-dind');
  });
});
