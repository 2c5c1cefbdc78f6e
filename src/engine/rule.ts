import type { Job, ModelIssue, Pipeline } from '../model/pipeline.js';
import type { Runner, RunnerConfig } from '../model/runner.js';
import type { Span } from '../model/span.js';
import type { Executor } from '../docker/hostnames.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
}

export interface Report {
  /** Where the offending text is written. */
  at: Span;
  message: string;
  /** Overrides the rule's severity for this finding, when its context makes it worse (or milder). */
  severity?: Severity;
}

/** Everything linted together in one run. */
export interface LintSet {
  readonly pipelines: readonly Pipeline[];
  readonly runnerConfigs: readonly RunnerConfig[];
}

export interface RuleContext {
  readonly model: LintSet;
  /**
   * The jobs to judge, across every pipeline: each job, plus the hidden templates that no job in the
   * lint set uses.
   */
  readonly jobs: readonly Job[];
  /** Every runner in the lint set, across its runner configs. */
  readonly runners: readonly Runner[];
  /** The runners that may run a job (by default, every runner in the lint set). */
  runnersFor(job: Job): readonly Runner[];
  /** How a job's services are reached: `kubernetes` when every runner for it is, else the default. */
  executorFor(job: Job): Executor;
  report(r: Report): void;
}

/**
 * A rule's example: `bad` must fire, `good` must stay silent. For `gitlab` the text is a
 * `.gitlab-ci.yml`, for `runner` a `config.toml`; `files` adds more files to the lint set (includes,
 * or the runner config a pipeline runs on).
 */
export interface RuleExample {
  readonly platform: 'gitlab' | 'runner';
  readonly bad?: string;
  readonly good?: string;
  readonly files?: Readonly<Record<string, string>>;
}

export interface Rule {
  readonly slug: string;
  readonly severity: Severity;
  /** One sentence: what the rule finds (the doc comment says the rest). */
  readonly summary: string;
  readonly examples: readonly RuleExample[];
  check(ctx: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** The check of a rule that reports what a parser noticed (`ModelIssue`s of one kind). */
export function reportModelIssues(kind: ModelIssue['kind']): Rule['check'] {
  return ({ model, report }) => {
    for (const unit of [...model.pipelines, ...model.runnerConfigs]) {
      for (const issue of unit.issues) {
        if (issue.kind === kind) report({ at: issue.span, message: issue.message });
      }
    }
  };
}
