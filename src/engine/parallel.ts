import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Runner } from '../model/runner.js';
import { makeSourceFile, type SourceFile } from '../model/source.js';
import type { Span } from '../model/span.js';
import { UnreadableFileError } from '../parsers/gitlab/include.js';
import { UsageError } from './discover.js';
import { packageFile } from './package-root.js';
import type { Finding, Fix, PackedSpan, Rule, StatePacker, StateUnpacker } from './rule.js';

/**
 * `cilint lint` over a big tree in several threads. The groups of pipelines (see `groupByRoot` in
 * lint.ts) are independent but for the rules' states, so consecutive runs of groups ("shards") go to
 * worker threads, the main thread lints the first, and the workers send back their findings and rule
 * states as plain data, which the main thread adopts in shard order before the rules' `finish`. The
 * result is the one-thread result: same findings, same order, same first-seen facts.
 *
 * The engine is synchronous (so is the CLI), so the main thread waits on a shared flag with
 * `Atomics.wait` and reads each worker's one message with `receiveMessageOnPort`.
 */

/**
 * Pipelines (pipeline files and Jenkinsfiles; includes not counted) per thread for `auto`: a thread
 * starts cold (its JIT warms up again), which costs more than it saves below some thousands of
 * pipelines. On two cores (BENCHMARKS.md) two threads gain nothing at 1 900 pipelines and about
 * 30 % at 7 500.
 */
export const PIPELINES_PER_THREAD = 2_500;
/** Each thread holds a heap of its own: more than this would take the peak memory past 400 MB. */
const MAX_THREADS = 4;

/** The threads to lint `pipelines` pipelines with, main thread included: `auto` asks the machine. */
export function threadCount(concurrency: number | 'auto' | undefined, pipelines: number): number {
  if (concurrency === undefined) return 1;
  if (concurrency !== 'auto') return Math.max(1, Math.floor(concurrency));
  return Math.max(1, Math.min(availableParallelism(), MAX_THREADS, Math.floor(pipelines / PIPELINES_PER_THREAD)));
}

/** The script a worker thread runs: the shipped command, whose entry (src/bin.ts) hands workers to `lintShard`. */
export function workerScript(): string | undefined {
  const path = packageFile('dist/cilint.cjs');
  return existsSync(path) ? path : undefined;
}

/** Splits `items` into at most `count` consecutive runs of about equal weight, in order. */
export function splitByWeight<T>(items: readonly T[], count: number, weight: (item: T) => number): T[][] {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  const shards: T[][] = [];
  let current: T[] = [];
  let done = 0;
  for (const item of items) {
    current.push(item);
    done += weight(item);
    if (shards.length < count - 1 && done >= (total * (shards.length + 1)) / count) {
      shards.push(current);
      current = [];
    }
  }
  if (current.length > 0) shards.push(current);
  return shards;
}

// ---------------------------------------------------------------------------------------------------
// Plain data between threads

/** A file as sent between threads, read again on arrival by `makeSourceFile`. */
export interface PackedFile {
  path: string;
  relPath: string;
  /** The text as read, BOM included. */
  raw: string;
}

export interface PackedFinding {
  rule: string;
  severity: Finding['severity'];
  message: string;
  span: PackedSpan;
  /** The fix with each edit's file as an index into the files sent. */
  fix?: Omit<Fix, 'edits'> & { edits: { file: number; start: number; end: number; text: string }[] };
}

/** What a worker's run sends back (see `LintRun.share`). */
export interface SharedRun {
  findings: PackedFinding[];
  /** Rule slug → its packed state. */
  states: Record<string, unknown>;
}

/** Everything a worker thread sends: its run, the files it linted, and the files its spans point into. */
export interface WorkerResult {
  run: SharedRun;
  /** Absolute paths of the pipelines linted, in order. */
  linted: string[];
  /** Indexes into `files` of the files read that hold a `cilint-disable` directive. */
  withDirectives: number[];
  files: PackedFile[];
}

/** An error in a worker, by the kind of error the main thread would have thrown. */
export interface WorkerError {
  kind: 'usage' | 'unreadable' | 'internal';
  message: string;
}

