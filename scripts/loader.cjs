#!/usr/bin/env node
// cilint's command: runs dist/cilint-core.cjs (the bundled CLI), compiled from V8's code cache when the
// cache was made for this very build (scripts/bundle.mjs explains both files).
//
// CILINT_CODE_CACHE=off compiles without the cache; CILINT_CODE_CACHE=report says on stderr whether it
// was used. CILINT_WRITE_CODE_CACHE=FILE writes a new cache after the run (the build's training run).
// CILINT_JIT=default runs V8's optimising compiler untuned (see JIT_FLAGS).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');
const { isMainThread } = require('node:worker_threads');

const corePath = join(__dirname, 'cilint-core.cjs');
const source = readFileSync(corePath, 'latin1'); // esbuild writes ASCII only
const BUILD = '//cilint-build:';
const id = source.startsWith(BUILD) ? source.slice(BUILD.length, BUILD.length + 64) : '';
const mode = process.env.CILINT_CODE_CACHE;
const training = process.env.CILINT_WRITE_CODE_CACHE;
/**
 * A lint of a few thousand files spends more time in V8's optimising compiler (TurboFan, on background
 * threads) than in running the rules: it compiles a few hundred hot functions, inlining callees into
 * each. These settings cut its inlining budget to a quarter (bytecode inlined into one function: 920
 * by default) and let a function run twice as long before it is marked hot, so fewer and smaller
 * functions are compiled: 15 % fewer instructions in all at 200 and at 2 000 files, and a big run's
 * per-file work no slower (BENCHMARKS.md). They steer heuristics only: what the code computes is unchanged.
 * Set after the cache is read, because V8 takes a cache only if it was made under the same flags; not
 * in the training run, whose cache is written at exit under the flags of that moment; once per
 * process, since V8's flags are the process's, worker threads included. So a worker thread, which
 * starts under the changed flags, compiles the core without the cache (V8 would reject it).
 */
const JIT_FLAGS = '--max-inlined-bytecode-size-cumulative=230 --interrupt-budget=135168';
const tuned = !training && process.env.CILINT_JIT !== 'default';

/** The cache made for this build, if there is one: V8 checks no more than the source's length. */
function readCache() {
  if (mode === 'off' || !id || (tuned && !isMainThread)) return undefined;
  try {
    const cache = readFileSync(join(__dirname, 'cilint-core.cache'));
    return cache.toString('latin1', 0, 64) === id ? cache.subarray(64) : undefined;
  } catch {
    return undefined; // V8 compiles the source, as for any script
  }
}

const cachedData = readCache();
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: corePath, cachedData });
if (tuned && isMainThread) require('node:v8').setFlagsFromString(JIT_FLAGS);
// Said by the main thread only: a worker thread of a tuned run never takes the cache (above).
if (mode === 'report' && isMainThread) {
  process.stderr.write(`cilint: code cache ${cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used'}\n`);
}
// The worker threads of a parallel lint run this loader too: only the main thread writes the cache.
if (training && isMainThread) {
  // After the run, so that the cache holds every function the run compiled, not only the top level.
  process.once('exit', () => writeFileSync(training, Buffer.concat([Buffer.from(id, 'latin1'), script.createCachedData()])));
}
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(corePath), mod, corePath, __dirname);
