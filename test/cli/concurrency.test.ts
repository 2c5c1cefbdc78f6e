import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repo, run } from './helpers.js';

/**
 * `cilint lint --concurrency N` splits the lint set over worker threads of the shipped command
 * (`dist/cilint.cjs`, built before the tests). Whatever the split, the output must be the one-thread
 * output byte for byte: findings found in workers, rule states gathered across threads (runners judged by
 * jobs of every shard), suppressions and unused directives in files read by workers.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'dist/cilint.cjs');

function cilint(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CILINT_THREADS: 'report' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TEMPLATES = `.dind:
  image: docker:27
  services:
    - name: docker:27-dind
      alias: docker
  variables:
    DOCKER_TLS_CERTDIR: ""
    DOCKER_HOST: tcp://docker:2375
`;

/** Service `i` of the monorepo: a pipeline that includes its templates, with something to find in most. */
function service(i: number): Record<string, string> {
  const dir = `services/s${String(i).padStart(3, '0')}`;
  const files: Record<string, string> = { [`${dir}/ci/templates.yml`]: TEMPLATES };
  const jobs = [
    `build:\n  extends: .dind\n  script:\n    - docker login -u ci -p $PASS registry.example.com\n    - docker build -t app:${i} .\n`,
    `test:\n  image: node:${i % 2 ? 'latest' : '22'}\n  script: [npm test]\n`,
  ];
  // cilint-disable comments, used and unused, in files that workers read.
  if (i % 7 === 0) jobs.push(`lint:\n  image: alpine # cilint-disable-line unpinned-docker-image\n  script: [true]\n`);
  if (i % 11 === 0) jobs.push(`# cilint-disable-next-line privileged-dind\nnotes:\n  script: [echo]\n`);
  // Some with a BOM and CRLF line breaks, which a file sent between threads keeps.
  const text = `include:\n  - local: ci/templates.yml\n${jobs.join('')}`;
  files[`${dir}/.gitlab-ci.yml`] = i % 13 === 6 ? `\ufeff${text.replace(/\n/g, '\r\n')}` : text;
  if (i % 5 === 0) files[`${dir}/Jenkinsfile`] = `pipeline {\n  agent { docker { image 'docker:27'; args '--privileged -v /var/run/docker.sock:/var/run/docker.sock' } }\n  stages { stage('b') { steps { sh 'docker build -t app:${i} .' } } }\n}\n`;
  return files;
}

function monorepo(): string {
  const files: Record<string, string> = {
    // Judged in `finish` by the jobs of every shard: privileged runners, and a runner without /certs/client.
    'runners/config.toml': '[[runners]]\n  name = "dind"\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n',
    'runners/k8s/config.toml': '[[runners]]\n  name = "k8s"\n  executor = "kubernetes"\n  [runners.kubernetes]\n    privileged = true\n',
  };
  for (let i = 0; i < 90; i++) Object.assign(files, service(i));
  const dir = repo(files);
  // The examples too, last: the first job of the lint set that needs the certificates volume is theirs.
  cpSync(join(root, 'examples'), join(dir, 'services/zz-examples'), { recursive: true });
  return dir;
}