export type WorkerReply = { ok: WorkerResult } | { error: WorkerError };

/** The sending side: each file once, numbered in the order first met; runners by their place in the list. */
export class Packer implements StatePacker {
  readonly files: PackedFile[] = [];
  private readonly index = new Map<SourceFile, number>();
  private readonly runnerIndex: Map<Runner, number>;

  constructor(runners: readonly Runner[]) {
    this.runnerIndex = new Map(runners.map((r, i) => [r, i]));
  }

  file(file: SourceFile): number {
    let i = this.index.get(file);
    if (i === undefined) {
      i = this.files.length;
      this.index.set(file, i);
      this.files.push({ path: file.path, relPath: file.relPath, raw: file.hasBom ? `\ufeff${file.text}` : file.text });
    }
    return i;
  }

  span(span: Span): PackedSpan {
    return [this.file(span.file), span.start, span.end];
  }

  runner(runner: Runner): number {
    const i = this.runnerIndex.get(runner);
    if (i === undefined) throw new Error('a rule state names a runner outside the lint set');
    return i;
  }

  finding(f: Finding): PackedFinding {
    const out: PackedFinding = { rule: f.rule, severity: f.severity, message: f.message, span: this.span(f.span) };
    if (f.fix) out.fix = { ...f.fix, edits: f.fix.edits.map((e) => ({ file: this.file(e.file), start: e.start, end: e.end, text: e.text })) };
    return out;
  }
}

/**
 * The receiving side, one per worker reply, over files shared by the whole run: a path read by two
 * threads is one SourceFile here, the main thread's own when it read it too.
 */
export class Unpacker implements StateUnpacker {
  private readonly local: SourceFile[];

  constructor(
    files: readonly PackedFile[],
    known: Map<string, SourceFile>,
    private readonly runners: readonly Runner[],
  ) {
    this.local = files.map((f) => {
      let file = known.get(f.path);
      if (!file) known.set(f.path, (file = makeSourceFile(f.path, f.relPath, f.raw)));
      return file;
    });
  }

  file(index: number): SourceFile {
    return this.local[index];
  }

  unspan([file, start, end]: PackedSpan): Span {
    return { file: this.local[file], start, end };
  }

  unrunner(index: number): Runner {
    return this.runners[index];
  }

  finding(p: PackedFinding): Finding {
    const base = { rule: p.rule, severity: p.severity, message: p.message, span: this.unspan(p.span) };
    if (!p.fix) return base;
    const edits = p.fix.edits.map((e) => ({ file: this.local[e.file], start: e.start, end: e.end, text: e.text }));
    return { ...base, fix: { ...p.fix, edits } };
  }
}

/** Whether every rule that keeps a state can send it, so the run may be split. */
export function canShare(rules: readonly Rule[]): boolean {
  return rules.every((r) => !r.start || r.shareState);
}

// ---------------------------------------------------------------------------------------------------
// Threads

/** A started worker: `wait` blocks until its one reply, or runs the shard here when the worker cannot. */
export interface Pending {
  wait(): WorkerReply;
}

/** 0: starting; 1: the worker's code runs; 2: its reply is posted; 3: it ended without one. */
const STARTED = 1;
const REPLIED = 2;
const ENDED = 3;
/** A worker whose code has not started after this long never will (a broken install): its shard runs here. */
const START_TIMEOUT_MS = 60_000;

export interface WorkerData {
  cilintLintShard: true;
  port: MessagePort;
  /** [state, exit code once ENDED] */
  flag: Int32Array;
  input: unknown;
}

/**
 * The thread that starts the lint workers and watches them. The main thread blocks while it waits, so
 * it cannot see a worker's `exit` event; a worker that dies without replying (out of memory, a native
 * crash) would leave it waiting for ever. This thread's event loop is free: it marks such a worker's
 * flag ENDED, with its exit code, after sending its error, if it had one, on the worker's report port.
 * A message (a worker's index) asks it to stop that worker.
 */
