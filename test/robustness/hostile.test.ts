import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repo, run } from '../cli/helpers.js';

/**
 * Hostile inputs: each gets a bounded, clear outcome. How long each may take is measured by the
 * benchmark, not asserted here.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The built command in a process of its own, for inputs that once made cilint wait or work for ever:
 * a regression fails the test (killed at the timeout) instead of blocking the suite.
 */
const cilint = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [join(root, 'dist/cilint.cjs'), ...args], { cwd, encoding: 'utf8', timeout: 30_000, maxBuffer: 1 << 30 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const json = (stdout: string) => JSON.parse(stdout) as { findings: { rule: string; file: string; line: number; message: string }[] };

describe('hostile inputs', () => {
  it('100 levels of nesting', () => {
    let yaml = 'build:\n  script: echo hi\n  variables:\n';
    let indent = '    ';
    for (let i = 0; i < 100; i++) {
      yaml += `${indent}k${i}:\n`;
      indent += '  ';
    }
    yaml += `${indent}leaf: 1\n`;
    const r = run(['--format', 'json', '--no-config'], repo({ '.gitlab-ci.yml': yaml }));
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => f.rule)).toEqual(['schema']);
  });

  it('5 000 levels of flow collections: a parse-error that says so', () => {
    const r = run(['--format', 'json', '--no-config'], repo({ '.gitlab-ci.yml': `a: ${'['.repeat(5000)}${']'.repeat(5000)}\njob:\n  script: echo\n` }));
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings).toEqual([expect.objectContaining({ rule: 'parse-error', line: 1, message: expect.stringMatching(/^collections are nested too deeply to read/) })]);
  });

  it('120 000 jobs (no quadratic duplicate-key check, no quadratic lookups)', () => {
    const text = Array.from({ length: 120_000 }, (_, i) => `job${i}:\n  image: alpine:3.20\n  script: echo ${i}\n`).join('');
    const r = run(['--format', 'json', '--no-config'], repo({ '.gitlab-ci.yml': text + 'job7:\n  script: again\n' }));
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => `${f.rule}:${f.line}`)).toEqual(['duplicate-key:360001']);
  });

  it('10 000 anchors and aliases (each alias resolved without walking the document)', () => {
    // Every thousandth template sets a plain-text DOCKER_HOST: a finding only through the job that merges it.
    const template = (i: number) => (i % 1000 === 0 ? 'DOCKER_HOST: tcp://docker:2375' : 'A: "1"');
    const text = Array.from(
      { length: 10_000 },
      (_, i) => `.t${i}: &t${i}\n  variables:\n    ${template(i)}\njob${i}:\n  <<: *t${i}\n  image: docker:27\n  script: docker info\n`,
    ).join('');
    const r = run(['--format', 'json', '--no-config'], repo({ '.gitlab-ci.yml': text }));
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => `${f.rule}:${f.line}`)).toEqual(
      Array.from({ length: 10 }, (_, k) => `insecure-docker-tcp:${k * 1000 * 7 + 3}`),
    );
  });

  it('!reference tags that stand for 10^9 script lines: one bad-reference finding where the count ran out', () => {
    // Nine levels of templates, each script ten references to the next: copying them all would never end.
    const refs = (to: string) => `  script:\n${`    - !reference [${to}, script]\n`.repeat(10)}`;
    let text = `build:\n  image: docker:27\n  services: [docker:27-dind]\n${refs('.r0')}`;
    for (let i = 0; i < 9; i++) text += `.r${i}:\n${i < 8 ? refs(`.r${i + 1}`) : '  script:\n    - docker build .\n'}`;
    const dir = repo({ '.gitlab-ci.yml': text });
    const r = cilint(['lint', '--format', 'json', '--no-config'], dir);
    expect(r.code).toBe(1);
    const expanded = json(r.stdout).findings.filter((f) => f.rule === 'bad-reference');
    expect(expanded).toEqual([expect.objectContaining({ message: expect.stringMatching(/^!reference \[\.r\d, script\]: the references expand the configuration to more than 1,000,000 values/) })]);
    // Nor is the job translated as if its script had no docker build in it.
    const fixed = cilint(['fix', '--no-config', '--strategy', 'kaniko'], dir);
    expect(fixed.stderr).toMatch(/job `build` holds a `!reference` that cilint could not replace/);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(text);
  });

  it('20 000 dind jobs without DOCKER_TLS_CERTDIR: a fix per finding, none of them searching the whole file', () => {
    // Each finding's fix asked for the file's indentation (a scan of the whole text) and searched the
    // top-level keys from the first: about 80 s at this size.
    const job = (i: number) => `build${i}:\n  image: docker:27\n  services:\n    - docker:27-dind\n  script:\n    - docker build -t app${i} .\n\n`;
    const text = Array.from({ length: 20_000 }, (_, i) => job(i)).join('');
    const r = cilint(['lint', '--format', 'json', '--no-config'], repo({ '.gitlab-ci.yml': text }));
    expect(r.code).toBe(1);
    const certdir = json(r.stdout).findings.filter((f) => f.rule === 'missing-tls-certdir');
    expect(certdir).toHaveLength(20_000);
    expect(certdir.at(-1)).toEqual(expect.objectContaining({ line: 20_000 * 7 - 3 }));
  });

  it('a config file mapping 60 runner configs to 600 pipelines, 20 globs each: each glob compiled once', () => {
    // Every glob was compiled again for every runner and pipeline: about 90 s at this size.
    const files: Record<string, string> = {};
    const globs = (r: number) => Array.from({ length: 20 }, (_, g) => (r * 7 + g) % 600);
    files['.cilint.yml'] = `runners:\n${Array.from({ length: 60 }, (_, r) => `  runners/r${r}/config.toml: [${globs(r).map((s) => `"p/s${s}/**"`).join(', ')}]\n`).join('')}`;
    for (let r = 0; r < 60; r++) {
      files[`runners/r${r}/config.toml`] = `[[runners]]\n  name = "r${r}"\n  executor = "docker"\n  [runners.docker]\n    privileged = ${r % 2 === 0}\n`;
    }
    for (let s = 0; s < 600; s++) files[`p/s${s}/.gitlab-ci.yml`] = 'j:\n  services: [docker:27-dind]\n  script: [docker build .]\n';
    const r = cilint(['lint', '--format', 'json'], repo(files));
    expect(r.code).toBe(1);
    // A pipeline is refused dind when runners run it and none of them is privileged.
    const runners = new Map<number, number[]>();
    for (let c = 0; c < 60; c++) for (const s of globs(c)) runners.set(s, [...(runners.get(s) ?? []), c]);
    const refused = [...runners].filter(([, cs]) => cs.every((c) => c % 2 === 1)).map(([s]) => `p/s${s}/.gitlab-ci.yml`);
    expect(refused.length).toBeGreaterThan(0);
    const flagged = json(r.stdout).findings.filter((f) => f.rule === 'dind-not-allowed').map((f) => f.file);
    expect(flagged.sort()).toEqual(refused.sort());
  });

  it('20 000 global variables and 2 000 jobs: the globals are read through one table, not copied into each job', () => {
    // Copied into every job (and again into every dind service's environment) they ran out of memory.
    const globals = Array.from({ length: 20_000 }, (_, i) => `  V${i}: "x${i}"\n`).join('');
    const job = (k: number) => `j${k}:\n  services: [docker:27-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: ""\n  script: [docker build -t a${k} .]\n`;
    const text = `variables:\n${globals}  DOCKER_HOST: tcp://elsewhere:2375\n${Array.from({ length: 2_000 }, (_, k) => job(k)).join('')}`;
    const r = cilint(['lint', '--format', 'json', '--no-config'], repo({ '.gitlab-ci.yml': text }));
    expect(r.code).toBe(1);
    const count = (rule: string) => json(r.stdout).findings.filter((f) => f.rule === rule).length;
    // The job's own variable and the inherited DOCKER_HOST are both seen, in every job.
    expect(count('tls-disabled')).toBe(2_000);
    expect(count('docker-host-mismatch')).toBeGreaterThan(0);
  });

  it('20 000 global variables and 2 000 dind jobs: the fix asks who reads a global through the table', () => {
    // The translations listed every variable of every job to know who reads what: about a minute.
    const globals = Array.from({ length: 20_000 }, (_, i) => `  V${i}: "x${i}"\n`).join('');
    const job = (k: number) => `j${k}:\n  services: [docker:27-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: ""\n  script: [docker build -t a${k} .]\n`;
    const text = `variables:\n${globals}${Array.from({ length: 2_000 }, (_, k) => job(k)).join('')}`;
    const dir = repo({ '.gitlab-ci.yml': text });
    const r = cilint(['fix', '--no-config', '--strategy', 'kaniko'], dir);
    expect(r.stderr).toContain('cilint: 2000 fixes applied in 1 file');
    const fixed = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
    expect(fixed.startsWith(`variables:\n${globals}`)).toBe(true);
    expect(fixed).not.toContain('docker:27-dind');
    expect(fixed.match(/\/kaniko\/executor/g)).toHaveLength(2_000);
  });

  it('a pod of 1 500 privileged dind containers: one translation for the pod, and every daemon goes', () => {
    // Each dind container's finding translated every block of the pod again (about 50 s), and only the
    // first container was replaced: the others stayed, privileged, with nothing left to use them.
    const n = 1_500;
    const containers = Array.from({ length: n }, (_, i) => `    containerTemplate(name: 'dind${i}', image: 'docker:27-dind', privileged: true),\n    containerTemplate(name: 'cli${i}', image: 'docker:27', command: 'cat', ttyEnabled: true),\n`).join('');
    const blocks = Array.from({ length: n }, (_, i) => `    container('cli${i}') { sh 'docker build -t reg/app${i} .' }\n`).join('');
    const dir = repo({ Jenkinsfile: `podTemplate(containers: [\n${containers}]) {\n  node(POD_LABEL) {\n${blocks}  }\n}\n` });
    const r = cilint(['fix', '--no-config', '--strategy', 'kaniko'], dir);
    expect(r.stderr).toContain('cilint: 1 fix applied in 1 file');
    expect(r.stderr).toContain('and 1495 more to kaniko');
    const fixed = readFileSync(join(dir, 'Jenkinsfile'), 'utf8');
    expect(fixed).not.toContain('docker:27-dind');
    expect(fixed.match(/container\('kaniko'\)/g)).toHaveLength(n);
    expect(r.code).toBe(0);
  });

  it('a .gitignore of 10 000 rules over 10 000 files: only folders and possible CI files are matched', () => {
    // Every file was matched against every rule (the ignore package runs them all): 47 s.
    const rules = Array.from({ length: 5_000 }, (_, i) => `/build${i}/\n*.tmp${i}\n`).join('');
    const files: Record<string, string> = { '.gitignore': `${rules}ignored/\n`, '.git/HEAD': '', 'ignored/.gitlab-ci.yml': 'a: [\n' };
    for (let i = 0; i < 10_000; i++) files[`src/m${i % 100}/f${i}.py`] = 'x = 1\n';
    files['src/m7/.gitlab-ci.yml'] = 'build:\n  services: [docker:27-dind]\n  script: [docker build .]\n';
    const r = cilint(['lint', '--format', 'json', '--no-config'], repo(files));
    expect(r.code).toBe(1);
    // The ignored folder's broken file is not read; the pipeline below src/ is.
    expect(json(r.stdout).findings.map((f) => `${f.file} ${f.rule}`)).toEqual(['src/m7/.gitlab-ci.yml missing-tls-certdir', 'src/m7/.gitlab-ci.yml privileged-dind']);
  });

  it('a 20 MB file', () => {
    const line = `    - echo ${'x'.repeat(90)}\n`;
    const text = 'build:\n  image: alpine:3.20\n  script:\n' + line.repeat(Math.ceil((20 * 1024 * 1024) / line.length));
    const r = run(['--format', 'json', '--no-config'], repo({ '.gitlab-ci.yml': text }));
    expect(r.code).toBe(0);
    expect(json(r.stdout).findings).toEqual([]);
  });

  it('NUL bytes, invalid UTF-8: a parse-error naming the problem', () => {
    const nul = run(['--format', 'json'], repo({ '.gitlab-ci.yml': Buffer.from('build:\n  script: a\u0000b\n') }));
    expect(json(nul.stdout).findings[0].message).toMatch(/binary file/);
    const bad = run(['--format', 'json'], repo({ '.gitlab-ci.yml': Buffer.from([0x62, 0x3a, 0x20, 0xc3, 0x28, 0x0a]) }));
    expect(json(bad.stdout).findings[0]).toMatchObject({ rule: 'parse-error', message: expect.stringMatching(/not valid UTF-8/) });
    expect(bad.code).toBe(1);
  });

  it('UTF-16 with a BOM is read as text', () => {
    const text = 'variables:\n  DOCKER_TLS_CERTDIR: ""\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker info\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const r = run(['--format', 'json', '--no-config'], repo({ '.gitlab-ci.yml': utf16 }));
    expect(json(r.stdout).findings.map((f) => `${f.rule}:${f.line}`)).toContain('tls-disabled:2');
  });

  it('an include cycle and an include escaping the repository', () => {
    const r = run(
      ['--format', 'json', '--no-config'],
      repo({
        '.gitlab-ci.yml': 'include:\n  - ci/a.yml\n  - ../../etc/passwd.yml\n  - /../../etc/x.yml\nbuild:\n  script: make\n',
        'ci/a.yml': 'include: ci/a.yml\n',
      }),
    );
    const out = json(r.stdout).findings.map((f) => `${f.file}:${f.line} ${f.rule}`);
    expect(out).toEqual(expect.arrayContaining(['ci/a.yml:1 include-error', '.gitlab-ci.yml:3 include-error', '.gitlab-ci.yml:4 include-error']));
    expect(r.code).toBe(1);
  });

  it('a symlink loop and a symlink out of the repository', () => {
    const dir = repo({ '.gitlab-ci.yml': 'include: ci/link.yml\nbuild:\n  script: make\n', 'sub/x.txt': '' });
    symlinkSync('.', join(dir, 'sub', 'loop'));
    symlinkSync('/etc/hostname', join(dir, 'ci-out.yml'));
    mkdirSync(join(dir, 'ci'));
    symlinkSync('../ci-out.yml', join(dir, 'ci', 'link.yml'));
    const r = run(['--format', 'json', '--no-config'], dir);
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => f.message)).toEqual([expect.stringMatching(/outside the repository root/)]);
  });

  it('a Jenkinsfile with an unterminated triple-quoted string', () => {
    const text = "pipeline {\n  agent any\n  stages {\n    stage('b') {\n      steps {\n        sh '''\n          docker build .\n      }\n    }\n  }\n}\n";
    const r = run(['--format', 'json', '--no-config'], repo({ Jenkinsfile: text }));
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings).toEqual([expect.objectContaining({ rule: 'parse-error', file: 'Jenkinsfile', line: 6 })]);
  });

  it('a TOML file with a duplicate table', () => {
    const r = run(['--format', 'json'], repo({ 'config.toml': '[[runners]]\n  [runners.docker]\n    image = "a"\n  [runners.docker]\n    image = "b"\n' }));
    expect(json(r.stdout).findings).toEqual([expect.objectContaining({ rule: 'parse-error', line: 4 })]);
  });
});