describe('cilint lint --concurrency', () => {
  const dir = monorepo();

  it.each([
    ['json', ['--format', 'json']],
    ['sarif', ['--format', 'sarif']],
    ['stylish, unused directives reported', ['--format', 'stylish', '--report-unused-disables']],
    ['codequality, cilint-disable comments ignored', ['--format', 'codequality', '--no-inline-config']],
  ])('reports in threads what it reports in one (%s)', (_, args) => {
    const one = cilint(dir, ['lint', '.', '--no-config', ...args, '--concurrency', '1']);
    expect(one.stderr).toBe('cilint: linted in 1 thread\n');
    expect(one.code).toBe(1);
    for (const n of [2, 3]) {
      const many = cilint(dir, ['lint', '.', '--no-config', ...args, '--concurrency', String(n)]);
      expect(many.stderr).toBe(`cilint: linted in ${n} threads\n`);
      expect(many.code).toBe(1);
      expect(many.stdout).toBe(one.stdout);
    }
  });

  it('merges what rules gather across threads: a runner judged by a job of the last shard', () => {
    const many = cilint(dir, ['lint', '.', '--no-config', '--format', 'json', '--concurrency', '3']);
    const findings = (JSON.parse(many.stdout) as { findings: { rule: string; file: string; message: string }[] }).findings;
    // The generated services run dind without TLS: only jobs of the last shard need the certificates.
    const certs = findings.filter((f) => f.rule === 'certs-volume-missing');
    expect(certs.map((f) => f.file)).toEqual(['runners/config.toml', 'runners/k8s/config.toml']);
    for (const f of certs) expect(f.message).toMatch(/such as `build`, (\.\.\/)+services\/zz-examples\/tls-dind\/\.gitlab-ci\.yml:\d+\)/);
    expect(findings.filter((f) => f.rule === 'privileged-runner').map((f) => f.file)).toEqual(['runners/config.toml', 'runners/k8s/config.toml']);
    // Every dind service is reported once, wherever its template is, by the thread that read it.
    const dind = findings.filter((f) => f.rule === 'privileged-dind' && f.file.endsWith('templates.yml'));
    expect(dind).toHaveLength(90);
    // A directive in a file read by a worker silences its finding.
    expect(findings.filter((f) => f.rule === 'unpinned-docker-image' && f.message.includes('alpine'))).toEqual([]);
  });

  it('keeps the runner mapping of a config file in every thread', () => {
    const config = join(dir, 'mapped.cilint.yml');
    writeFileSync(config, 'runners:\n  runners/k8s/config.toml: ["services/s0*/**"]\n  runners/config.toml: ["services/s[1-9]*/**", "services/zz-examples/**"]\n');
    const one = cilint(dir, ['lint', '.', '--config', 'mapped.cilint.yml', '--format', 'json', '--concurrency', 'off']);
    const many = cilint(dir, ['lint', '.', '--config', 'mapped.cilint.yml', '--format', 'json', '--concurrency', '2']);
    expect(many.stderr).toBe('cilint: linted in 2 threads\n');
    expect(many.stdout).toBe(one.stdout);
  });

  it('lints the share of a thread that dies in the main thread, and says so', () => {
    // Preloaded in every thread: a lint worker says it has started, then dies, as one out of memory would.
    const preload = join(dir, 'die-in-workers.cjs');
    writeFileSync(
      preload,
      `const { isMainThread, workerData } = require('node:worker_threads');
if (!isMainThread && workerData && workerData.cilintLintShard) { Atomics.store(workerData.flag, 0, 1); process.exit(9); }
`,
    );
    const one = cilint(dir, ['lint', '.', '--no-config', '--format', 'json', '--concurrency', 'off']);
    const r = spawnSync(process.execPath, ['--require', preload, bin, 'lint', '.', '--no-config', '--format', 'json', '--concurrency', '3'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CILINT_THREADS: 'report' },
    });
    const note = 'cilint: a lint thread ended without replying (exit code 9): its share of the files was linted in the main thread\n';
    expect(r.stderr).toBe(`${note}${note}cilint: linted in 1 thread\n`);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(one.stdout);
  });

  it('lints a small lint set in one thread by default, and stdin always', () => {
    expect(cilint(dir, ['lint', 'services/s001', '--no-config']).stderr).toBe('cilint: linted in 1 thread\n');
    const r = spawnSync(process.execPath, [bin, 'lint', '--stdin', '--stdin-filename', 'services/s001/.gitlab-ci.yml', '--no-config', '--concurrency', '4'], {
      cwd: dir,
      input: 'a:\n  script: ["true"]\n',
      encoding: 'utf8',
      env: { ...process.env, CILINT_THREADS: 'report' },
    });
    expect(r.stderr).toBe('cilint: linted in 1 thread\n');
    expect(r.status).toBe(0);
  });

  it.each(['0', '-1', '2.5', 'many', '65'])('refuses --concurrency %s with a usage error', (value) => {
    const r = run(['lint', '.', '--no-config', '--concurrency', value], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cilint: --concurrency ${value}: expected a number of threads from 1 to 64, auto or off\n`);
  });
});