const SUPERVISOR = `'use strict';
const { Worker, workerData, parentPort } = require('node:worker_threads');
const workers = workerData.jobs.map((job) => {
  const worker = new Worker(workerData.script, { workerData: job.data, transferList: [job.data.port] });
  worker.on('error', (e) => job.report.postMessage(e && e.message ? String(e.message) : String(e)));
  worker.on('exit', (code) => {
    if (Atomics.load(job.data.flag, 0) === ${REPLIED}) return;
    Atomics.store(job.data.flag, 1, code);
    Atomics.store(job.data.flag, 0, ${ENDED});
    Atomics.notify(job.data.flag, 0);
  });
  return worker;
});
parentPort.on('message', (i) => void workers[i].terminate());
parentPort.unref();
`;

/**
 * Starts a worker thread running `script` for each input, under one supervising thread (see
 * SUPERVISOR). `fallback(i, why)` lints input `i` in this thread when its worker never starts or ends
 * without replying; `why` says which, for a note.
 */
export function startWorkers(
  script: string,
  inputs: readonly unknown[],
  fallback: (index: number, why: string) => WorkerReply,
  startTimeoutMs = START_TIMEOUT_MS,
): Pending[] {
  const jobs = inputs.map((input) => {
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    const report = new MessageChannel();
    return { flag, port: port1, errors: report.port1, job: { report: report.port2, data: { cilintLintShard: true, port: port2, flag, input } satisfies WorkerData } };
  });
  let supervisor: Worker | undefined;
  let failed: string | undefined;
  try {
    supervisor = new Worker(SUPERVISOR, {
      eval: true,
      // This object, not the process's C environment, which Node would copy by default: the CLI's
      // `process.env` is a plain copy (see detachEnvironment) that the JIT tuning writes to.
      env: process.env,
      workerData: { script, jobs: jobs.map((j) => j.job) },
      transferList: jobs.flatMap((j) => [j.job.data.port, j.job.report]),
    });
    // The supervisor never keeps the process alive: once every reply is read, nothing is left to wait for.
    supervisor.unref();
  } catch (e) {
    failed = `could not start (${e instanceof Error ? e.message : String(e)})`;
  }
  return jobs.map(({ flag, port, errors }, index) => ({
    wait() {
      try {
        if (failed !== undefined) return fallback(index, failed);
        const started = Date.now();
        for (;;) {
          const state = Atomics.load(flag, 0);
          if (state === REPLIED || state === ENDED) break;
          if (state < STARTED && Date.now() - started > startTimeoutMs) {
            supervisor!.postMessage(index);
            return fallback(index, `did not start within ${startTimeoutMs / 1000} s`);
          }
          Atomics.wait(flag, 0, state, Math.min(1_000, startTimeoutMs));
        }
        // A worker may die between posting its reply and saying so: the reply counts.
        const received = receiveMessageOnPort(port);
        if (received) return received.message as WorkerReply;
        if (Atomics.load(flag, 0) === REPLIED) return { error: { kind: 'internal', message: 'a lint worker replied nothing' } };
        const error = receiveMessageOnPort(errors)?.message as string | undefined;
        return fallback(index, `ended without replying (exit code ${Atomics.load(flag, 1)}${error ? `: ${error}` : ''})`);
      } finally {
        port.close();
        errors.close();
      }
    },
  }));
}

/** In a worker: says the code runs, computes the reply and posts it, whatever happens. */
export function serveWorker(data: WorkerData, compute: (input: unknown) => WorkerResult): void {
  Atomics.store(data.flag, 0, STARTED);
  let reply: WorkerReply;
  try {
    reply = { ok: compute(data.input) };
  } catch (e) {
    reply = { error: describeError(e) };
  }
  data.port.postMessage(reply);
  data.port.close();
  Atomics.store(data.flag, 0, REPLIED);
  Atomics.notify(data.flag, 0);
}

function describeError(e: unknown): WorkerError {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof UsageError) return { kind: 'usage', message };
  if (e instanceof UnreadableFileError) return { kind: 'unreadable', message };
  return { kind: 'internal', message };
}

/** The error a worker reported, as the main thread would have thrown it. */
export function rethrow(error: WorkerError): never {
  if (error.kind === 'usage') throw new UsageError(error.message);
  if (error.kind === 'unreadable') throw new UnreadableFileError(error.message);
  throw new Error(`in a lint worker: ${error.message}`);
}
