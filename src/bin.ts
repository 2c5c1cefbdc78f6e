#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { isMainThread, workerData } from 'node:worker_threads';
import { RULES } from '../rules/index.js';
import { main } from './cli.js';
import { detachEnvironment } from './engine/environment.js';
import { lintShard, type ShardInput } from './engine/lint.js';
import { serveWorker, type WorkerData } from './engine/parallel.js';

detachEnvironment();

if (!isMainThread && (workerData as Partial<WorkerData> | undefined)?.cilintLintShard) {
  // A thread of a parallel `cilint lint` (src/engine/parallel.ts): lint its groups, reply, end.
  serveWorker(workerData as WorkerData, (input) => lintShard(input as ShardInput, RULES));
} else {
  // A reader that stops early (`cilint rules | head`) closes the pipe: stop writing, quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }

  process.exitCode = main(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: () => readFileSync(0, 'utf8'),
    ownProcess: true,
  });
}
