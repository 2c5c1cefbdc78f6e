import { chmodSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { repo, run } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const reportSchema = JSON.parse(readFileSync(join(root, 'schemas/report.schema.json'), 'utf8'));
const validateReport = new Ajv2020({ allErrors: true }).compile(reportSchema);

const DIND = `variables:
  DOCKER_TLS_CERTDIR: ""
build:
  image: docker:27
  services:
    - docker:27-dind
  script:
    - docker build .
`;

describe('cilint lint', () => {
  it('prints JSON that the report schema accepts, with 1-based positions relative to the cwd', () => {
    const dir = repo({ '.gitlab-ci.yml': DIND });
    const r = run(['lint', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(validateReport(report)).toBe(true);
    const tls = report.findings.find((f: { rule: string }) => f.rule === 'tls-disabled');
    expect(tls).toMatchObject({ file: '.gitlab-ci.yml', line: 2, column: 23, endLine: 2, endColumn: 25, severity: 'warning' });
  });

  it('is the default command and lints the current directory', () => {
    const dir = repo({ '.gitlab-ci.yml': DIND });
    expect(run([], dir).code).toBe(1);
    expect(run(['.'], dir).stdout).toContain('.gitlab-ci.yml:2:23');
  });

  it('exits 0 when nothing reaches --fail-on', () => {
    const dir = repo({ '.gitlab-ci.yml': 'build:\n  image: docker:latest\n  script: docker version\n' });
    expect(run(['--fail-on', 'warning'], dir).code).toBe(0);
    expect(run(['--fail-on', 'info'], dir).code).toBe(1);
  });

  it('groups stylish output by file with a summary, colored only when asked', () => {
    const dir = repo({ '.gitlab-ci.yml': DIND });
    const plain = run([], dir);
    expect(plain.stdout).toMatch(/^\.gitlab-ci\.yml\n {2}\.gitlab-ci\.yml:2:23 {2}warning/);
    expect(plain.stdout).toMatch(/\n2 problems \(2 warnings\)\.\n$/);
    expect(plain.stdout).not.toContain('\u001b[');
    expect(run([], dir, {}, true).stdout).toContain('\u001b[');
    expect(run([], dir, { NO_COLOR: '1' }, true).stdout).not.toContain('\u001b[');
    expect(run([], dir, { FORCE_COLOR: '1' }, false).stdout).toContain('\u001b[');
  });

  it('reports a file that does not parse as a parse-error finding (exit 1)', () => {
    const dir = repo({ '.gitlab-ci.yml': 'build:\n  script: [oops\n' });
    const r = run(['--format', 'json'], dir);
    expect(r.code).toBe(1);
    const [f] = JSON.parse(r.stdout).findings;
    expect(f).toMatchObject({ rule: 'parse-error', severity: 'error', file: '.gitlab-ci.yml' });
  });

  it('reports a binary file as a parse error, not a crash', () => {
    const dir = repo({ '.gitlab-ci.yml': Buffer.from([0x62, 0x00, 0x01, 0xff]) });
    const r = run(['--format', 'json'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ rule: 'parse-error', line: 1, column: 1 });
    expect(r.stderr).toBe('');
  });

  it('finds pipelines in subdirectories, skipping node_modules, .git and .gitignored paths', () => {
    const dir = repo({
      'app/.gitlab-ci.yml': DIND,
      'node_modules/x/.gitlab-ci.yml': DIND,
      'build/.gitlab-ci.yml': DIND,
      '.gitignore': 'build/\n',
    });
    const files = new Set(JSON.parse(run(['--format', 'json'], dir).stdout).findings.map((f: { file: string }) => f.file));
    expect([...files]).toEqual(['app/.gitlab-ci.yml']);
  });

  it('lints template libraries (*.gitlab-ci.yml) on their own only when no pipeline includes them', () => {
    const tmpl = '.docker:\n  image: docker:27\n  services: [docker:27-dind]\n';
    const alone = repo({ 'templates/docker.gitlab-ci.yml': tmpl });
    const aloneFindings = JSON.parse(run(['--format', 'json'], alone).stdout).findings;
    expect(aloneFindings.map((f: { rule: string }) => f.rule)).toContain('missing-tls-certdir');

    const used = repo({
      'templates/docker.gitlab-ci.yml': tmpl,
      '.gitlab-ci.yml':
        'include: templates/docker.gitlab-ci.yml\nvariables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  extends: .docker\n  script: docker build .\n',
    });
    const usedFindings = JSON.parse(run(['--format', 'json'], used).stdout).findings;
    expect(usedFindings.map((f: { rule: string }) => f.rule)).not.toContain('missing-tls-certdir');
  });

  it('lints a file of any name with --kind gitlab, and refuses an unknown one without it (exit 2)', () => {
    const dir = repo({ 'pipeline.yml': DIND });
    expect(run(['pipeline.yml', '--kind', 'gitlab'], dir).code).toBe(1);
    const r = run(['pipeline.yml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cilint: pipeline\.yml: .*--kind gitlab/);
  });

  it('notes a directory with nothing to lint on stderr and exits 0', () => {
    const dir = repo({ 'README.md': '# nothing\n' });
    const r = run([], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no CI configuration found/);
  });

  it('exits 2 with one line for a missing path, an unreadable directory and a bad option', () => {
    const dir = repo({ '.gitlab-ci.yml': DIND, 'locked/.gitlab-ci.yml': DIND });
    const missing = run(['nope'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('cilint: nope: no such file\n');

    const bad = run(['--format', 'xml'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    if (process.getuid?.() !== 0) {
      chmodSync(join(dir, 'locked'), 0o000);
      const locked = run(['locked'], dir);
      chmodSync(join(dir, 'locked'), 0o755);
      expect(locked.code).toBe(2);
      expect(locked.stderr).toBe('cilint: locked: permission denied\n');
    }
  });

  it('reports an include cycle once and still lints the jobs', () => {
    const dir = repo({
      '.gitlab-ci.yml': 'include: ci/a.yml\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      'ci/a.yml': 'include: ci/b.yml\n',
      'ci/b.yml': 'include: ci/a.yml\n',
    });
    const r = run(['--format', 'json'], dir);
    expect(r.code).toBe(1);
    const rules = JSON.parse(r.stdout).findings.map((f: { rule: string; file: string }) => `${f.file} ${f.rule}`);
    expect(rules).toContain('ci/b.yml include-error');
    expect(rules).toContain('.gitlab-ci.yml privileged-dind');
  });

  it('refuses a YAML alias bomb with a parse-error instead of expanding it', () => {
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    lines.push('build:', '  script: *a9');
    const r = run(['--format', 'json'], repo({ '.gitlab-ci.yml': lines.join('\n') + '\n' }));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual([
      expect.objectContaining({ rule: 'parse-error', line: 1, message: expect.stringMatching(/alias bomb/) }),
    ]);
  });

  it('prints help and version with exit 0', () => {
    const dir = repo({});
    const help = run(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: cilint');
    const version = run(['--version'], dir);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('symlinks met while walking folders', () => {
  it('are skipped with a note; a symlinked .gitlab-ci.yml is said to be rejected by GitLab too', () => {
    const dir = repo({ 'ci/main.yml': DIND, 'ci/J': "node { sh 'echo' }\n", 'svc/.gitignore': 'old/\n', 'svc/old/x': '', '.git/HEAD': '' });
    symlinkSync('ci/main.yml', join(dir, '.gitlab-ci.yml'));
    symlinkSync('../ci/J', join(dir, 'svc/Jenkinsfile'));
    symlinkSync('../ci/main.yml', join(dir, 'svc/notes.md'));
    // Ignored: no note.
    symlinkSync('../../ci/J', join(dir, 'svc/old/Jenkinsfile'));
    const r = run(['lint'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "cilint: .gitlab-ci.yml: a symlink; skipped (GitLab does not follow it either: it reads the link's text and rejects the pipeline; include the file it points to instead)\n" +
        'cilint: svc/Jenkinsfile: a symlink; skipped (folders are walked without following symlinks: name the file to lint it)\n',
    );
    // Named, it is read through, as before.
    expect(run(['lint', '--format', 'json', '.gitlab-ci.yml'], dir).code).toBe(1);
  });
});
