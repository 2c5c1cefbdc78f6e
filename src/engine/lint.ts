import { existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { Executor } from '../docker/hostnames.js';
import { forgetGroupFacts, memoByObject } from '../model/memo.js';
import { allKubernetes } from '../docker/runner.js';
import type { Job, Pipeline } from '../model/pipeline.js';
import { templateId } from '../model/pipeline.js';
import type { Runner, RunnerConfig } from '../model/runner.js';
import { makeSourceFile, type SourceFile } from '../model/source.js';
import { spanKey } from '../model/span.js';
import { pushTo } from '../model/lists.js';
import { parseGitlabPipeline, type GitlabParseOptions } from '../parsers/gitlab/index.js';
import { UnreadableFileError } from '../parsers/gitlab/include.js';
import { posixRelative, startingWith, type FileHost, type ReadError } from '../parsers/host.js';
import { isJenkinsPipelineText, parseJenkinsfile } from '../parsers/jenkins/index.js';
import { parseHelmValues, parseRunnerToml } from '../parsers/runner/index.js';
import type { Config } from './config.js';
import { classify, discover, isJenkinsfileName, projectRoot, runnerFormat, UsageError, type FileKind, type Target } from './discover.js';
import { allDirectives, applySuppressions, mayHoldDirectives, unusedDirectiveFindings, type SuppressedFinding } from './suppress.js';
import { decodeText, describeFsError, FsHost, readRegularFile, RealFolders } from './fs-host.js';
import { tuneJitFor } from './jit.js';
import { MEMORY_ROOT, MemoryHost } from './memory-host.js';
import type { Finding, FixSettings, Report, Rule } from './rule.js';
import {
  canShare,
  Packer,
  rethrow,
  splitByWeight,
  startWorkers,
  threadCount,
  Unpacker,
  workerScript,
  type Pending,
  type SharedRun,
  type WorkerResult,
} from './parallel.js';

export interface LintOptions {
  paths: readonly string[];
  cwd: string;
  kind?: FileKind;
  rules: readonly Rule[];
  config: Config;
  /** The executor assumed where no runner config says otherwise (overrides the config file). */
  executor?: Executor;
  /** Honour `cilint-disable` comments (default true). */
  inlineConfig?: boolean;
  reportUnusedDisables?: boolean;
  /** Text read from standard input, linted as if it were the file at `filename`. */
  stdin?: { text: string; filename: string };
  /** Absolute path → text that replaces the file's content (the fixer's work in progress). */
  overrides?: ReadonlyMap<string, string>;
  /** The build translation `cilint fix` was asked for; rules offer it as a fix. */
  fix?: FixSettings;
  /**
   * Threads to lint with, the main one included (default 1); `auto` picks from the lint set's size and
   * the machine. Only a plain lint of files on disk with cilint's own rules is split (see parallel.ts).
   */
  concurrency?: number | 'auto';
  /** Tune V8 for the lint set's size (`tuneJitFor`): for the command line, which is a process of its own. */
  tuneJit?: boolean;
}

export interface LintResult {
  /** Things worth a line on stderr (files passed but skipped). */
  notes: string[];
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** Absolute paths of the files linted: each pipeline's own file (GitLab, then Jenkins), then each runner config. */
  files: string[];
  targets: Target[];
  /** Threads the pipelines were linted in, the main one included. */
  threads: number;
}

/**
 * Finds the files under `paths`, parses them and runs every rule over them. Runner configs are read
 * first and kept; pipelines are read, judged and dropped group by group (see `groupByRoot`), so that a
 * big tree never holds every pipeline's model at once.
 */
export function lintPaths(opts: LintOptions): LintResult {
  const { config, cwd } = opts;
  const stdinPath = opts.stdin ? resolve(cwd, opts.stdin.filename) : undefined;
  const notes: string[] = [];
  const discovered = opts.stdin ? stdinTarget(stdinPath!, opts.kind, opts.stdin.text) : discover(opts.paths, cwd, opts.kind, notes);
  const targets = discovered.filter((t) => t.explicit || !isIgnored(t.path, config));
  if (opts.tuneJit) tuneJitFor(targets.length);
  const overrides = new Map(opts.overrides ?? []);
  if (stdinPath) overrides.set(stdinPath, opts.stdin!.text);
  const runnerTargets = targets.filter((t) => t.kind === 'runner');
  // Files named one by one (a pre-commit hook) are linted exactly; the runner configs the config file
  // maps to them are still read, so that cross-file rules see them, but are not reported on.
  const onlyFiles = opts.stdin !== undefined || targets.every((t) => t.explicit);
  const context = config.runners ? mappedRunnerConfigs(config, runnerTargets) : [];
  const executor = opts.executor ?? config.executor ?? 'docker';
  // Hosts for the pipelines that grouping reads first (see `splitNested`).
  const early = hostsByRoot(overrides);
  const groups: Group[] = (['gitlab', 'jenkins'] as const).flatMap((kind) =>
    groupByRoot(
      targets.filter((t) => t.kind === kind),
      // Read for the files they include only.
      (units) => LOADERS[kind](units, early.get, { schema: false }),
    ).map((units) => ({ kind, units })),
  );
  // Workers start first: they read the runner configs themselves while this thread does.
  const shards = opts.fix || opts.stdin || overrides.size > 0 || !canShare(opts.rules) ? [groups] : shardsFor(groups, opts.concurrency);
  const input = (shard: Group[]): ShardInput => ({
    cwd,
    config,
    executor,
    rules: opts.rules.map((r) => r.slug),
    groups: shard,
    runnerTargets: [...runnerTargets, ...context],
    reportUnusedDisables: Boolean(opts.reportUnusedDisables),
  });
  const script = shards.length > 1 ? workerScript() : undefined;
  const rest = shards.slice(1);
  let fellBack = 0;
  const pending = script
    ? startWorkers(script, rest.map(input), (i, why) => {
        notes.push(`a lint thread ${why}: its share of the files was linted in the main thread`);
        fellBack++;
        return { ok: lintShard(input(rest[i]), opts.rules) };
      })
    : [];
  const runnerConfigs = [...runnerTargets, ...context].map((t) => loadRunnerConfig(t, cwd, overrides));
  const run = startRun(opts.rules, runnerConfigs, { executor, config, fix: opts.fix });
  const files: string[] = [];
  // For --report-unused-disables: the files read that hold a directive, which no finding may reach.
  const withDirectives: SourceFile[] = [];
  lintGroups(script ? shards[0] : groups, overrides, run, (pipelines) => {
    for (const p of pipelines) {
      files.push(p.root.path);
      if (opts.reportUnusedDisables) withDirectives.push(...p.files.filter(mayHoldDirectives));
    }
  });
  adoptWorkers(pending, run, runnerConfigs, (reply, unpacker) => {
    files.push(...reply.linted);
    for (const i of reply.withDirectives) withDirectives.push(unpacker.file(i));
  });
  const used = 1 + pending.length - fellBack;
  files.push(...runnerConfigs.map((c) => c.file.path));
  const contextFiles = new Set(context.map((t) => t.path));
  const all = run.finish().filter((f) => !(onlyFiles && contextFiles.has(f.span.file.path)));
  if (opts.inlineConfig === false) return { notes, findings: all, suppressed: [], files, targets, threads: used };
  const split = applySuppressions(all);
  let findings = split.findings;
  if (opts.reportUnusedDisables) {
    const directives = allDirectives([...withDirectives, ...runnerConfigs.map((c) => c.file)], split.directives);
    const known = new Set([...opts.rules.map((r) => r.slug), ...ENGINE_SLUGS]);
    findings = [...findings, ...unusedDirectiveFindings(directives, known)].sort(compareFindings);
  }
  return { notes, findings, suppressed: split.suppressed, files, targets, threads: used };
}

/** Findings the engine itself reports (not rules). */
export const ENGINE_SLUGS = ['unused-disable'] as const;

function stdinTarget(path: string, kind: FileKind | undefined, text: string): Target[] {
  // Includes resolve from the file's folder, so it must exist even when the file does not (yet).
  if (!existsSync(dirname(path))) throw new UsageError(`--stdin-filename ${path}: the folder ${dirname(path)} does not exist`);
  // A `.groovy` file is told by its content, which is the text read, not the file on disk.
  const c = path.endsWith('.groovy') ? (isJenkinsPipelineText(text) ? { kind: 'jenkins' as const } : undefined) : classify(path);
  if (!c && !kind) {
    throw new UsageError(`--stdin-filename ${path}: cannot tell what kind of configuration this is; pass --kind gitlab, --kind runner or --kind jenkins`);
  }
  const k = kind ?? c!.kind;
  const format = k === 'runner' ? runnerFormat(path) : undefined;
  return [{ path, kind: k, format, explicit: true, fragment: false }];
}

/** A path is ignored when it, or a folder above it, matches an `ignore:` glob of the config file. */
function isIgnored(path: string, config: Config): boolean {
  if (config.ignore.length === 0) return false;
  const rel = posixRelative(config.baseDir, path);
  if (rel.startsWith('..')) return false;
  const parts = rel.split('/');
  const ignored = ignoreMatchers(config);
  return parts.some((_, i) => ignored.some((m) => m(parts.slice(0, i + 1).join('/'))));
}

/** The config file's `ignore:` globs, compiled once for all the paths of a lint set. */
const ignoreMatchers = memoByObject((config: Config) => config.ignore.map((g) => picomatch(g, { dot: true })));

function mappedRunnerConfigs(config: Config, already: readonly Target[]): Target[] {
  const have = new Set(already.map((t) => t.path));
  const out: Target[] = [];
  for (const pattern of Object.keys(config.runners ?? {})) {
    for (const path of globFrom(config.baseDir, pattern)) {
      if (have.has(path)) continue;
      have.add(path);
      out.push({ path, kind: 'runner', format: runnerFormat(path), explicit: false, fragment: false });
    }
  }
  return out;
}

function globFrom(base: string, pattern: string): string[] {
  if (!/[*?[{]/.test(pattern)) {
    const abs = resolve(base, pattern);
    return existsSync(abs) ? [abs] : [];
  }
  return new FsHost(base).glob(pattern).map((rel) => resolve(base, rel));
}

/**
 * One host per project root, shared by every pipeline of the root, so each file is read once and is
 * one SourceFile; `drop` forgets a root's files once nothing left to lint reads them.
 */
function hostsByRoot(overrides: ReadonlyMap<string, string>): { get: (root: string) => FsHost; drop: (root: string) => void } {
  const hosts = new Map<string, FsHost>();
  const realFolders = new RealFolders();
  return {
    get: (root) => {
      let h = hosts.get(root);
      if (!h) hosts.set(root, (h = new FsHost(root, overrides, realFolders)));
      return h;
    },
    drop: (root) => hosts.delete(root),
  };
}

/** Groups of GitLab pipelines, then of Jenkinsfiles, in order. */
interface Group {
  kind: 'gitlab' | 'jenkins';
  units: Unit[];
}

/** How the pipelines of a group are read, by kind. */
const LOADERS: Record<Group['kind'], (units: readonly Unit[], hostFor: (root: string) => FsHost, options: GitlabParseOptions) => Pipeline[]> = {
  gitlab: loadPipelines,
  jenkins: loadJenkinsfiles,
};

/**
 * Reads, judges and drops the groups one by one. A root's host serves its Jenkinsfiles too, which come
 * after every GitLab group, so it is kept until then.
 */
function lintGroups(groups: readonly Group[], overrides: ReadonlyMap<string, string>, run: LintRun, collect: (pipelines: readonly Pipeline[]) => void): void {
  const hosts = hostsByRoot(overrides);
  const jenkinsRoots = new Set(groups.flatMap((g) => (g.kind === 'jenkins' ? g.units.map((u) => u.root) : [])));
  const options: GitlabParseOptions = { schema: run.reports('schema') };
  for (const g of groups) {
    const pipelines = LOADERS[g.kind](g.units, hosts.get, options);
    run.lint(pipelines);
    collect(pipelines);
    for (const u of g.units) if (g.kind === 'jenkins' || !jenkinsRoots.has(u.root)) hosts.drop(u.root);
  }
}

/** The groups cut into consecutive runs, one per thread (see parallel.ts). */
function shardsFor(groups: readonly Group[], concurrency: LintOptions['concurrency']): Group[][] {
  const pipelines = groups.reduce((n, g) => n + g.units.length, 0);
  const threads = Math.min(groups.length, threadCount(concurrency, pipelines));
  if (threads <= 1) return [[...groups]];
  // A GitLab pipeline reads its includes too: by the profile of the bench tree it costs about as much
  // as two Jenkinsfiles (one weight or three left one thread idle for 0.5-1 s of 7 at 20 000 files).
  return splitByWeight(groups, threads, (g) => (g.kind === 'gitlab' ? 2 : 1) * g.units.length);
}

/**
 * Adds each worker's findings and rule states to the main thread's run, in shard order; the first error
 * in that order is thrown, as one thread would have met it first.
 */
function adoptWorkers(pending: readonly Pending[], run: LintRun, runnerConfigs: readonly RunnerConfig[], each: (reply: WorkerResult, unpacker: Unpacker) => void): void {
  // A file read by the main thread and by a worker (a runner config, always) is one SourceFile.
  const known = new Map<string, SourceFile>();
  for (const f of [...runnerConfigs.map((c) => c.file), ...run.sourceFiles()]) known.set(f.path, f);
  const runners = runnerConfigs.flatMap((c) => c.runners);
  for (const p of pending) {
    const reply = p.wait();
    if ('error' in reply) rethrow(reply.error);
    const unpacker = new Unpacker(reply.ok.files, known, runners);
    run.adopt(reply.ok.run, unpacker);
    each(reply.ok, unpacker);
  }
}

/** What a worker thread lints: consecutive groups of the lint set, with what the run was started with. */
export interface ShardInput {
  cwd: string;
  config: Config;
  executor: Executor;
  /** Slugs of the rules, all of them cilint's own (a worker finds them in its own registry). */
  rules: string[];
  groups: Group[];
  runnerTargets: Target[];
  reportUnusedDisables: boolean;
}

/** A worker thread's part of a parallel lint: its groups judged, its findings and rule states packed. */
export function lintShard(input: ShardInput, registry: readonly Rule[]): WorkerResult {
  const rules = input.rules.map((slug) => {
    const rule = registry.find((r) => r.slug === slug);
    if (!rule) throw new Error(`no rule \`${slug}\` in a lint worker`);
    return rule;
  });
  const runnerConfigs = input.runnerTargets.map((t) => loadRunnerConfig(t, input.cwd, new Map()));
  const run = startRun(rules, runnerConfigs, { executor: input.executor, config: input.config });
  const packer = new Packer(runnerConfigs.flatMap((c) => c.runners));
  const linted: string[] = [];
  const withDirectives: number[] = [];
  lintGroups(input.groups, new Map(), run, (pipelines) => {
    for (const p of pipelines) {
      linted.push(p.root.path);
      if (input.reportUnusedDisables) for (const f of p.files.filter(mayHoldDirectives)) withDirectives.push(packer.file(f));
    }
  });
  return { run: run.share(packer), linted, withDirectives, files: packer.files };
}

/** A file to lint as a pipeline, with the project root its includes (or `yamlFile`s) resolve from. */
interface Unit {
  target: Target;
  root: string;
}

/**
 * Pipelines grouped by their outermost project root, in order. Pipelines of one root share files (an
 * include, a template, an anchor, a pod `yamlFile`), and those of nested roots may read the same ones
 * (`/a` includes `b/ci.yml`, which `/a/b`'s pipeline reads too): rules judge shared text once, with
 * every job that uses it (which templates are used, a translation fix), so such pipelines are linted
 * together, unless none reads the other's files (see `splitNested`).
 * Separate roots read separate files, since a host never reads outside its root. Targets come sorted by
 * path, so a group is a run of consecutive targets and the groups, one after another, keep their order.
 */
function groupByRoot(targets: readonly Target[], read: (units: readonly Unit[]) => Pipeline[]): Unit[][] {
  const known = new Map<string, string | null>();
  const units = targets.map((t) => ({ target: t, root: t.root ?? projectRoot(t.path, known) }));
  const roots = new Set(units.map((u) => u.root));
  const outermost = (root: string) => {
    let top = root;
    for (let dir = root, parent = dirname(dir); parent !== dir; dir = parent, parent = dirname(dir)) if (roots.has(parent)) top = parent;
    return top;
  };
  return runsBy(units, (u) => outermost(u.root)).flatMap((group) => splitNested(group, read));
}

/** The units in lists by key, each list in the units' order, the lists in the order of their first unit. */
function runsBy(units: readonly Unit[], key: (u: Unit) => string): Unit[][] {
  const lists = new Map<string, Unit[]>();
  for (const u of units) pushTo(lists, key(u), u);
  return [...lists.values()];
}

/**
 * A group of nested roots, split where no pipeline reads across. A monorepo with a top-level
 * `.gitlab-ci.yml` above its services' own is one group of nested roots; if the top pipeline reads
 * nothing of theirs (it triggers them as child pipelines), each service is a group of its own again, so
 * the lint still holds one service at a time and can be split over threads. Only the pipelines of a
 * root with others below it are read here (and again when their group is linted): a nested root's own
 * pipelines never read outside it.
 */
function splitNested(group: Unit[], read: (units: readonly Unit[]) => Pipeline[]): Unit[][] {
  // Sorted, the roots below a root are consecutive (strings with a common prefix are), though not
  // always right after it: `/a/b-c` sorts between `/a/b` and `/a/b/c`.
  const roots = [...new Set(group.map((u) => u.root))].sort();
  if (roots.length === 1) return [group];
  const prefixOf = (dir: string) => (dir.endsWith(sep) ? dir : dir + sep);
  const under = (path: string, dir: string) => path.startsWith(prefixOf(dir));
  const joined = new Map(roots.map((r) => [r, r]));
  const find = (root: string): string => {
    let r = root;
    while (joined.get(r) !== r) r = joined.get(r)!;
    return r;
  };
  for (const outer of roots) {
    const prefix = prefixOf(outer);
    const nested = startingWith(roots, prefix);
    if (nested.length === 0) continue;
    const paths = read(group.filter((u) => u.root === outer)).flatMap((p) => p.files.map((f) => f.path));
    for (const n of nested) if (paths.some((p) => under(p, n))) joined.set(find(n), find(outer));
  }
  return runsBy(group, (u) => find(u.root));
}

function loadPipelines(units: readonly Unit[], hostFor: (root: string) => FsHost, options: GitlabParseOptions): Pipeline[] {
  const parsed = new Map<string, Pipeline & { included: ReadonlySet<string> }>();
  const parse = (u: Unit) => {
    let p = parsed.get(u.target.path);
    if (!p) parsed.set(u.target.path, (p = parseGitlabPipeline(posixRelative(u.root, u.target.path), hostFor(u.root), options)));
    return p;
  };
  // Pipelines first: a fragment is linted on its own only when none of them includes it. One that
  // does reads it below its own root, which is then the fragment's root or holds it: the same group.
  const includedAbs = new Set<string>();
  for (const u of units) {
    if (u.target.fragment) continue;
    for (const rel of parse(u).included) includedAbs.add(`${u.root}${sep}${rel.split('/').join(sep)}`);
  }
  return units.filter((u) => !(u.target.fragment && includedAbs.has(u.target.path))).map(parse);
}

/** Each Jenkinsfile is a pipeline of its own; files it reads (`yamlFile`) resolve from its project root. */
function loadJenkinsfiles(units: readonly Unit[], hostFor: (root: string) => FsHost): Pipeline[] {
  return units.map((u) => readJenkinsfile(posixRelative(u.root, u.target.path), hostFor(u.root)));
}

/** A Jenkinsfile read through a host: missing is a usage error, not text a parse error (as for GitLab). */
function readJenkinsfile(rel: string, host: FileHost): Pipeline {
  const read = host.read(rel);
  if (!('error' in read)) return parseJenkinsfile(read, host);
  if (read.reason === 'unreadable') throw new UnreadableFileError(`${rel}: ${read.error}`);
  const file = makeSourceFile(host.absolute(rel), rel, '');
  const issue = { kind: 'parse-error' as const, span: { file, start: 0, end: 0 }, message: `cannot lint this file: ${read.error}` };
  return { ...parseJenkinsfile(file, host), issues: [issue] };
}

function loadRunnerConfig(t: Target, cwd: string, overrides: ReadonlyMap<string, string>): RunnerConfig {
  let decoded: { text: string } | { error: string; reason?: ReadError['reason'] };
  const shown = relative(cwd, t.path) || t.path;
  try {
    const text = overrides.get(t.path);
    decoded = text !== undefined ? decodeText(Buffer.from(text, 'utf8')) : readRegularFile(t.path, { pipe: t.explicit });
  } catch (e) {
    throw new UsageError(`${shown}: ${describeFsError(e)}`);
  }
  // Unreadable like a missing file (a named pipe, say); text that is no configuration is a finding.
  if ('error' in decoded && decoded.reason === 'unreadable') throw new UsageError(`${shown}: ${decoded.error}`);
  const rel = posixRelative(cwd, t.path);
  if ('error' in decoded) {
    const file = makeSourceFile(t.path, rel, '');
    return {
      platform: 'runner',
      file,
      embedded: t.format === 'helm',
      root: undefined,
      runners: [],
      issues: [{ kind: 'parse-error', span: { file, start: 0, end: 0 }, message: `cannot lint this file: ${decoded.error}` }],
    };
  }
  const file = makeSourceFile(t.path, rel, decoded.text);
  return t.format === 'helm' ? parseHelmValues(file) : parseRunnerToml(file);
}

/**
 * Lints an in-memory repository: `.gitlab-ci.yml` files (and `*.gitlab-ci.yml`) are pipelines, so are
 * Jenkinsfiles (`Jenkinsfile*`, `*.Jenkinsfile`, `*.groovy`), `*.toml` files are runner configs, and
 * everything else is there to be included. Rule examples and tests use it.
 */
export function lintFiles(
  files: Readonly<Record<string, string>>,
  rules: readonly Rule[],
  executor: Executor = 'docker',
  overrides: ReadonlyMap<string, string> = new Map(),
  fix?: FixSettings,
): Finding[] {
  const host = new MemoryHost(files, MEMORY_ROOT, overrides);
  const names = Object.keys(files);
  const pipelines = names.filter((n) => /(^|\/)(\.gitlab-ci|[^/]+\.gitlab-ci)\.ya?ml$/.test(n));
  const jenkinsfiles = names.filter((n) => isJenkinsfileName(n.slice(n.lastIndexOf('/') + 1)) || n.endsWith('.groovy'));
  const runnerConfigs = names
    .filter((n) => n.endsWith('.toml'))
    .map((n) => parseRunnerToml(host.read(n) as SourceFile));
  return lintWithHost(pipelines, host, rules, executor, runnerConfigs, jenkinsfiles, fix);
}

/** Lints pipelines read through any host, all in one group. */
export function lintWithHost(
  rootRels: readonly string[],
  host: FileHost,
  rules: readonly Rule[],
  executor: Executor = 'docker',
  runnerConfigs: readonly RunnerConfig[] = [],
  jenkinsfiles: readonly string[] = [],
  fix?: FixSettings,
): Finding[] {
  const run = startRun(rules, runnerConfigs, { executor, fix });
  const options: GitlabParseOptions = { schema: run.reports('schema') };
  run.lint([...rootRels.map((r) => parseGitlabPipeline(r, host, options)), ...jenkinsfiles.map((r) => readJenkinsfile(r, host))]);
  return run.finish();
}

export interface RunSettings {
  /** The executor assumed where no runner config says otherwise. */
  executor: Executor;
  /** Rule severities and which runners run which pipelines. */
  config?: Config;
  /** The build translation asked for (`cilint fix --strategy`). */
  fix?: FixSettings;
}

/** One lint run: the rules judge the pipelines group by group, then conclude over the runner configs. */
export interface LintRun {
  /** Runs every rule over one group of pipelines; nothing of the group is kept but its findings. */
  lint(pipelines: readonly Pipeline[]): void;
  /** Runs the rules' `finish` and returns every finding, sorted. */
  finish(): Finding[];
  /** In a worker thread: the findings so far and every rule's state, as plain data. */
  share(packer: Packer): SharedRun;
  /** In the main thread: adds what a worker's run shared (workers in the order of their groups). */
  adopt(shared: SharedRun, unpacker: Unpacker): void;
  /** The files the findings so far point into. */
  sourceFiles(): SourceFile[];
  /** Whether the rule runs in this lint (it is among the rules and not turned off). */
  reports(slug: string): boolean;
}

export function startRun(rules: readonly Rule[], runnerConfigs: readonly RunnerConfig[], settings: RunSettings): LintRun {
  const runners: Runner[] = runnerConfigs.flatMap((c) => c.runners);
  const mapping = runnerMapping(settings.config, runners);
  const ruleSettings = settings.config?.rules ?? {};
  const asked = settings.fix ? { fix: settings.fix } : {};
  const findings: Finding[] = [];
  // A value written once (a template, an include, an anchor) is reported once, however many jobs use it.
  const seen = new Set<string>();
  // Findings are kept to the end of the run, and most repeat a message word for word: one copy each.
  const messages = new Map<string, string>();
  const once = (message: string) => {
    const known = messages.get(message);
    if (known !== undefined) return known;
    messages.set(message, message);
    return message;
  };
  const add = (f: Finding) => {
    const key = `${f.rule}\0${spanKey(f.span)}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
  };
  const active = rules.flatMap((rule) => {
    const setting = ruleSettings[rule.slug];
    if (setting === 'off') return [];
    const report = ({ at, message, severity, fix }: Report) =>
      add({ rule: rule.slug, severity: setting ?? severity ?? rule.severity, message: once(message), span: at, ...(fix ? { fix } : {}) });
    return [{ rule, state: rule.start?.(), report }];
  });
  return {
    lint(pipelines) {
      const used = new Set<string>();
      for (const p of pipelines) for (const id of p.usedTemplates) used.add(id);
      const pipelineOf = new Map<Job, Pipeline>();
      for (const p of pipelines) {
        for (const j of [...p.jobs, ...p.templates.filter((t) => !used.has(templateId(t)))]) pipelineOf.set(j, p);
      }
      const jobs: Job[] = [...pipelineOf.keys()];
      // Asked once per job by every cross-file rule: the globs are matched once per pipeline.
      const mapped = new Map<Pipeline, Runner[]>();
      // GitLab runners run GitLab pipelines only; a Jenkins job runs on an agent no runner config describes.
      const runnersFor = (job: Job): readonly Runner[] => {
        if (job.platform !== 'gitlab') return [];
        const p = pipelineOf.get(job);
        if (!mapping || !p) return runners;
        let list = mapped.get(p);
        if (!list) mapped.set(p, (list = mapping(p)));
        return list;
      };
      const executorFor = (job: Job): Executor => (allKubernetes(runnersFor(job)) ? 'kubernetes' : settings.executor);
      for (const { rule, state, report } of active) rule.check({ pipelines, jobs, runners, runnersFor, executorFor, report, ...asked }, state);
      forgetGroupFacts();
    },
    finish() {
      for (const { rule, state, report } of active) rule.finish?.({ runnerConfigs, runners, report, ...asked }, state);
      return findings.sort(compareFindings);
    },
    share(packer) {
      const states: Record<string, unknown> = {};
      for (const { rule, state } of active) if (rule.start) states[rule.slug] = rule.shareState!.pack(state, packer);
      return { findings: findings.map((f) => packer.finding(f)), states };
    },
    adopt(shared, unpacker) {
      for (const packed of shared.findings) {
        const f = unpacker.finding(packed);
        add({ ...f, message: once(f.message) });
      }
      for (const { rule, state } of active) if (rule.start) rule.shareState!.merge(state, shared.states[rule.slug], unpacker);
    },
    reports(slug) {
      return active.some((a) => a.rule.slug === slug);
    },
    sourceFiles() {
      const out = new Set<SourceFile>();
      for (const f of findings) {
        out.add(f.span.file);
        for (const e of f.fix?.edits ?? []) out.add(e.file);
      }
      return [...out];
    },
  };
}

/**
 * The config file's `runners:` (runner config glob → pipeline globs, relative to the config file);
 * undefined without one: then every runner in the lint set runs every pipeline.
 */
function runnerMapping(config: Config | undefined, runners: readonly Runner[]): ((p: Pipeline) => Runner[]) | undefined {
  if (!config?.runners) return undefined;
  const rel = (abs: string) => posixRelative(config.baseDir, abs);
  // Each glob compiled once, and each runner config's entries found once: a pipeline then tests its
  // path against each entry's pipeline globs, not every glob of every entry again for each runner.
  const entries = Object.entries(config.runners).map(([runnerGlob, pipelineGlobs]) => ({
    runner: picomatch(runnerGlob, { dot: true }),
    pipelines: pipelineGlobs.map((g) => picomatch(g, { dot: true })),
  }));
  const entriesByConfig = new Map<string, number[]>();
  const entriesOf = (r: Runner): number[] => {
    const path = r.config.file.path;
    let found = entriesByConfig.get(path);
    if (!found) {
      const relPath = rel(path);
      found = entries.flatMap((e, i) => (e.runner(relPath) ? [i] : []));
      entriesByConfig.set(path, found);
    }
    return found;
  };
  return (p) => {
    const pipelinePath = rel(p.root.path);
    const runs = entries.map((e) => e.pipelines.some((m) => m(pipelinePath)));
    return runners.filter((r) => entriesOf(r).some((i) => runs[i]));
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  const fa = a.span.file.path;
  const fb = b.span.file.path;
  if (fa !== fb) return fa < fb ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}
