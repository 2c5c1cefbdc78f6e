import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import type { Executor } from '../docker/hostnames.js';
import type { Job, Pipeline } from '../model/pipeline.js';
import { templateId } from '../model/pipeline.js';
import { isKubernetes, type Runner, type RunnerConfig } from '../model/runner.js';
import { makeSourceFile, type SourceFile } from '../model/source.js';
import { spanKey } from '../model/span.js';
import { parseGitlabPipeline } from '../parsers/gitlab/index.js';
import type { FileHost } from '../parsers/host.js';
import { parseHelmValues, parseRunnerToml } from '../parsers/runner/index.js';
import { discover, projectRoot, UsageError, type FileKind, type Target } from './discover.js';
import { decodeText, describeFsError, FsHost } from './fs-host.js';
import { MemoryHost } from './memory-host.js';
import type { Finding, LintSet, Rule, RuleContext } from './rule.js';

export interface LintOptions {
  paths: readonly string[];
  cwd: string;
  kind?: FileKind;
  rules: readonly Rule[];
  /** The executor assumed where no runner config says otherwise. */
  executor?: Executor;
}

export interface LintResult {
  findings: Finding[];
  model: LintSet;
  targets: Target[];
}

/** Finds the files under `paths`, parses them into the model and runs every rule over it. */
export function lintPaths(opts: LintOptions): LintResult {
  const targets = discover(opts.paths, opts.cwd, opts.kind);
  const model: LintSet = {
    pipelines: loadPipelines(targets.filter((t) => t.kind === 'gitlab')),
    runnerConfigs: targets.filter((t) => t.kind === 'runner').map((t) => loadRunnerConfig(t, opts.cwd)),
  };
  return { findings: runRules(model, opts.rules, opts.executor ?? 'docker'), model, targets };
}

function loadPipelines(targets: Target[]): Pipeline[] {
  const hosts = new Map<string, FsHost>();
  const hostFor = (root: string): FsHost => {
    let h = hosts.get(root);
    if (!h) hosts.set(root, (h = new FsHost(root)));
    return h;
  };
  const units = targets.map((t) => {
    const root = projectRoot(t.path);
    return { target: t, root, rel: relative(root, t.path).split(sep).join('/') };
  });
  const parsed = new Map<string, Pipeline & { included: ReadonlySet<string> }>();
  const parse = (u: (typeof units)[number]) => {
    let p = parsed.get(u.target.path);
    if (!p) parsed.set(u.target.path, (p = parseGitlabPipeline(u.rel, hostFor(u.root))));
    return p;
  };
  // Pipelines first: a fragment is linted on its own only when none of them includes it.
  const includedAbs = new Set<string>();
  for (const u of units) {
    if (u.target.fragment) continue;
    for (const rel of parse(u).included) includedAbs.add(`${u.root}${sep}${rel.split('/').join(sep)}`);
  }
  return units.filter((u) => !(u.target.fragment && includedAbs.has(u.target.path))).map(parse);
}

function loadRunnerConfig(t: Target, cwd: string): RunnerConfig {
  let buf: Buffer;
  try {
    buf = readFileSync(t.path);
  } catch (e) {
    throw new UsageError(`${relative(cwd, t.path) || t.path}: ${describeFsError(e)}`);
  }
  const rel = relative(cwd, t.path).split(sep).join('/');
  const decoded = decodeText(buf);
  if ('error' in decoded) {
    const file = makeSourceFile(t.path, rel, '');
    return {
      platform: 'runner',
      file,
      root: undefined,
      runners: [],
      issues: [{ kind: 'parse-error', span: { file, start: 0, end: 0 }, message: `cannot lint this file: ${decoded.error}` }],
    };
  }
  const file = makeSourceFile(t.path, rel, decoded.text);
  return t.format === 'helm' ? parseHelmValues(file) : parseRunnerToml(file);
}

/**
 * Lints an in-memory repository: `.gitlab-ci.yml` files (and `*.gitlab-ci.yml`) are pipelines, `*.toml`
 * files are runner configs, everything else is there to be included. Rule examples and tests use it.
 */
export function lintFiles(files: Readonly<Record<string, string>>, rules: readonly Rule[], executor: Executor = 'docker'): Finding[] {
  const host = new MemoryHost(files);
  const names = Object.keys(files);
  const pipelines = names.filter((n) => /(^|\/)(\.gitlab-ci|[^/]+\.gitlab-ci)\.ya?ml$/.test(n));
  const runnerConfigs = names
    .filter((n) => n.endsWith('.toml'))
    .map((n) => parseRunnerToml(host.read(n) as SourceFile));
  return lintWithHost(pipelines, host, rules, executor, runnerConfigs);
}

/** Lints pipelines read through any host. */
export function lintWithHost(
  rootRels: readonly string[],
  host: FileHost,
  rules: readonly Rule[],
  executor: Executor = 'docker',
  runnerConfigs: readonly RunnerConfig[] = [],
): Finding[] {
  const model: LintSet = { pipelines: rootRels.map((r) => parseGitlabPipeline(r, host)), runnerConfigs };
  return runRules(model, rules, executor);
}

export function runRules(model: LintSet, rules: readonly Rule[], defaultExecutor: Executor): Finding[] {
  const used = new Set<string>();
  for (const p of model.pipelines) for (const id of p.usedTemplates) used.add(id);
  const jobs: Job[] = model.pipelines.flatMap((p) => [...p.jobs, ...p.templates.filter((t) => !used.has(templateId(t)))]);
  const runners: Runner[] = model.runnerConfigs.flatMap((c) => c.runners);
  // Until the config file maps runners to pipelines, every runner in the lint set runs every pipeline.
  const runnersFor = (job: Job): readonly Runner[] => (job ? runners : []);
  const executorFor = (job: Job): Executor => {
    const rs = runnersFor(job);
    return rs.length > 0 && rs.every(isKubernetes) ? 'kubernetes' : defaultExecutor;
  };
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const ctx: RuleContext = {
      model,
      jobs,
      runners,
      runnersFor,
      executorFor,
      report: ({ at, message, severity }) => {
        // A value written once (a template, an include, an anchor) is reported once, however many jobs use it.
        const key = `${rule.slug}\0${spanKey(at)}`;
        if (seen.has(key)) return;
        seen.add(key);
        findings.push({ rule: rule.slug, severity: severity ?? rule.severity, message, span: at });
      },
    };
    rule.check(ctx);
  }
  return findings.sort(compareFindings);
}

export function compareFindings(a: Finding, b: Finding): number {
  const fa = a.span.file.path;
  const fb = b.span.file.path;
  if (fa !== fb) return fa < fb ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}
