import { parse } from 'unbash';
import type { AndOr, PipelineNode, Statement } from 'unbash';
import { flagValue, type CliOption, type DockerInvocation } from '../docker/docker-cli.js';
import { dockerInvocations, parsedScript, scriptSpan } from '../docker/job.js';
import { memoForGroup } from '../model/memo.js';
import { commandBasename, type ShellCommand, type ShellWord } from '../docker/shell.js';
import type { Job, ScriptStep } from '../model/pipeline.js';
import { positionAt } from '../model/source.js';
import { lastAtOrBefore, type Span } from '../model/span.js';
import { pushTo } from '../model/lists.js';
import { shorten } from './words.js';

/**
 * The front end of the build translations: reads a job's script steps into what they do with Docker
 * (builds, tags, pushes, cache pulls, logins, commands a daemonless build absorbs, and commands that
 * need a daemon), with where each is written so that a back end can rewrite exactly those commands
 * and keep every other line of the script as written.
 */

export type Section = 'before_script' | 'script' | 'after_script';

export interface BuildSpec {
  tags: ShellWord[];
  file?: ShellWord;
  buildArgs: ShellWord[];
  target?: ShellWord;
  labels: ShellWord[];
  platforms: ShellWord[];
  noCache: boolean;
  pull: boolean;
  push: boolean;
  context?: ShellWord;
  /** `--cache-from` values: an image (`X`) or buildx's `type=registry,ref=X`. */
  cacheFrom: ShellWord[];
  cacheTo: ShellWord[];
  /** Options passed to buildah as written (it reads docker's), by their words. */
  buildahOnly: CliOption[];
  /** Options that change nothing without a daemon (`--load`, `--progress`, `--rm`). */
  dropped: CliOption[];
  /** Options no daemonless builder reproduces, or words that may hold options (`$BUILD_FLAGS`). */
  unknown: string[];
}

export interface LoginSpec {
  username?: ShellWord;
  /** The password as shell text for one word (`"$CI_REGISTRY_PASSWORD"`, `"$(cat pw)"`). */
  password?: string;
  /** The `-p`/`--password` option, when the password is on the command line. */
  passwordOption?: CliOption;
  registry?: ShellWord;
}

export type Op =
  | { kind: 'build'; build: BuildSpec }
  | { kind: 'tag'; source: ShellWord; target: ShellWord }
  | { kind: 'push'; image: ShellWord; allTags: boolean }
  | { kind: 'pull'; image: ShellWord }
  | { kind: 'login'; login: LoginSpec }
  /** Nothing to do without a daemon: `logout`, `info`, `version`, `images`, buildx builder setup. */
  | { kind: 'absorbed'; what: string }
  /** Needs a Docker daemon (`run`, `compose`, `exec`, `cp`, `save`, `load`, …). */
  | { kind: 'needs-daemon' };

export interface PlannedCommand {
  op: Op;
  step: ScriptStep;
  section: Section;
  /** The command's range in the step's text (for a wrapped command, from the `docker` word). */
  start: number;
  end: number;
  /** For a login fed by a pipeline (`echo "$P" | docker login --password-stdin`): the pipeline's range. */
  pipeline?: { start: number; end: number };
  invocation?: DockerInvocation;
  /** Index of the top-level statement that holds it, and of the element of its `&&`/`||` chain. */
  statement: number;
  element: number;
  /** The command is a whole element of a top-level chain (not nested in `if`, a loop, a subshell, `sudo`, a pipe). */
  direct: boolean;
  /** Written inside another command's quoted argument or heredoc (`sh -c "…"`): it cannot be rewritten exactly. */
  approximate: boolean;
}

/** A top-level `&&`/`||` chain of a step, or a single command or compound statement. */
export interface StatementInfo {
  start: number;
  end: number;
  elements: { start: number; end: number; kind: 'command' | 'pipeline' | 'compound'; members: { start: number; end: number }[] }[];
  operators: ('&&' | '||')[];
  background: boolean;
}

export interface StepPlan {
  step: ScriptStep;
  section: Section;
  statements: StatementInfo[];
  commands: PlannedCommand[];
  /** Names of every simple command in the step, by range (to tell a daemon wait loop). */
  others: { name: string; start: number; end: number }[];
}