describe('named pipes (FIFOs), wherever cilint reads a file', () => {
  // A FIFO opened for reading waits for a writer, which never comes.
  const withFifos = (files: Record<string, string>, fifos: string[]) => {
    const dir = repo(files);
    execFileSync('mkfifo', fifos.map((f) => join(dir, f)));
    return dir;
  };

  it('an include that is a FIFO, directly or through a symlink, is an include-error', () => {
    const dir = withFifos({ '.gitlab-ci.yml': 'include:\n  - local: pipe.yml\n  - local: link.yml\njob:\n  script: make\n' }, ['pipe.yml']);
    symlinkSync('pipe.yml', join(dir, 'link.yml'));
    const r = cilint(['lint', '--format', 'json', '--no-config'], dir);
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => `${f.line} ${f.rule}: ${f.message}`)).toEqual([
      '2 include-error: cannot include `pipe.yml`: it is a named pipe (FIFO), not a file',
      '3 include-error: cannot include `link.yml`: it is a named pipe (FIFO), not a file',
    ]);
  });

  it('a .gitignore, a package.json or a .groovy file that is a FIFO is passed over', () => {
    const dir = withFifos({ '.gitlab-ci.yml': 'job:\n  script: make\n' }, ['.gitignore', 'package.json', 'build.groovy']);
    const r = cilint(['lint', '--format', 'json'], dir);
    expect([r.code, json(r.stdout).findings, r.stderr]).toEqual([0, [], '']);
  });

  it('a config file found in the repository or a pipeline named on the command line that is a FIFO is a usage error', () => {
    const dir = withFifos({ '.gitlab-ci.yml': 'job:\n  script: make\n' }, ['.cilint.yml', 'pipe.yml', 'Jenkinsfile.pipe']);
    const config = cilint(['lint'], dir);
    expect([config.code, config.stderr]).toEqual([2, 'cilint: .cilint.yml: cannot read the configuration file: it is a named pipe (FIFO), not a file\n']);
    for (const [kind, file] of [['gitlab', 'pipe.yml'], ['jenkins', 'Jenkinsfile.pipe']]) {
      const named = cilint(['lint', '--no-config', '--kind', kind, file], dir);
      expect([named.code, named.stderr]).toEqual([2, `cilint: ${file}: it is a named pipe (FIFO), not a file\n`]);
    }
  });

  it('a config file or a runner config the user pipes in (`<(...)`) is read', () => {
    const dir = repo({});
    const runner = '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n';
    const lint = (config: string) => {
      const command = `"${process.execPath}" "${join(root, 'dist/cilint.cjs')}" lint --format json ${config} --kind runner <(printf '${runner}')`;
      const r = spawnSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      return [r.status, json(r.stdout).findings.map((f) => `${f.line} ${f.rule}`)];
    };
    expect(lint('--no-config')).toEqual([1, ['4 privileged-runner']]);
    expect(lint(`--config <(printf 'rules:\\n  privileged-runner: off\\n')`)).toEqual([0, []]);
  });
});

