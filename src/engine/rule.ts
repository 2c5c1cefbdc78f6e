import type { Job, ModelIssue, Pipeline } from '../model/pipeline.js';
import type { Runner, RunnerConfig } from '../model/runner.js';
import type { SourceFile } from '../model/source.js';
import type { Span } from '../model/span.js';
import type { Executor } from '../docker/hostnames.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** A text edit: replace `[start, end)` of a file's text (BOM excluded) by `text`. */
export interface Edit {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
  /** Written with `\n` line breaks; the fixer converts them to the file's own. */
  readonly text: string;
}

/**
 * `safe`: does only what the finding asks, applied by plain `cilint fix`; `unsafe`: changes behaviour
 * or needs something outside the file, applied only with `--unsafe-fixes`.
 */
export type Applicability = 'safe' | 'unsafe';

/** How `cilint fix --strategy` rewrites image builds that use Docker-in-Docker. */
export type Strategy = 'buildah' | 'buildkit' | 'kaniko' | 'socket';

export const STRATEGIES: readonly Strategy[] = ['buildah', 'buildkit', 'kaniko', 'socket'];

/** The builders the translations put in jobs; `fix.images` in the config file overrides them. */
export type BuilderImages = Partial<Record<Exclude<Strategy, 'socket'>, string>>;

/**
 * What `cilint fix` asked for: rules build a translation only for the chosen strategy. One object per
 * fix run (all its passes): the translations keep their budget by it (translate/index.ts).
 */
export interface FixSettings {
  readonly strategy: Strategy;
  readonly images: BuilderImages;
}

export interface Fix {
  readonly title: string;
  readonly applicability: Applicability;
  /** Edits over the original text of one or more files, applied all together or not at all. */
  readonly edits: readonly Edit[];
  /**
   * Set on a build translation: applied only when this strategy is chosen (`--strategy`, or
   * `fix.strategy` in the config file), never by `--unsafe-fixes` alone.
   */
  readonly strategy?: Strategy;
  /** What the user must know once the fix is applied: a trade-off, a setting it needs elsewhere. */
  readonly notes?: readonly string[];
  /** Parts the fix leaves out, each with why (a job whose commands block the translation). */
  readonly skipped?: readonly string[];
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly fix?: Fix;
}

export interface Report {
  /** Where the offending text is written. */
  at: Span;
  message: string;
  /** Overrides the rule's severity for this finding, when its context makes it worse (or milder). */
  severity?: Severity;
  fix?: Fix;
}

/**
 * What a rule sees of one group of pipelines. A lint run hands the rules its pipelines group by group
 * (pipelines that can read the same files are in one group) and drops each group once judged, so no
 * rule sees every pipeline at once: what depends on the whole lint set is gathered in the rule's state
 * and reported by `finish`.
 */
export interface RuleContext {
  /** The group's pipelines. */
  readonly pipelines: readonly Pipeline[];
  /** The jobs to judge in the group: each job, plus the hidden templates that no job uses. */
  readonly jobs: readonly Job[];
  /** Every runner in the lint set, across its runner configs. */
  readonly runners: readonly Runner[];
  /** The runners that may run a job (by default, every runner in the lint set). */
  runnersFor(job: Job): readonly Runner[];
  /** How a job's services are reached: `kubernetes` when every runner for it is, else the default. */
  executorFor(job: Job): Executor;
  report(r: Report): void;
  /** Set by `cilint fix` when a build translation strategy was chosen. */
  readonly fix?: FixSettings;
}

/** What a rule's `finish` sees, after the last group: the runner configs, read before any pipeline. */
export interface FinishContext {
  readonly runnerConfigs: readonly RunnerConfig[];
  /** Every runner in the lint set, across its runner configs. */
  readonly runners: readonly Runner[];
  report(r: Report): void;
  /** Set by `cilint fix` when a build translation strategy was chosen. */
  readonly fix?: FixSettings;
}

/**
 * A rule's example: `bad` must fire, `good` must stay silent. For `gitlab` the text is a
 * `.gitlab-ci.yml`, for `runner` a `config.toml`, for `jenkins` a `Jenkinsfile`; `files` adds more
 * files to the lint set (includes, the runner config a pipeline runs on, a pod's `yamlFile`).
 */
export interface RuleExample {
  readonly platform: 'gitlab' | 'runner' | 'jenkins';
  readonly bad?: string;
  readonly good?: string;
  /** What `cilint fix` (with unsafe fixes) makes of `bad`; it must then lint clean for this rule. */
  readonly fixed?: string;
  readonly files?: Readonly<Record<string, string>>;
}

/** A span as plain data: an index into the files sent with it, then the offsets. */
export type PackedSpan = readonly [file: number, start: number, end: number];

/**
 * Spans and runners turned into plain data, for a rule state gathered in a worker thread (a parallel
 * lint, see `Rule.shareState`), and back in the main thread. Runners are the same in every thread:
 * each reads the same runner configs in the same order.
 */
export interface StatePacker {
  span(span: Span): PackedSpan;
  runner(runner: Runner): number;
}

export interface StateUnpacker {
  unspan(packed: PackedSpan): Span;
  unrunner(index: number): Runner;
}

/**
 * How a rule's state travels: `pack` turns what a worker thread gathered into plain data (structured-
 * clone safe), `merge` adds it to the main thread's state. Workers lint consecutive runs of groups, and
 * their states are merged in that order, so a state that keeps "the first job seen" still does.
 */
export interface StateSharing<S, P> {
  pack(state: S, packer: StatePacker): P;
  merge(into: S, packed: P, unpacker: StateUnpacker): void;
}

/**
 * A rule. Most only need `check`, which judges each group's jobs. A rule whose findings depend on the
 * whole lint set (a runner, judged by every job that may run on it) gathers facts in a state of its
 * own, made by `start` for each run, and reports them in `finish`.
 */
export interface Rule<S = unknown, P = unknown> {
  readonly slug: string;
  readonly severity: Severity;
  /** One sentence: what the rule finds (the doc comment says the rest). */
  readonly summary: string;
  readonly examples: readonly RuleExample[];
  /** Whether some findings of the rule carry a fix (shown by `cilint rules`). */
  readonly fixable?: Applicability;
  /** A fresh state for one lint run. */
  start?(): S;
  /** Judges one group of pipelines. */
  check(ctx: RuleContext, state: S): void;
  /** Runs once after the last group: judges the runner configs and reports what needs every group. */
  finish?(ctx: FinishContext, state: S): void;
  /**
   * Needed by a rule with `start` for `cilint lint` to run in parallel: while such a rule lacks it, every
   * lint runs in one thread.
   */
  readonly shareState?: StateSharing<S, P>;
}

export function defineRule<S, P = unknown>(rule: Rule<S, P>): Rule<S, P> {
  return rule;
}

/** The `check` and `finish` of a rule that reports what the parsers noticed (`ModelIssue`s of one kind). */
export function reportModelIssues(kind: ModelIssue['kind']): Pick<Rule, 'check' | 'finish'> {
  const reportAll = (units: readonly { readonly issues: readonly ModelIssue[] }[], report: (r: Report) => void) => {
    for (const unit of units) {
      for (const issue of unit.issues) {
        if (issue.kind === kind) report({ at: issue.span, message: issue.message });
      }
    }
  };
  return {
    check: ({ pipelines, report }) => reportAll(pipelines, report),
    finish: ({ runnerConfigs, report }) => reportAll(runnerConfigs, report),
  };
}