export interface JobPlan {
  job: Job;
  steps: StepPlan[];
  /** Every docker command, in the order the job runs them (before_script, script, after_script). */
  commands: PlannedCommand[];
}

const ABSORBED = new Set(['logout', 'info', 'version', 'images', 'ps']);
const BUILDX_SETUP = new Set(['create', 'use', 'inspect', 'ls', 'version', 'rm', 'stop', 'du', 'prune']);
const DROPPED = new Set(['load', 'progress', 'builder', 'rm', 'force-rm', 'quiet', 'q', 'compress', 'disable-content-trust', 'provenance']);
const BUILDAH_ONLY = new Set([
  'secret', 'ssh', 'network', 'add-host', 'build-context', 'ulimit', 'shm-size', 'memory', 'memory-swap', 'cpu-shares',
  'cpuset-cpus', 'cgroup-parent', 'security-opt', 'iidfile', 'squash', 'isolation',
]);

/** The job's plan; read once per job (a plan is never changed once read). */
export const readJobPlan = memoForGroup((job: Job): JobPlan => {
  const byStep = new Map<ScriptStep, DockerInvocation[]>();
  for (const { step, invocation } of dockerInvocations(job)) pushTo(byStep, step, invocation);
  const steps = job.scripts.map((step) => readStep(step, byStep.get(step) ?? []));
  return { job, steps, commands: steps.flatMap((s) => s.commands) };
});

function readStep(step: ScriptStep, invocations: readonly DockerInvocation[]): StepPlan {
  const section = step.section as Section;
  const statements = topLevelStatements(step);
  const commands: PlannedCommand[] = [];
  const others: StepPlan['others'] = [];
  for (const cmd of parsedScript(step).commands) {
    const name = commandBasename(cmd);
    if (name !== undefined) others.push({ name, start: cmd.start, end: cmd.end });
    if (name === 'docker-compose' || name === 'docker-compose.exe') commands.push(place(step, section, statements, cmd, { kind: 'needs-daemon' }));
  }
  for (const inv of invocations) {
    const op = readOp(inv);
    if (!op) continue;
    const planned = place(step, section, statements, inv.command, op, inv);
    if (op.kind === 'login') {
      const fed = stdinPipeline(statements, planned);
      if (fed) planned.pipeline = fed.range;
      const password = op.login.password ?? (fed ? producedPassword(step.text, fed.producer) : stdinRedirect(step.text, inv.command));
      if (password !== undefined) op.login.password = password;
      if (fed && planned.element >= 0) planned.direct = !statements[planned.statement].background;
    }
    commands.push(planned);
  }
  commands.sort((a, b) => a.start - b.start);
  return { step, section, statements, commands, others };
}

function readOp(inv: DockerInvocation): Op | undefined {
  if (inv.program === 'dockerd') return { kind: 'needs-daemon' };
  if (inv.program !== 'docker') return undefined;
  const [first, second] = inv.subcommand;
  const sub = first === 'image' || first === 'container' || first === 'system' || first === 'builder' ? second : first;
  if (first === 'buildx') {
    if (second === 'build' || second === 'b') return { kind: 'build', build: readBuild(inv) };
    if (second !== undefined && BUILDX_SETUP.has(second)) return { kind: 'absorbed', what: `buildx ${second}` };
    return { kind: 'needs-daemon' };
  }
  if (first === 'context') return { kind: 'absorbed', what: 'context' };
  if (first === 'container' || (first === 'image' && (second === 'save' || second === 'load'))) return { kind: 'needs-daemon' };
  switch (sub) {
    case 'build':
      return { kind: 'build', build: readBuild(inv) };
    case 'tag':
      return inv.positionals.length === 2 ? { kind: 'tag', source: inv.positionals[0], target: inv.positionals[1] } : { kind: 'needs-daemon' };
    case 'push': {
      const allTags = inv.options.some((o) => o.canonical === 'all-tags');
      return inv.positionals.length === 1 ? { kind: 'push', image: inv.positionals[0], allTags } : { kind: 'needs-daemon' };
    }
    case 'pull':
      return inv.positionals.length === 1 ? { kind: 'pull', image: inv.positionals[0] } : { kind: 'needs-daemon' };
    case 'login':
      return { kind: 'login', login: readLogin(inv) };
    case 'ls':
      return first === 'image' ? { kind: 'absorbed', what: 'image ls' } : { kind: 'needs-daemon' };
    case 'prune':
      return { kind: 'absorbed', what: `${first} prune` };
    case undefined:
      // `docker --version` and friends.
      return inv.globalOptions.length > 0 ? { kind: 'absorbed', what: 'version' } : { kind: 'needs-daemon' };
    default:
      return ABSORBED.has(sub) ? { kind: 'absorbed', what: sub } : { kind: 'needs-daemon' };
  }
}