describe('no network, no code execution', () => {

  it('lints a pipeline with remote includes without opening a single connection', () => {
    const dir = repo({
      '.gitlab-ci.yml':
        'include:\n  - remote: https://gitlab.example.com/ci.yml\n  - https://raw.example.com/x.yml\n  - project: group/ci\n    file: /t.yml\n  - template: Auto-DevOps.gitlab-ci.yml\n  - component: gitlab.example.com/c/d@1.0\nbuild:\n  script: make\n',
    });
    const log = join(dir, 'network.log');
    // A preload that records (and refuses) any attempt to resolve a name or open a socket.
    writeFileSync(
      join(dir, 'no-network.cjs'),
      `const fs = require('fs'); const net = require('net'); const dns = require('dns');
const trap = (what) => function () { fs.appendFileSync(${JSON.stringify(log)}, what + '\\n'); throw new Error('network disabled: ' + what); };
net.Socket.prototype.connect = trap('net.connect');
dns.lookup = trap('dns.lookup'); dns.resolve = trap('dns.resolve');
globalThis.fetch = trap('fetch');
`,
    );
    const out = execFileSync(process.execPath, ['--require', join(dir, 'no-network.cjs'), join(root, 'dist/cilint.cjs'), '--format', 'json', '--no-config'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(json(out).findings.map((f) => f.rule)).toEqual(Array(5).fill('include-unresolved'));
    expect(() => readFileSync(log, 'utf8')).toThrow();
  });
});

describe('a reader that stops early', () => {

  it('closing the pipe ends cilint quietly, with no stack trace', async () => {
    const child = spawn(process.execPath, [join(root, 'dist/cilint.cjs'), 'rules'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((r) => child.on('exit', r));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('cilint fix under failure', () => {
  const ORIGINAL = `push:\n  image: docker:27\n  script:\n${'    - docker login -u ci -p "$P" r\n'.repeat(2000)}`;

  it('leaves the original intact or fully fixed when killed at any moment', async () => {
    const dir = repo({ '.gitlab-ci.yml': ORIGINAL });
    const file = join(dir, '.gitlab-ci.yml');
    for (const delay of [5, 20, 40, 60, 80, 120, 160, 200, 300]) {
      writeFileSync(file, ORIGINAL);
      const child = spawn(process.execPath, [join(root, 'dist/cilint.cjs'), 'fix', '--no-config'], { cwd: dir, stdio: 'ignore' });
      // Listened for from the start: a fast machine finishes the fix before the longer delays.
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      const now = readFileSync(file, 'utf8');
      const fixed = !now.includes(' -p "$P"');
      expect([now === ORIGINAL, fixed && now.split('\n').length === ORIGINAL.split('\n').length]).toContain(true);
    }
    // A killed run may leave its temporary file behind, never a half-written configuration.
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.tmp'))) expect(name).toMatch(/^\.\.gitlab-ci\.yml\.cilint-\d+\.tmp$/);
  });

  it('translates 2 000 dind jobs of one file in one run (no quadratic edit placement)', () => {
    const job = (i: number) =>
      `build${i}:\n  image: docker:27\n  services:\n    - docker:27-dind\n  variables:\n    DOCKER_TLS_CERTDIR: /certs\n` +
      `  script:\n    - docker build -t registry.example.com/app${i}:$CI_COMMIT_SHA .\n    - docker push registry.example.com/app${i}:$CI_COMMIT_SHA\n`;
    const dir = repo({ '.gitlab-ci.yml': Array.from({ length: 2_000 }, (_, i) => job(i)).join('\n') });
    const r = run(['fix', '--no-config', '--strategy', 'kaniko'], dir);
    expect(r.stderr).toContain('cilint: 2000 fixes applied in 1 file');
    const fixed = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
    expect(fixed.match(/^build\d+:\n  image:\n    name: [^\n]*kaniko/gm)).toHaveLength(2_000);
    expect(fixed).not.toContain('dind');
    const again = run(['--format', 'json', '--no-config'], dir);
    expect(json(again.stdout).findings.filter((f) => f.rule === 'privileged-dind' || f.rule === 'parse-error')).toEqual([]);
  });

  it('translates a step of one pipeline of 60 000 docker commands (no quadratic planning)', () => {
    // Each command was placed among the pipeline's members by copying and filtering all of them, and
    // added to its step's list by copying the list: 75 s at this size.
    const text =
      'build:\n  image: docker:27\n  services: [docker:27-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: /certs\n  script:\n' +
      `    - ${Array.from({ length: 60_000 }, () => 'docker ps').join(' | ')}\n    - docker build -t app .\n`;
    const dir = repo({ '.gitlab-ci.yml': text });
    const r = cilint(['fix', '--no-config', '--strategy', 'kaniko'], dir);
    expect(r.stderr).toContain('cilint: 1 fix applied in 1 file');
    const fixed = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
    expect(fixed).toContain('/kaniko/executor --context . --dockerfile Dockerfile --no-push');
    expect(fixed).not.toContain('docker ps');
  });

  it('translates no more than 20 000 script items for the jobs of one file (a template referenced 800 times)', () => {
    // Forty jobs each referencing a 1 000-line template twenty times stand for 800 000 script items: the
    // translations ran out of memory (V8's abort) after about a minute (fifty such jobs).
    const template = `.t:\n  script:\n${Array.from({ length: 1_000 }, (_, i) => `    - docker build -t app${i} .\n`).join('')}`;
    const job = (k: number) => `j${k}:\n  services: [docker:27-dind]\n  variables:\n    DOCKER_TLS_CERTDIR: /certs\n  script:\n${'    - !reference [.t, script]\n'.repeat(20)}`;
    const dir = repo({ '.gitlab-ci.yml': template + Array.from({ length: 40 }, (_, k) => job(k)).join('') });
    const r = cilint(['fix', '--no-config', '--strategy', 'kaniko', '--dry-run'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cilint: would apply: privileged-dind (translate `j0` to kaniko) in .gitlab-ci.yml');
    const skips = r.stderr.split('\n').filter((l) => l.includes('was not translated'));
    expect(skips).toHaveLength(39);
    expect(skips[0]).toContain(
      'job `j1` was not translated: its script holds 20,000 items once its `extends` and `!reference`s are replaced, and the jobs of its file translated before it hold 20,000 of the 20,000 items cilint translates for the jobs of one file',
    );
  });

  it('fixes two files in one run, and reports a failure per file', () => {
    const dir = repo({ 'a/.gitlab-ci.yml': ORIGINAL.slice(0, 200), 'b/.gitlab-ci.yml': ORIGINAL.slice(0, 200) });
    execFileSync('chmod', ['444', join(dir, 'b/.gitlab-ci.yml')]);
    const r = run(['fix', '--no-config'], dir);
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, 'a/.gitlab-ci.yml'), 'utf8')).toContain('--password-stdin');
    expect(readFileSync(join(dir, 'b/.gitlab-ci.yml'), 'utf8')).not.toContain('--password-stdin');
    expect(r.stderr).toContain('not written: b/.gitlab-ci.yml: the file is read-only');
  });
});
