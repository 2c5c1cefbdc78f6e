// Bundles the built CLI (dist/src/bin.js) into one file, dist/cilint.mjs, which package.json's `bin` runs: resolving and
// compiling ~120 separate modules took about as long as Node's own start-up (see BENCHMARKS.md).
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/bin.js'],
  outfile: 'dist/cilint.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __cilintRequire } from 'node:module'; const require = __cilintRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync('dist/cilint.mjs', 0o755);
