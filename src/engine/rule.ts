import type { Job, ModelIssue, Pipeline } from '../model/pipeline.js';
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
}

export interface RuleContext {
  readonly pipeline: Pipeline;
  /** The jobs to judge: every job, plus the hidden templates that no job in the lint set uses. */
  readonly jobs: readonly Job[];
  /** Which executor runs the jobs: decides how services are reached. */
  readonly executor: Executor;
  report(r: Report): void;
}

/** A rule's example: `bad` must fire, `good` must stay silent. Extra files serve as includes. */
export interface RuleExample {
  readonly platform: 'gitlab';
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
  return ({ pipeline, report }) => {
    for (const issue of pipeline.issues) {
      if (issue.kind === kind) report({ at: issue.span, message: issue.message });
    }
  };
}
