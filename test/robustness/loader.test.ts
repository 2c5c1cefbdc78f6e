import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repo } from '../cli/helpers.js';

/**
 * The shipped command (`dist/cilint.cjs`) compiles the bundled CLI from V8's code cache when the cache
 * was made for that build, and runs the same without it, or with a cache of another build or a damaged one.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

function cilint(bin: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CILINT_CODE_CACHE: 'report', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the installed package with `cache` as its code cache (none when undefined). */
function install(cache: Buffer | undefined): string {
  const dir = repo({ 'package.json': readFileSync(join(root, 'package.json')) });
  mkdirSync(join(dir, 'dist'));
  for (const f of ['cilint.cjs', 'cilint-core.cjs']) copyFileSync(join(root, 'dist', f), join(dir, 'dist', f));
  if (cache) writeFileSync(join(dir, 'dist/cilint-core.cache'), cache);
  return join(dir, 'dist/cilint.cjs');
}

const shipped = () => readFileSync(join(root, 'dist/cilint-core.cache'));
const buildId = () => readFileSync(join(root, 'dist/cilint-core.cjs'), 'latin1').split('\n')[0].replace('//cilint-build:', '');

describe('the cilint command and its code cache', () => {
  it('uses the cache the build made', () => {
    const r = cilint(join(root, 'dist/cilint.cjs'), ['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(r.stderr).toBe('cilint: code cache used\n');
    expect(shipped().toString('latin1', 0, 64)).toBe(buildId());
  });

  it('lints the same with the cache, without it, and with CILINT_CODE_CACHE=off', () => {
    const project = repo({ '.gitlab-ci.yml': 'build:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n' });
    const pipeline = join(project, '.gitlab-ci.yml');
    const args = ['lint', pipeline, '--format', 'json', '--no-config'];
    const withCache = cilint(install(shipped()), args);
    const without = cilint(install(undefined), args);
    const off = cilint(join(root, 'dist/cilint.cjs'), args, { CILINT_CODE_CACHE: 'off' });
    expect(withCache.stderr).toBe('cilint: code cache used\n');
    expect(without.stderr).toBe('cilint: code cache absent\n');
    expect(off.stderr).toBe('');
    expect(withCache.code).toBe(1);
    expect(JSON.parse(withCache.stdout).findings.length).toBeGreaterThan(0);
    expect(without).toMatchObject({ code: withCache.code, stdout: withCache.stdout });
    expect(off).toMatchObject({ code: withCache.code, stdout: withCache.stdout });
  });

  it('tunes V8 for a big lint only, lints the same untuned, and keeps the cache usable', () => {
    // Pipelines of one service, many times: enough for V8 to optimise functions under either setting.
    const services = (n: number) => {
      const files: Record<string, string> = {};
      for (let i = 0; i < n; i++) {
        files[`s${i}/.gitlab-ci.yml`] = `include: ci/t.yml\nbuild:\n  extends: .t\n  services: [docker:27-dind]\n  script:\n    - docker build -t svc${i} .\n`;
        files[`s${i}/ci/t.yml`] = `.t:\n  image: docker:27\n  variables:\n    DOCKER_HOST: tcp://docker:2375\n`;
      }
      return repo(files);
    };
    const bin = join(root, 'dist/cilint.cjs');
    const lintOf = (project: string, env: NodeJS.ProcessEnv) =>
      cilint(bin, ['lint', project, '--format', 'json', '--no-config', '--concurrency', '2'], env);
    const big = services(60);
    // In two threads: a worker starts under the tuned flags (and so compiles without the cache).
    const tuned = lintOf(big, { CILINT_JIT: 'report', CILINT_THREADS: 'report' });
    const untuned = lintOf(big, { CILINT_JIT: 'default' });
    expect(tuned.stderr).toBe('cilint: code cache used\ncilint: linted in 2 threads\ncilint: V8 tuned for this lint\n');
    expect(untuned.stderr).toBe('cilint: code cache used\n');
    expect(tuned.code).toBe(1);
    expect(JSON.parse(tuned.stdout).findings.length).toBeGreaterThanOrEqual(60);
    expect(untuned).toMatchObject({ code: tuned.code, stdout: tuned.stdout });
    // Fewer files than JIT_MIN_FILES: V8 as it comes.
    expect(lintOf(services(10), { CILINT_JIT: 'report' }).stderr).toBe('cilint: code cache used\ncilint: V8 not tuned for this lint\n');
    // Nor in the build's training run, whose cache must match V8's flags at the start of the next run.
    const out = join(repo({}), 'cache');
    expect(lintOf(big, { CILINT_JIT: 'report', CILINT_WRITE_CODE_CACHE: out }).stderr).toContain('V8 not tuned for this lint');
    expect(readFileSync(out).toString('latin1', 0, 64)).toBe(buildId());
    // The next run still takes the shipped cache: nothing a tuned run did changed it or made it stale.
    expect(cilint(bin, ['--version']).stderr).toBe('cilint: code cache used\n');
  });

  it("gives lint workers the CLI's environment: the tuning mark, and not yaml's debugging switches", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`s${i}/.gitlab-ci.yml`] = `build:\n  image: docker:27\n  services: [docker:27-dind]\n  script:\n    - docker build -t svc${i} .\n`;
    const project = repo(files);
    // Preloaded in every thread: a lint worker writes what its environment holds when it starts.
    const probe = join(project, 'probe.cjs');
    const seen = join(project, 'seen.txt');
    writeFileSync(
      probe,
      `const { isMainThread, workerData } = require('node:worker_threads');
if (!isMainThread && workerData && workerData.cilintLintShard) {
  require('node:fs').appendFileSync(${JSON.stringify(seen)}, \`\${process.env.CILINT_JIT_TUNED} \${process.env.LOG_TOKENS} \${process.env.LOG_STREAM}\\n\`);
}
`,
    );
    const lint = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['--require', probe, join(root, 'dist/cilint.cjs'), 'lint', project, '--format', 'json', '--no-config', '--concurrency', '2'], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
    const plain = lint({});
    // The yaml package prints every token when these are set; in the report they would break the JSON.
    const debug = lint({ LOG_TOKENS: '1', LOG_STREAM: '1' });
    expect(plain.status).toBe(1);
    expect(JSON.parse(plain.stdout).findings.length).toBeGreaterThanOrEqual(60);
    expect(debug.stdout).toBe(plain.stdout);
    expect(readFileSync(seen, 'utf8')).toBe('1 undefined undefined\n1 undefined undefined\n');
  });

  it('ignores a cache made for another build', () => {
    const other = Buffer.concat([Buffer.from('0'.repeat(64), 'latin1'), shipped().subarray(64)]);
    const r = cilint(install(other), ['--version']);
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: 'cilint: code cache absent\n' });
  });

  it('compiles from source when the cache is damaged', () => {
    const cache = shipped();
    const garbage = Buffer.concat([cache.subarray(0, 64), Buffer.alloc(cache.length - 64, 0x5a)]);
    const truncated = cache.subarray(0, 64 + 1000);
    for (const damaged of [garbage, truncated]) {
      const r = cilint(install(damaged), ['--version']);
      expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: 'cilint: code cache rejected\n' });
    }
  });

  it('writes a cache named after its build when asked (the build\'s training run)', () => {
    const out = join(repo({}), 'cache');
    const r = cilint(join(root, 'dist/cilint.cjs'), ['--version'], { CILINT_WRITE_CODE_CACHE: out });
    expect(r.code).toBe(0);
    const written = readFileSync(out);
    expect(written.toString('latin1', 0, 64)).toBe(buildId());
    expect(written.length).toBeGreaterThan(64 + 10_000);
  });
});