function readBuild(inv: DockerInvocation): BuildSpec {
  const spec: BuildSpec = {
    tags: [],
    buildArgs: [],
    labels: [],
    platforms: [],
    noCache: false,
    pull: false,
    push: false,
    cacheFrom: [],
    cacheTo: [],
    buildahOnly: [],
    dropped: [],
    unknown: [],
  };
  for (const o of inv.options) {
    const v = o.value;
    switch (o.canonical) {
      case 'tag':
        if (v) spec.tags.push(v);
        break;
      case 'file':
        if (v) spec.file = v;
        break;
      case 'build-arg':
        if (v) spec.buildArgs.push(v);
        break;
      case 'target':
        if (v) spec.target = v;
        break;
      case 'label':
        if (v) spec.labels.push(v);
        break;
      case 'platform':
        if (v) spec.platforms.push(v);
        break;
      case 'no-cache':
        spec.noCache = flagValue(o) !== false;
        break;
      case 'pull':
        spec.pull = flagValue(o) !== false;
        break;
      case 'push':
        spec.push = flagValue(o) !== false;
        break;
      case 'cache-from':
        if (v) spec.cacheFrom.push(v);
        break;
      case 'cache-to':
        if (v) spec.cacheTo.push(v);
        break;
      default:
        if (DROPPED.has(o.canonical) || (o.canonical === 'sbom' && v?.value === 'false')) spec.dropped.push(o);
        else if (BUILDAH_ONLY.has(o.canonical)) spec.buildahOnly.push(o);
        else spec.unknown.push(o.word.text);
    }
  }
  // Words known only at run time may hold options (`$BUILD_FLAGS`): the context is the last word.
  spec.context = inv.positionals.at(-1);
  spec.unknown.push(...inv.positionals.slice(0, -1).map((p) => p.text));
  return spec;
}

function readLogin(inv: DockerInvocation): LoginSpec {
  const login: LoginSpec = {};
  for (const o of inv.options) {
    if (o.canonical === 'username' && o.value) login.username = o.value;
    if (o.canonical === 'password' && o.value) {
      login.passwordOption = o;
      login.password = o.value.text;
    }
  }
  if (inv.positionals[0]) login.registry = inv.positionals[0];
  return login;
}

