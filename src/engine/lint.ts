import { relative, sep } from 'node:path';
import type { Job, Pipeline } from '../model/pipeline.js';
import { templateId } from '../model/pipeline.js';
import { spanKey } from '../model/span.js';
import { parseGitlabPipeline } from '../parsers/gitlab/index.js';
import type { FileHost } from '../parsers/host.js';
import { FsHost } from './fs-host.js';
import { discover, projectRoot, type FileKind, type Target } from './discover.js';
import type { Finding, Rule, RuleContext } from './rule.js';
import type { Executor } from '../docker/hostnames.js';

export interface LintOptions {
  paths: readonly string[];
  cwd: string;
  kind?: FileKind;
  rules: readonly Rule[];
  executor?: Executor;
}

export interface LintResult {
  findings: Finding[];
  /** Pipelines linted (their root files). */
  pipelines: Pipeline[];
  targets: Target[];
}

/** Finds the files under `paths`, parses them into the model and runs every rule over it. */
export function lintPaths(opts: LintOptions): LintResult {
  const targets = discover(opts.paths, opts.cwd, opts.kind);
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
  const parse = (u: (typeof units)[number]) =>
    parsed.get(u.target.path) ?? parsed.set(u.target.path, parseGitlabPipeline(u.rel, hostFor(u.root))).get(u.target.path)!;

  // Pipelines first: a fragment is linted on its own only when none of them includes it.
  const includedAbs = new Set<string>();
  for (const u of units) {
    if (u.target.fragment) continue;
    for (const rel of parse(u).included) includedAbs.add(`${u.root}${sep}${rel.split('/').join(sep)}`);
  }
  const pipelines: Pipeline[] = [];
  for (const u of units) {
    if (u.target.fragment && includedAbs.has(u.target.path)) continue;
    pipelines.push(parse(u));
  }
  return { findings: runRules(pipelines, opts.rules, opts.executor ?? 'docker'), pipelines, targets };
}

/** Lints pipelines read through any host (tests use an in-memory one). */
export function lintWithHost(rootRels: readonly string[], host: FileHost, rules: readonly Rule[], executor: Executor = 'docker'): Finding[] {
  return runRules(
    rootRels.map((r) => parseGitlabPipeline(r, host)),
    rules,
    executor,
  );
}

export function runRules(pipelines: readonly Pipeline[], rules: readonly Rule[], executor: Executor): Finding[] {
  const used = new Set<string>();
  for (const p of pipelines) for (const id of p.usedTemplates) used.add(id);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const pipeline of pipelines) {
    const jobs: Job[] = [...pipeline.jobs, ...pipeline.templates.filter((t) => !used.has(templateId(t)))];
    for (const rule of rules) {
      const ctx: RuleContext = {
        pipeline,
        jobs,
        executor,
        report: ({ at, message }) => {
          // A value written once (a template, an include, an anchor) is reported once, however many jobs use it.
          const key = `${rule.slug}\0${spanKey(at)}`;
          if (seen.has(key)) return;
          seen.add(key);
          findings.push({ rule: rule.slug, severity: rule.severity, message, span: at });
        },
      };
      rule.check(ctx);
    }
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
