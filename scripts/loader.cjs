#!/usr/bin/env node
// cilint's command: runs dist/cilint-core.cjs (the bundled CLI), compiled from V8's code cache when the
// cache was made for this very build (scripts/bundle.mjs explains both files).
//
// CILINT_CODE_CACHE=off compiles without the cache; CILINT_CODE_CACHE=report says on stderr whether it
// was used. CILINT_WRITE_CODE_CACHE=FILE writes a new cache after the run (the build's training run).
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

/** The cache made for this build, if there is one: V8 checks no more than the source's length. */
function readCache() {
  if (mode === 'off' || !id) return undefined;
  // A worker thread of a run that tuned V8 (src/engine/jit.ts) starts under other flags than the
  // cache was made with: V8 would reject it.
  if (!isMainThread && process.env.CILINT_JIT_TUNED) return undefined;
  try {
    const cache = readFileSync(join(__dirname, 'cilint-core.cache'));
    return cache.toString('latin1', 0, 64) === id ? cache.subarray(64) : undefined;
  } catch {
    return undefined; // V8 compiles the source, as for any script
  }
}

const cachedData = readCache();
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: corePath, cachedData });
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
