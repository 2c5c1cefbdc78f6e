import { setFlagsFromString } from 'node:v8';
import { isMainThread } from 'node:worker_threads';

/**
 * V8 settings for a big lint. A lint of a few thousand files spends more time in V8's optimising
 * compiler (TurboFan, on background threads) than in running the rules: it compiles a few hundred hot
 * functions, inlining callees into each. These cut the inlining budget to a quarter (bytecode inlined
 * into one function: 920 by default) and let a function run twice as long before it is marked hot, so
 * fewer and smaller functions are compiled: 15 % fewer instructions in all at 200 and at 2 000 files,
 * and a big run's per-file work no slower (BENCHMARKS.md). They steer heuristics only: what the code
 * computes is unchanged.
 */
export const JIT_FLAGS = '--max-inlined-bytecode-size-cumulative=230 --interrupt-budget=135168';

/**
 * A smaller lint ends before TurboFan has much to compile, and the change has a price: V8 takes a code
 * cache (cilint's, or Node's own for its built-in modules) only if it was made under the same flags, so
 * what is compiled after the change is compiled from source (1 % more instructions for one file; set
 * when the CLI starts, before the modules it needs are loaded, 6 %).
 */
export const JIT_MIN_FILES = 50;

/**
 * Marks, for the worker threads started after it, that V8's flags changed: the loader
 * (scripts/loader.cjs) then compiles without the code cache, which V8 would reject. The workers are
 * given the CLI's `process.env` (parallel.ts), so they see it.
 */
const JIT_TUNED_ENV = 'CILINT_JIT_TUNED';

let tuned = false;

/**
 * Tunes V8 for a lint of `files` files, once per process, from the main thread only (V8's flags are the
 * process's). Not when `CILINT_JIT=default` asks for V8 as it comes, nor in the build's training run,
 * whose code cache is written at exit under the flags of that moment. (`CILINT_JIT=report` has the CLI
 * say whether it did.)
 */
export function tuneJitFor(files: number): void {
  if (tuned || !isMainThread || files < JIT_MIN_FILES) return;
  if (process.env.CILINT_JIT === 'default' || process.env.CILINT_WRITE_CODE_CACHE) return;
  setFlagsFromString(JIT_FLAGS);
  process.env[JIT_TUNED_ENV] = '1';
  tuned = true;
}

/** Whether this process tuned V8 (`tuneJitFor`). */
export function jitTuned(): boolean {
  return tuned;
}
