import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { RULES } from '../../rules/index.js';
import { UsageError } from '../../src/engine/discover.js';
import { canShare, rethrow, serveWorker, splitByWeight, startWorker, threadCount, type WorkerData, type WorkerError, type WorkerReply } from '../../src/engine/parallel.js';
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

  it('reads the one reply a worker posts', () => {
    const script = join(dir, 'replies.cjs');
    writeFileSync(
      script,
      `const { workerData: d } = require('node:worker_threads');
Atomics.store(d.flag, 0, 1);
d.port.postMessage({ ok: { echo: d.input } });
Atomics.store(d.flag, 0, 2);
Atomics.notify(d.flag, 0);
`,
    );
    let fellBack = false;
    const fallback = (): WorkerReply => {
      fellBack = true;
      return { error: { kind: 'internal', message: 'not this' } };
    };
    expect(startWorker(script, { shard: 3 }, fallback).wait()).toEqual({ ok: { echo: { shard: 3 } } });
    expect(fellBack).toBe(false);
  });

  it('runs the shard itself when the worker never starts', () => {
    const script = join(dir, 'silent.cjs');
    writeFileSync(script, '// starts no lint\n');
    const reply: WorkerReply = { error: { kind: 'internal', message: 'ran here' } };
    expect(startWorker(script, {}, () => reply, 300).wait()).toBe(reply);
  });
});
