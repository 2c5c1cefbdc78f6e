import type { Finding } from '../engine/rule.js';
import { locate } from './location.js';
import { countBySeverity, type ReportInput } from './summary.js';

/** The machine-readable report; `schemas/report.schema.json` describes it. Fields are only ever added. */
export function formatJson(input: ReportInput): string {
  const entry = (f: Finding) => ({ rule: f.rule, severity: f.severity, message: f.message, ...locate(f, input.cwd) });
  const report = {
    version: 1,
    findings: input.findings.map(entry),
    suppressed: input.suppressed.map((f) => {
      const reason = (f as Finding & { reason?: string }).reason;
      return reason ? { ...entry(f), reason } : entry(f);
    }),
    summary: { ...countBySeverity(input.findings), suppressed: input.suppressed.length },
  };
  return JSON.stringify(report, null, 2) + '\n';
}
