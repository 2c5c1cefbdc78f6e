import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { main } from '../../src/cli.js';
import { repo, run } from './helpers.js';

const DIND = `variables:
  DOCKER_TLS_CERTDIR: ""
build:
  image: docker:27
  services:
    - docker:27-dind
  script:
    - docker build .
`;

const rules = (stdout: string) =>
  (JSON.parse(stdout).findings as { rule: string; severity: string; file: string }[]).map((f) => `${f.file} ${f.rule} ${f.severity}`);

describe('configuration file', () => {
  it('sets rule severities and turns rules off', () => {
    const dir = repo({
      '.gitlab-ci.yml': DIND,
      '.cilint.yml': 'rules:\n  privileged-dind: off\n  tls-disabled: error\n',
    });
    expect(rules(run(['--format', 'json'], dir).stdout)).toEqual(['.gitlab-ci.yml tls-disabled error']);
  });

  it('turns the schema check off: no schema finding, the others as before, a directive for it unused', () => {
    const dir = repo({
      '.gitlab-ci.yml': DIND.replace('  script:', '  when: never # cilint-disable-line schema\n  script:'),
      '.cilint.yml': 'rules:\n  schema: off\n',
    });
    const r = run(['--format', 'json', '--report-unused-disables'], dir);
    expect(rules(r.stdout)).toEqual(['.gitlab-ci.yml tls-disabled warning', '.gitlab-ci.yml privileged-dind warning', '.gitlab-ci.yml unused-disable warning']);
    const on = run(['--format', 'json', '--report-unused-disables', '--no-config'], dir);
    expect(rules(on.stdout)).toEqual(['.gitlab-ci.yml tls-disabled warning', '.gitlab-ci.yml privileged-dind warning']);
  });

  it('is found walking up from the linted path, and read from package.json', () => {
    const dir = repo({
      'package.json': JSON.stringify({ name: 'app', cilint: { rules: { 'privileged-dind': 'off' }, 'fail-on': 'error' } }),
      'services/api/.gitlab-ci.yml': DIND,
    });
    const r = run(['services/api', '--format', 'json'], dir);
    expect(rules(r.stdout)).toEqual(['services/api/.gitlab-ci.yml tls-disabled warning']);
    expect(r.code).toBe(0);
  });

  it('honours --config and --no-config', () => {
    const dir = repo({ '.gitlab-ci.yml': DIND, '.cilint.yml': 'rules:\n  tls-disabled: off\n', 'strict.yml': 'fail-on: info\n' });
    expect(rules(run(['--format', 'json'], dir).stdout)).not.toContain('.gitlab-ci.yml tls-disabled warning');
    expect(rules(run(['--no-config', '--format', 'json'], dir).stdout)).toContain('.gitlab-ci.yml tls-disabled warning');
    expect(rules(run(['--config', 'strict.yml', '--format', 'json'], dir).stdout)).toContain('.gitlab-ci.yml tls-disabled warning');
  });

  it('ignores files matching ignore: globs when walking directories', () => {
    const dir = repo({ 'app/.gitlab-ci.yml': DIND, 'vendor/lib/.gitlab-ci.yml': DIND, '.cilint.yml': 'ignore: [vendor]\n' });
    expect(new Set(rules(run(['--format', 'json'], dir).stdout).map((r) => r.split(' ')[0]))).toEqual(new Set(['app/.gitlab-ci.yml']));
  });

  it('rejects a bad configuration with file, line, column and a suggestion (exit 2)', () => {
    const dir = repo({ '.gitlab-ci.yml': DIND, '.cilint.yml': 'rules:\n  tls-disabled: error\nfail_on: error\n' });
    const r = run([], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cilint: .cilint.yml:3:1: unknown setting `fail_on`; did you mean `fail-on`?\n');
    const bad = run([], repo({ '.gitlab-ci.yml': DIND, '.cilint.yml': 'rules:\n  tls-disabled: loud\n' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^cilint: \.cilint\.yml:2:17: `rules\.tls-disabled` must be one of error, warning, info, off\n$/);
    const broken = run([], repo({ '.gitlab-ci.yml': DIND, '.cilint.yml': 'rules: [\n' }));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^cilint: \.cilint\.yml:\d+:\d+: /);
  });

  it('maps runner configs to the pipelines they run, replacing the every-runner default', () => {
    const files = {
      'a/.gitlab-ci.yml': 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      'b/.gitlab-ci.yml': 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      'runners/socket.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n    volumes = ["/certs/client", "/var/run/docker.sock:/var/run/docker.sock"]\n',
    };
    const unmapped = rules(run(['--format', 'json'], repo(files)).stdout);
    expect(unmapped.filter((r) => r.includes('socket-with-dind'))).toHaveLength(2);
    const mapped = rules(run(['--format', 'json'], repo({ ...files, '.cilint.yml': 'runners:\n  runners/socket.toml: ["a/**"]\n' })).stdout);
    expect(mapped.filter((r) => r.includes('socket-with-dind'))).toEqual(['a/.gitlab-ci.yml socket-with-dind error']);
  });

  it('with file arguments lints exactly those files, still reading the runner configs mapped to them', () => {
    const dir = repo({
      '.gitlab-ci.yml': 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      'runner/config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n    volumes = ["/var/run/docker.sock:/var/run/docker.sock"]\n',
      '.cilint.yml': 'runners:\n  runner/config.toml: [".gitlab-ci.yml"]\n',
    });
    const out = rules(run(['.gitlab-ci.yml', '--format', 'json'], dir).stdout);
    expect(out).toContain('.gitlab-ci.yml socket-with-dind error');
    expect(out.filter((r) => r.startsWith('runner/'))).toEqual([]);
  });
});

describe('inline suppressions', () => {
  const suppressedOf = (stdout: string) => JSON.parse(stdout).suppressed as { rule: string; line: number; reason?: string }[];

  it('silences the next line, the same line, or the whole file, and counts what it silenced', () => {
    const text = `# cilint-disable unpinned-docker-image
variables:
  DOCKER_TLS_CERTDIR: "" # cilint-disable-line tls-disabled -- the daemon is firewalled
build:
  image: docker:latest
  services:
    # cilint-disable-next-line privileged-dind, unpinned-docker-image
    - docker:dind
  script: docker build .
`;
    const dir = repo({ '.gitlab-ci.yml': text });
    const r = run(['--format', 'json'], dir);
    expect(JSON.parse(r.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual([]);
    const s = suppressedOf(r.stdout);
    expect(s.map((x) => `${x.line} ${x.rule}`).sort()).toEqual(['3 tls-disabled', '5 unpinned-docker-image', '8 privileged-dind', '8 unpinned-docker-image']);
    expect(s.find((x) => x.rule === 'tls-disabled')?.reason).toBe('the daemon is firewalled');
    expect(JSON.parse(r.stdout).summary.suppressed).toBe(4);
    expect(run([], dir).stdout).toMatch(/No problems found, 4 suppressed\.\n$/);
    expect(r.code).toBe(0);
  });

  it('ignores every directive with --no-inline-config', () => {
    const dir = repo({ '.gitlab-ci.yml': '# cilint-disable\n' + DIND });
    expect(JSON.parse(run(['--format', 'json'], dir).stdout).findings).toEqual([]);
    expect(JSON.parse(run(['--format', 'json', '--no-inline-config'], dir).stdout).findings.length).toBeGreaterThan(0);
  });

  it('reports directives that silence nothing or name unknown rules with --report-unused-disables', () => {
    const dir = repo({
      '.gitlab-ci.yml': 'build:\n  # cilint-disable-next-line privileged-dind\n  image: node:20\n  script: npm test # cilint-disable-line no-such-rule\n',
    });
    const out = JSON.parse(run(['--format', 'json', '--report-unused-disables'], dir).stdout).findings;
    expect(out.map((f: { rule: string; line: number; message: string }) => `${f.line} ${f.rule}`)).toEqual(['2 unused-disable', '4 unused-disable']);
    expect(out[1].message).toMatch(/no-such-rule/);
    expect(JSON.parse(run(['--format', 'json'], dir).stdout).findings).toEqual([]);
  });

  it('reports an unused directive once, however many pipelines read its file', () => {
    const common = '# cilint-disable-next-line privileged-dind\n.t:\n  script: echo\n';
    const dir = repo({
      '.gitlab-ci.yml': 'include: common.yml\na:\n  script: echo\n',
      'other.gitlab-ci.yml': 'include: common.yml\nb:\n  script: echo\n',
      'common.yml': common,
    });
    const out = JSON.parse(run(['--format', 'json', '--report-unused-disables'], dir).stdout).findings;
    expect(out.map((f: { rule: string; file: string; line: number }) => `${f.file}:${f.line} ${f.rule}`)).toEqual(['common.yml:1 unused-disable']);
  });

  it('counts a directive as used when any pipeline reading its file needed it (nested project roots)', () => {
    // The outer project includes sub/common.yml; the nested project (sub/ has its own pipeline) reads it too.
    const common = '.t:\n  # cilint-disable-next-line unpinned-docker-image\n  image: docker:latest\n  script: docker info\n';
    const dir = repo({
      '.gitlab-ci.yml': 'include: sub/common.yml\na:\n  extends: .t\n',
      'sub/.gitlab-ci.yml': 'include: common.yml\nb:\n  extends: .t\n',
      'sub/common.yml': common,
    });
    const r = run(['--format', 'json', '--report-unused-disables'], dir);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
    expect(suppressedOf(r.stdout).map((s) => s.rule)).toContain('unpinned-docker-image');
  });

  it('works in runner configs too', () => {
    const dir = repo({ 'config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    # cilint-disable-next-line privileged-runner -- dedicated dind host\n    privileged = true\n' });
    const r = run(['--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect(suppressedOf(r.stdout).map((s) => s.rule)).toEqual(['privileged-runner']);
  });
});

describe('rules and explain', () => {
  it('lists every rule with severity and platforms', () => {
    const r = run(['rules'], repo({}));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^missing-tls-certdir\s+warning\s+gitlab\s+fix:unsafe\s+A Docker-in-Docker job/m);
    const json = JSON.parse(run(['rules', '--format', 'json'], repo({})).stdout);
    expect(json.find((x: { slug: string }) => x.slug === 'socket-mount')).toMatchObject({ severity: 'warning', platforms: ['jenkins', 'runner'] });
  });

  it('explains a rule with its doc and examples', () => {
    const r = run(['explain', 'tls-disabled'], repo({}));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tls-disabled \(warning; gitlab, jenkins\)/);
    expect(r.stdout).toContain('## Why is this bad?');
    expect(r.stdout).toContain('## Reported');
    expect(r.stdout).toContain('    variables:');
  });

  it('suggests the closest slug for an unknown one (exit 2)', () => {
    const r = run(['explain', 'tls-disable'], repo({}));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cilint: no rule `tls-disable`; did you mean `tls-disabled`? (`cilint rules` lists them)\n');
  });
});

describe('--stdin', () => {
  it('lints standard input as the named file, resolving includes from disk', () => {
    const dir = repo({ 'ci/dind.yml': '.dind:\n  image: docker:27\n  services: [docker:27-dind]\n' });
    let stdout = '';
    const code = main(['--stdin', '--stdin-filename', '.gitlab-ci.yml', '--format', 'json'], {
      cwd: dir,
      env: {},
      isTTY: false,
      stdout: (t) => (stdout += t),
      stderr: () => undefined,
      readStdin: () => 'include: ci/dind.yml\nbuild:\n  extends: .dind\n  script: docker build .\n',
    });
    expect(code).toBe(1);
    const f = JSON.parse(stdout).findings as { rule: string; file: string }[];
    expect(f.map((x) => `${x.file} ${x.rule}`)).toContain('ci/dind.yml missing-tls-certdir');
  });

  it('refuses a --stdin-filename in a folder that does not exist (exit 2, no internal error)', () => {
    let stderr = '';
    const code = main(['--stdin', '--stdin-filename', 'nope/.gitlab-ci.yml'], {
      cwd: repo({}),
      env: {},
      isTTY: false,
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      readStdin: () => 'build:\n  script: make\n',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cilint: --stdin-filename .*nope\/\.gitlab-ci\.yml: the folder .*nope does not exist\n$/);
  });

  it('refuses standard input holding NUL bytes as it refuses such a file: a parse-error', () => {
    for (const name of ['.gitlab-ci.yml', 'Jenkinsfile']) {
      let stdout = '';
      const code = main(['--stdin', '--stdin-filename', name, '--format', 'json'], {
        cwd: repo({}),
        env: {},
        isTTY: false,
        stdout: (t) => (stdout += t),
        stderr: () => undefined,
        readStdin: () => "node {\n  sh 'a\u0000b'\n}\n",
      });
      expect([name, code]).toEqual([name, 1]);
      expect(JSON.parse(stdout).findings).toEqual([
        expect.objectContaining({ rule: 'parse-error', message: 'cannot lint this file: it is a binary file (it contains NUL bytes), not a text configuration' }),
      ]);
    }
  });

  it('needs --stdin-filename', () => {
    const r = run(['--stdin'], repo({}));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--stdin needs --stdin-filename/);
  });
});


describe('fitting pre-commit and merge requests', () => {
  it('skips a passed .toml that is not a runner config with a note, exit 0', () => {
    const r = run(['pyproject.toml'], repo({ 'pyproject.toml': '[project]\nname = "x"\n' }));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('cilint: pyproject.toml: not a runner config (no [[runners]] table); skipped\n');
  });

  it('ships a merge-request template that cilint itself reads cleanly', () => {
    const r = run(['templates/cilint.gitlab-ci.yml', '--format', 'json', '--fail-on', 'info'], fileURLToPath(new URL('../../', import.meta.url)));
    expect(JSON.parse(r.stdout).findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('declares pre-commit hooks whose files pattern matches every kind cilint reads', () => {
    const hooks = parse(readFileSync(fileURLToPath(new URL('../../.pre-commit-hooks.yaml', import.meta.url)), 'utf8')) as {
      id: string;
      entry: string;
      language: string;
      files: string;
    }[];
    expect(hooks.map((h) => h.id)).toEqual(['cilint', 'cilint-fix']);
    for (const h of hooks) {
      expect(h.language).toBe('node');
      const re = new RegExp(h.files);
      for (const f of ['.gitlab-ci.yml', 'ci/templates/build.gitlab-ci.yml', 'runner/config.toml', 'charts/values.yaml', 'Jenkinsfile', 'vars/build.groovy']) {
        expect([f, re.test(f)]).toEqual([f, true]);
      }
      for (const f of ['README.md', 'src/app.ts', 'ci/notes.txt']) expect([f, re.test(f)]).toEqual([f, false]);
    }
  });
});