/** Where a command stands among the step's top-level statements. */
function place(
  step: ScriptStep,
  section: Section,
  statements: readonly StatementInfo[],
  cmd: ShellCommand,
  op: Op,
  invocation?: DockerInvocation,
): PlannedCommand {
  const statement = indexHolding(statements, cmd.start);
  const st = statements[statement];
  const element = st ? indexHolding(st.elements, cmd.start) : -1;
  const el = st?.elements[element];
  const direct = !!el && !st.background && !cmd.approximate && el.kind === 'command' && el.start === cmd.start && el.end === cmd.end;
  // A command run from inside another's quoted argument or heredoc (`sh -c "docker build ."`) is text
  // of that argument: rewriting it would have to respect the quotes around it.
  const holder = el && el.kind !== 'compound' ? innermostHolder(el, cmd) : undefined;
  const embedded = !!holder && holder.start !== cmd.start && /["']|<</.test(step.text.slice(holder.start, cmd.start));
  return {
    op,
    step,
    section,
    start: cmd.start,
    end: cmd.end,
    invocation,
    statement,
    element,
    direct,
    approximate: cmd.approximate === true || embedded,
  };
}

/**
 * The index of the range that holds `offset` (start ≤ offset < end) among ranges in text order that do
 * not overlap, or -1. A binary search: a step of one pipeline of 50 000 commands asks once per command.
 */
function indexHolding(ranges: readonly { start: number; end: number }[], offset: number): number {
  const i = lastAtOrBefore(ranges, (r) => r.start, offset);
  return i >= 0 && offset < ranges[i].end ? i : -1;
}

/** The pipeline member holding the whole command, else the element itself if it does, else undefined. */
function innermostHolder(el: StatementInfo['elements'][number], cmd: ShellCommand): { start: number; end: number } | undefined {
  const m = el.members[indexHolding(el.members, cmd.start)];
  if (m && cmd.end <= m.end) return m;
  return el.start <= cmd.start && cmd.end <= el.end ? el : undefined;
}

/** `producer | docker login --password-stdin` as a whole element of a top-level chain. */
function stdinPipeline(
  statements: readonly StatementInfo[],
  cmd: PlannedCommand,
): { range: { start: number; end: number }; producer: { start: number; end: number } } | undefined {
  const el = statements[cmd.statement]?.elements[cmd.element];
  if (!el || el.kind !== 'pipeline' || el.members.length !== 2 || cmd.approximate) return undefined;
  const [producer, consumer] = el.members;
  if (consumer.start !== cmd.start || consumer.end !== cmd.end) return undefined;
  return { range: { start: el.start, end: el.end }, producer };
}

/** The password a producer writes: the word of `echo W` / `printf '%s' W`, else `"$(producer)"`. */
function producedPassword(text: string, producer: { start: number; end: number }): string {
  const source = text.slice(producer.start, producer.end);
  const echo = /^echo(?:\s+-n)?\s+("[^"]*"|'[^']*'|[^\s;|&<>"']+)\s*$/.exec(source);
  if (echo) return echo[1];
  const printf = /^printf\s+(?:'%s(?:\\n)?'|"%s(?:\\n)?")\s+("[^"]*"|'[^']*'|[^\s;|&<>"']+)\s*$/.exec(source);
  if (printf) return printf[1];
  return `"$(${source})"`;
}

/** `docker login … --password-stdin < FILE` or `<<< WORD`. */
function stdinRedirect(text: string, cmd: ShellCommand): string | undefined {
  const last = cmd.args.at(-1);
  const tail = text.slice(last ? last.end : cmd.start, cmd.end);
  const hereString = /<<<\s*("[^"]*"|'[^']*'|\S+)/.exec(tail);
  if (hereString) return hereString[1];
  const file = /(?:^|\s)0?<\s*("[^"]*"|'[^']*'|\S+)/.exec(tail);
  if (file) return `"$(cat ${file[1]})"`;
  return undefined;
}

/**
 * The top-level statements of a step, with their `&&`/`||` chains. `parsedScript` keeps only the
 * simple commands, so the step is parsed here again, once (steps shared by several jobs too).
 */
const topLevelStatements = memoForGroup((step: ScriptStep): StatementInfo[] => {
  let script;
  try {
    script = parse(step.text);
  } catch {
    return [];
  }
  return script.commands.map((st: Statement) => {
    const node = st.command;
    const chain: readonly PipelineNode[] = node.type === 'AndOr' ? (node as AndOr).commands : [node as PipelineNode];
    const operators = node.type === 'AndOr' ? [...(node as AndOr).operators] : [];
    return {
      start: node.pos,
      end: node.end,
      operators,
      background: st.background === true,
      elements: chain.map((e) => ({
        start: e.pos,
        end: e.end,
        kind: e.type === 'Command' ? ('command' as const) : e.type === 'Pipeline' ? ('pipeline' as const) : ('compound' as const),
        members: e.type === 'Pipeline' ? e.commands.map((c) => ({ start: c.pos, end: c.end })) : [],
      })),
    };
  });
});

/** The build is for several platforms (`--platform a,b` or the option given twice). */
export function isMultiPlatform(spec: BuildSpec): boolean {
  return spec.platforms.length > 1 || spec.platforms.some((p) => (p.value ?? p.text).includes(','));
}

/** `file:line:col` where a planned command is written (the absolute path: the CLI shows it relative). */
export function whereWritten(cmd: PlannedCommand): string {
  return spanWhere(scriptSpan(cmd.step, cmd.start, cmd.end));
}

/** `path:line:column` of where a span starts, for skip reasons (the CLI shows paths relative). */
export function spanWhere(span: Span): string {
  const pos = positionAt(span.file, span.start);
  return `${span.file.path}:${pos.line}:${pos.column}`;
}

/** The command as written, shortened for a message. */
export function commandText(cmd: PlannedCommand): string {
  return shorten(cmd.step.text.slice(cmd.start, cmd.end));
}
