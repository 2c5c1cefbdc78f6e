import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { RULES } from '../../rules/index.js';
import { UsageError } from '../../src/engine/discover.js';
import { canShare, rethrow, serveWorker, splitByWeight, startWorkers, threadCount, type WorkerData, type WorkerError, type WorkerReply } from '../../src/engine/parallel.js';
import { defineRule } from '../../src/engine/rule.js';
import { UnreadableFileError } from '../../src/parsers/gitlab/include.js';
import { repo } from '../cli/helpers.js';

describe('splitting a lint set into shards', () => {
  it('cuts consecutive runs of about equal weight, in order', () => {
    const items = [5, 1, 1, 1, 1, 1, 5, 1, 1, 1, 1, 1];
    const shards = splitByWeight(items, 3, (n) => n);
    expect(shards.flat()).toEqual(items);
    expect(shards).toHaveLength(3);
    expect(shards.map((s) => s.reduce((a, b) => a + b, 0))).toEqual([7, 8, 5]);
  });

  it('makes no more shards than items, nor empty ones', () => {
    expect(splitByWeight([1, 1], 4, () => 1)).toEqual([[1], [1]]);
    expect(splitByWeight([], 3, () => 1)).toEqual([]);
    expect(splitByWeight([9, 1, 1], 2, (n) => n)).toEqual([[9], [1, 1]]);
  });

  it('takes threads from the flag, or for auto from the lint set and the machine', () => {
    expect(threadCount(undefined, 100_000)).toBe(1);
    expect(threadCount(3, 10)).toBe(3);
    expect(threadCount('auto', 200)).toBe(1);
    expect(threadCount('auto', 4_999)).toBe(1);
    expect(threadCount('auto', 5_000)).toBe(Math.min(2, availableParallelism()));
    expect(threadCount('auto', 1_000_000)).toBeGreaterThanOrEqual(1);
    expect(threadCount('auto', 1_000_000)).toBeLessThanOrEqual(4);
  });
});

describe('rule states across threads', () => {
  it('every rule of cilint that keeps a state can send it', () => {
    expect(RULES.filter((r) => r.start).map((r) => r.slug).sort()).toEqual(['certs-volume-missing', 'privileged-dind', 'privileged-runner']);
    expect(canShare(RULES)).toBe(true);
  });

  it('a rule with a state it cannot send keeps the lint in one thread', () => {
    const rule = defineRule({ slug: 'counting', severity: 'info', summary: '', examples: [], start: () => ({ n: 0 }), check: () => undefined });
    expect(canShare([...RULES, rule])).toBe(false);
  });
});

describe('a worker reply', () => {
  function serve(compute: () => never): WorkerReply {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    serveWorker({ cilintLintShard: true, port: port2, flag, input: {} } satisfies WorkerData, compute);
    expect(Atomics.load(flag, 0)).toBe(2);
    const reply = receiveMessageOnPort(port1)?.message as WorkerReply;
    port1.close();
    return reply;
  }

  it.each([
    ['usage', new UsageError('a: no such file'), UsageError],
    ['unreadable', new UnreadableFileError('b/.gitlab-ci.yml: it is a directory'), UnreadableFileError],
  ] as const)('carries a %s error back, to be thrown as the main thread would', (kind, error, type) => {
    const reply = serve(() => {
      throw error;
    });
    expect(reply).toEqual({ error: { kind, message: error.message } });
    expect(() => rethrow((reply as { error: WorkerError }).error)).toThrow(type);
  });

  it('says what broke in a worker without a stack trace', () => {
    const reply = serve(() => {
      throw new TypeError('x is undefined');
    });
    expect(reply).toEqual({ error: { kind: 'internal', message: 'x is undefined' } });
    expect(() => rethrow({ kind: 'internal', message: 'x is undefined' })).toThrow('in a lint worker: x is undefined');
  });
});

describe('waiting for a worker thread', () => {
  const dir = repo({});
  /** A worker script: `body` runs after the worker says it has started (flag 1), with `d` its workerData. */
  const worker = (name: string, body: string, started = true): string => {
    const script = join(dir, name);
    writeFileSync(script, `const { workerData: d } = require('node:worker_threads');\n${started ? 'Atomics.store(d.flag, 0, 1);\n' : ''}${body}\n`);
    return script;
  };
  const REPLY = `d.port.postMessage({ ok: { echo: d.input } });
Atomics.store(d.flag, 0, 2);
Atomics.notify(d.flag, 0);`;
  /** The fallbacks called, as [input index, why]. */
  let fellBack: [number, string][] = [];
  const fallback = (i: number, why: string): WorkerReply => {
    fellBack.push([i, why]);
    return { error: { kind: 'internal', message: `ran ${i} here` } };
  };
  beforeEach(() => {
    fellBack = [];
  });

  it('reads the one reply each worker posts, in order', () => {
    const pending = startWorkers(worker('replies.cjs', REPLY), [{ shard: 1 }, { shard: 2 }], fallback);
    expect(pending.map((p) => p.wait())).toEqual([{ ok: { echo: { shard: 1 } } }, { ok: { echo: { shard: 2 } } }]);
    expect(fellBack).toEqual([]);
  });

  it('runs the shard here when its worker ends without replying, and says why', () => {
    const pending = startWorkers(worker('exits.cjs', 'process.exit(7);'), [{}], fallback);
    expect(pending[0].wait()).toEqual({ error: { kind: 'internal', message: 'ran 0 here' } });
    expect(fellBack).toEqual([[0, 'ended without replying (exit code 7)']]);
  });

  it('names the error a worker died of', () => {
    const pending = startWorkers(worker('throws.cjs', "setTimeout(() => { throw new Error('out of luck'); }, 0);"), [{}], fallback);
    pending[0].wait();
    expect(fellBack).toEqual([[0, 'ended without replying (exit code 1: out of luck)']]);
  });

  it('takes the reply of a worker that died after posting it', () => {
    const script = worker('posts-then-dies.cjs', "d.port.postMessage({ ok: 'posted' });\nprocess.exit(3);");
    expect(startWorkers(script, [{}], fallback)[0].wait()).toEqual({ ok: 'posted' });
    expect(fellBack).toEqual([]);
  });

  it('falls back only for the worker that failed', () => {
    const script = worker('second-dies.cjs', `if (d.input.die) process.exit(5);\n${REPLY}`);
    const replies = startWorkers(script, [{ die: false }, { die: true }, { die: false }], fallback).map((p) => p.wait());
    expect(replies).toEqual([{ ok: { echo: { die: false } } }, { error: { kind: 'internal', message: 'ran 1 here' } }, { ok: { echo: { die: false } } }]);
    expect(fellBack).toEqual([[1, 'ended without replying (exit code 5)']]);
  });

  it('runs the shard here when the worker never starts, and stops it', async () => {
    // Counts its ticks without ever saying it started.
    const script = worker('never-starts.cjs', 'setInterval(() => Atomics.add(d.input.ticks, 0, 1), 10);', false);
    const ticks = new Int32Array(new SharedArrayBuffer(4));
    expect(startWorkers(script, [{ ticks }], fallback, 1_000)[0].wait()).toEqual({ error: { kind: 'internal', message: 'ran 0 here' } });
    expect(fellBack).toEqual([[0, 'did not start within 1 s']]);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await sleep(200);
    const stopped = Atomics.load(ticks, 0);
    expect(stopped).toBeGreaterThan(0);
    await sleep(200);
    expect(Atomics.load(ticks, 0)).toBe(stopped);
  });
});
