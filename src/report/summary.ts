import type { Finding, Severity } from '../engine/rule.js';

export interface ReportInput {
  findings: readonly Finding[];
  /** Findings silenced by `cilint-disable` comments: never shown as findings, always counted. */
  suppressed: readonly Finding[];
  cwd: string;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** `3 problems (1 error, 2 warnings), 1 suppressed` */
export function summaryLine(input: Pick<ReportInput, 'findings' | 'suppressed'>): string {
  const counts = countBySeverity(input.findings);
  const total = input.findings.length;
  const parts = (['error', 'warning', 'info'] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}${counts[s] === 1 ? '' : 's'}`);
  const head = total === 0 ? 'No problems found' : `${total} problem${total === 1 ? '' : 's'} (${parts.join(', ')})`;
  return input.suppressed.length > 0 ? `${head}, ${input.suppressed.length} suppressed` : head;
}
