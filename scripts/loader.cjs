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

const corePath = join(__dirname, 'cilint-core.cjs');
const source = readFileSync(corePath, 'latin1'); // esbuild writes ASCII only
const BUILD = '//cilint-build:';
const id = source.startsWith(BUILD) ? source.slice(BUILD.length, BUILD.length + 64) : '';
const mode = process.env.CILINT_CODE_CACHE;

/** The cache made for this build, if there is one: V8 checks no more than the source's length. */
function readCache() {
  if (mode === 'off' || !id) return undefined;
  try {
    const cache = readFileSync(join(__dirname, 'cilint-core.cache'));
    return cache.toString('latin1', 0, 64) === id ? cache.subarray(64) : undefined;
  } catch {
    return undefined; // V8 compiles the source, as for any script
  }
}

const cachedData = readCache();
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: corePath, cachedData });
if (mode === 'report') {
  process.stderr.write(`cilint: code cache ${cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used'}\n`);
}
const training = process.env.CILINT_WRITE_CODE_CACHE;
// The worker threads of a parallel lint run this loader too: only the main thread writes the cache.
if (training && require('node:worker_threads').isMainThread) {
  // After the run, so that the cache holds every function the run compiled, not only the top level.
  process.once('exit', () => writeFileSync(training, Buffer.concat([Buffer.from(id, 'latin1'), script.createCachedData()])));
}
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(corePath), mod, corePath, __dirname);
