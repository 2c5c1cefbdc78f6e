import type { Finding } from '../engine/rule.js';
import { locate } from './location.js';

/** The machine-readable report; `schemas/report.schema.json` describes it. Fields are only ever added. */
export function formatJson(findings: readonly Finding[], cwd: string): string {
  const report = {
    version: 1,
    findings: findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, ...locate(f, cwd) })),
  };
  return JSON.stringify(report, null, 2) + '\n';
}
