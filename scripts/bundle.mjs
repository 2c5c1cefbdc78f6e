// Builds what package.json's `bin` runs, from the compiled CLI (dist/src/bin.js):
//
// - dist/cilint-core.cjs: the whole CLI as one CommonJS file. Resolving and compiling ~120 separate
//   modules took about as long as Node's own start-up (see BENCHMARKS.md).
// - dist/cilint-core.cache: V8's code cache for it, taken after a training run, so that a run starts from
//   compiled bytecode instead of parsing 1.4 MB of JavaScript.
// - dist/cilint.cjs: the `bin`, a small loader (scripts/loader.cjs) that compiles the core with the cache.
//
// CommonJS because Node 20 can hand V8 a code cache only for a vm.Script, not for an ES module. The core's
// first line names its build (a hash of its text); the cache starts with the same name, and the loader
// uses a cache only when they match, because V8 itself checks no more than the source's length.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const core = 'dist/cilint-core.cjs';
const cache = 'dist/cilint-core.cache';
const bin = 'dist/cilint.cjs';

const result = await build({
  entryPoints: ['dist/src/bin.js'],
  bundle: true,
  write: false,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  // The package root is found from the running file (src/engine/package-root.ts).
  define: { 'import.meta.url': '__cilintModuleUrl' },
  banner: { js: 'var __cilintModuleUrl=require("node:url").pathToFileURL(__filename).href;' },
  legalComments: 'none',
  logLevel: 'warning',
});
const body = result.outputFiles[0].text.replace(/^#!.*\n/, '');
const id = createHash('sha256').update(body).digest('hex');
rmSync(cache, { force: true });
writeFileSync(core, `//cilint-build:${id}\n${body}`);
copyFileSync('scripts/loader.cjs', bin);
chmodSync(bin, 0o755);

// Training: lint the bundled examples (GitLab, runner and Jenkins files), so that the cache holds what a
// lint compiles. The loader writes the cache when CILINT_WRITE_CODE_CACHE names a file. V8 rejects a
// cache made under other V8 flags, so the run gets none from NODE_OPTIONS: the cache is for plain `node`.
const work = mkdtempSync(join(tmpdir(), 'cilint-train-'));
try {
  cpSync('examples', work, { recursive: true });
  const written = join(work, 'cache');
  const run = spawnSync(process.execPath, [resolve(bin), 'lint', '.', '--no-config'], {
    cwd: work,
    env: { ...process.env, NODE_OPTIONS: '', CILINT_WRITE_CODE_CACHE: written },
    encoding: 'utf8',
  });
  if (run.status !== 1 || !existsSync(written)) throw new Error(`the training run should find problems (exit 1), got ${run.status}: ${run.stderr}`);
  copyFileSync(written, cache);
} finally {
  rmSync(work, { recursive: true, force: true });
}
