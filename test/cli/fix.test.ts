import { chmodSync, chownSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeChanges } from '../../src/engine/fix.js';
import { repo, run } from './helpers.js';

const LOGIN = 'push:\n  image: docker:27\n  script:\n    - docker login -u ci -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY  # keep this comment\n    - docker push app\n';
const LOGIN_FIXED =
  'push:\n  image: docker:27\n  script:\n    - printf \'%s\\n\' "$CI_REGISTRY_PASSWORD" | docker login -u ci --password-stdin $CI_REGISTRY  # keep this comment\n    - docker push app\n';

describe('cilint fix', () => {
  it('applies safe fixes in place, keeping comments, and reports what it did', () => {
    const dir = repo({ '.gitlab-ci.yml': LOGIN });
    const r = run(['fix'], dir);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(LOGIN_FIXED);
    expect(r.stderr).toContain('cilint: 1 fix applied in 1 file\n');
    expect(r.code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('keeps CRLF line endings, a BOM and the file mode', () => {
    const crlf = '\ufeff' + LOGIN.replace(/\n/g, '\r\n');
    const dir = repo({ '.gitlab-ci.yml': crlf });
    chmodSync(join(dir, '.gitlab-ci.yml'), 0o640);
    run(['fix'], dir);
    const out = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
    expect(out).toBe('\ufeff' + LOGIN_FIXED.replace(/\n/g, '\r\n'));
    expect(statSync(join(dir, '.gitlab-ci.yml')).mode & 0o777).toBe(0o640);
  });

  it('leaves a file with nothing to fix unwritten (mtime unchanged)', () => {
    const dir = repo({ '.gitlab-ci.yml': 'test:\n  image: node:20\n  script: npm test\n' });
    const file = join(dir, '.gitlab-ci.yml');
    utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const before = statSync(file).mtimeMs;
    const r = run(['fix'], dir);
    expect(r.code).toBe(0);
    expect(statSync(file).mtimeMs).toBe(before);
    expect(r.stderr).toContain('0 fixes applied in 0 files');
  });

  it('prints a unified diff and writes nothing with --diff; --dry-run writes nothing either', () => {
    const dir = repo({ '.gitlab-ci.yml': LOGIN });
    const r = run(['fix', '--diff'], dir);
    expect(r.stdout).toContain('--- a/.gitlab-ci.yml');
    expect(r.stdout).toContain('+++ b/.gitlab-ci.yml');
    expect(r.stdout).toContain('-    - docker login -u ci -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY  # keep this comment');
    expect(r.stdout).toContain('+    - printf \'%s\\n\' "$CI_REGISTRY_PASSWORD" | docker login -u ci --password-stdin $CI_REGISTRY  # keep this comment');
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(LOGIN);
    const dry = run(['fix', '--dry-run'], dir);
    expect(dry.stderr).toContain('1 fix would apply in 1 file');
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(LOGIN);
  });

  it('exits 1 when findings at or above --fail-on remain after fixing', () => {
    const dir = repo({ '.gitlab-ci.yml': LOGIN.replace('image: docker:27', 'image: docker:27\n  services: [docker:27-dind]') });
    const r = run(['fix'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('privileged-dind');
    expect(r.stdout).not.toContain('login-password-arg');
  });

  it('writes a UTF-16 file back in UTF-16, with its byte order', () => {
    const le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    for (const encode of [le, be]) {
      const dir = repo({ '.gitlab-ci.yml': encode(LOGIN) });
      expect(run(['fix'], dir).code).toBe(0);
      expect(readFileSync(join(dir, '.gitlab-ci.yml'))).toEqual(encode(LOGIN_FIXED));
    }
  });

  it('does not write over a file edited since the fix read it', () => {
    const dir = repo({ '.gitlab-ci.yml': LOGIN });
    const path = join(dir, '.gitlab-ci.yml');
    const changes = [{ path, before: LOGIN, after: LOGIN_FIXED }];
    writeFileSync(path, `${LOGIN}# an edit made meanwhile\n`);
    expect(writeChanges(changes)).toEqual({ written: [], failed: [{ path, reason: 'the file changed while cilint was fixing it: run fix again' }] });
    expect(readFileSync(path, 'utf8')).toBe(`${LOGIN}# an edit made meanwhile\n`);
    writeFileSync(path, LOGIN);
    expect(writeChanges(changes)).toEqual({ written: [path], failed: [] });
    expect(readFileSync(path, 'utf8')).toBe(LOGIN_FIXED);
  });

  // Giving a file to another user needs root: CI runs as root, so does this test there.
  (process.getuid?.() === 0 ? it : it.skip)('keeps the owner of a file it fixes as root', () => {
    const dir = repo({ '.gitlab-ci.yml': LOGIN });
    const path = join(dir, '.gitlab-ci.yml');
    chownSync(path, 4321, 4322);
    expect(run(['fix'], dir).code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(LOGIN_FIXED);
    expect([statSync(path).uid, statSync(path).gid]).toEqual([4321, 4322]);
  });

  it('never writes through a file or symlink already where its temporary file goes', () => {
    const dir = repo({ '.gitlab-ci.yml': LOGIN, 'elsewhere.txt': 'keep\n' });
    const path = join(dir, '.gitlab-ci.yml');
    const tmp = join(dir, `..gitlab-ci.yml.cilint-${process.pid}.tmp`);
    symlinkSync('elsewhere.txt', tmp);
    const r = writeChanges([{ path, before: LOGIN, after: LOGIN_FIXED }]);
    expect(r.written).toEqual([]);
    expect(r.failed[0]!.reason).toMatch(/^file already exists/);
    expect(readFileSync(join(dir, 'elsewhere.txt'), 'utf8')).toBe('keep\n');
    expect(readFileSync(path, 'utf8')).toBe(LOGIN);
    expect(lstatSync(tmp).isSymbolicLink()).toBe(true);
  });

  it('reports a read-only file instead of half-writing it', () => {
    const dir = repo({ '.gitlab-ci.yml': LOGIN });
    chmodSync(join(dir, '.gitlab-ci.yml'), 0o444);
    const r = run(['fix'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not written: .gitlab-ci.yml: the file is read-only');
    expect(r.stderr).toContain('cilint: 1 fix made in 1 file; one of the files could not be written, so the fixes in it are not applied (below)\n');
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(LOGIN);
  });

  it('writes through a symlink, which stays a symlink', () => {
    const dir = repo({ 'ci/main.yml': LOGIN });
    symlinkSync('ci/main.yml', join(dir, '.gitlab-ci.yml'));
    const r = run(['fix', '.gitlab-ci.yml'], dir);
    expect([r.code, r.stderr]).toEqual([0, 'cilint: 1 fix applied in 1 file\n']);
    expect(lstatSync(join(dir, '.gitlab-ci.yml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'ci/main.yml'), 'utf8')).toBe(LOGIN_FIXED);
    expect(readdirSync(join(dir, 'ci'))).toEqual(['main.yml']);
  });

  it('writes a file reached by two paths once, and says why the other path was not written', () => {
    const dir = repo({ 'ci/main.yml': LOGIN });
    symlinkSync('ci/main.yml', join(dir, '.gitlab-ci.yml'));
    const r = run(['fix', '--kind', 'gitlab', '.gitlab-ci.yml', 'ci/main.yml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cilint: not written: ci/main.yml: this run fixed the same file through another path (a symlink): run fix again for the rest\n');
    expect(readFileSync(join(dir, 'ci/main.yml'), 'utf8')).toBe(LOGIN_FIXED);
    expect(lstatSync(join(dir, '.gitlab-ci.yml')).isSymbolicLink()).toBe(true);
  });

  it('fixes nothing in a file that does not parse, though a parser that recovers still finds problems', () => {
    // The Groovy parser reads on past the unterminated string, and the login's finding has a fix.
    const text = "pipeline {\n  agent any\n  stages {\n    stage('b') { steps { sh 'docker login -u me -p \"$PASS\" r.example.com' } }\n    stage('c') { steps { sh '''echo\n";
    const dir = repo({ Jenkinsfile: text });
    const lint = run(['--format', 'json', '--no-config'], dir);
    expect(lint.stdout).toContain('"rule": "parse-error"');
    expect(lint.stdout).toContain('"rule": "login-password-arg"');
    const r = run(['fix', '--no-config'], dir);
    expect(readFileSync(join(dir, 'Jenkinsfile'), 'utf8')).toBe(text);
    expect(r.stderr).toContain('skipped: login-password-arg');
    expect(r.stderr).toContain('in Jenkinsfile: the file does not parse, so no fix is applied to it');
    expect(r.code).toBe(1);
  });

  it('sets DOCKER_TLS_CERTDIR only where the job sees it, and never twice', () => {
    // The job's `variables: !reference` replaces the template's: a variable added there would not reach it.
    const text =
      '.dind:\n  image: docker:27\n  services:\n    - docker:27-dind\n  variables:\n    DOCKER_HOST: tcp://docker:2376\n' +
      '.vars:\n  variables:\n    TAG: latest\ntag:\n  extends: .dind\n  variables: !reference [.vars, variables]\n  script:\n    - docker build -t app:$TAG .\n';
    const dir = repo({ '.gitlab-ci.yml': text });
    const r = run(['fix', '--unsafe-fixes', '--no-config'], dir);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(text);
    expect(r.stdout).toContain('missing-tls-certdir');
    expect(r.stderr).not.toContain('did not settle');
    // With variables of its own, merged with the template's by `extends`, the template is the place.
    const merged = text.replace('  variables: !reference [.vars, variables]\n', '  variables:\n    TAG: latest\n');
    const dir2 = repo({ '.gitlab-ci.yml': merged });
    run(['fix', '--unsafe-fixes', '--no-config'], dir2);
    const fixed = readFileSync(join(dir2, '.gitlab-ci.yml'), 'utf8');
    expect(fixed).toBe(merged.replace('tcp://docker:2376\n', 'tcp://docker:2376\n    DOCKER_TLS_CERTDIR: "/certs"\n'));
  });

  it('does not offer the fix where an exact edit is impossible (quoted scalar, pipe, wrapper)', () => {
    const text = 'a:\n  script:\n    - "docker login -p \\"$P\\" r"\n    - cat pw | docker login -p x r\n    - sudo docker login -p "$P" r\n';
    const dir = repo({ '.gitlab-ci.yml': text });
    const r = run(['fix'], dir);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(text);
    expect(r.stderr).toContain('0 fixes applied');
  });
});

describe('cilint fix checks a fixed file in the language it was linted as', () => {
  it('a Jenkinsfile under another name, with --kind jenkins (not valid YAML)', () => {
    const text = "pipeline {\n\tagent any\n  environment { URL = \"http://x: y\" }\n  stages {\n    stage('b') { steps { sh 'docker login -u me -p \"$PASS\" r.example.com' } }\n  }\n}\n";
    const dir = repo({ 'ci.pipeline': text });
    const r = run(['fix', '--kind', 'jenkins', 'ci.pipeline', '--no-config'], dir);
    expect(r.stderr).not.toContain('did not parse');
    expect(readFileSync(join(dir, 'ci.pipeline'), 'utf8')).toContain('| docker login -u me --password-stdin r.example.com');
    expect(r.code).toBe(0);
  });

  it('a runner config under another name, with --kind runner (not valid YAML)', () => {
    const text = '[[runners]]\n  name = "r"\n  executor = "docker"\n  [runners.docker]\n    image = "alpine:3.20"\n    privileged = true\n';
    const dir = repo({ 'runner.conf': text });
    const r = run(['fix', '--kind', 'runner', 'runner.conf', '--unsafe-fixes', '--no-config'], dir);
    expect(r.stderr).not.toContain('did not parse');
    expect(readFileSync(join(dir, 'runner.conf'), 'utf8')).toBe(text.replace('privileged = true', 'privileged = false'));
  });
});
