import type { Severity } from '../engine/rule.js';
import { fingerprints } from './fingerprint.js';
import { displayPath, locate } from './location.js';
import type { ReportInput } from './summary.js';

const SEVERITY: Record<Severity, 'info' | 'minor' | 'major' | 'critical' | 'blocker'> = {
  info: 'info',
  warning: 'major',
  error: 'critical',
};

/**
 * GitLab Code Quality JSON (`artifacts: reports: codequality:`), described by
 * `schemas/codequality.schema.json`. GitLab wants an array and nothing else, so suppressed findings
 * are only counted on stderr by the CLI.
 */
export function formatCodeQuality(input: ReportInput): string {
  const located = input.findings.map((f) => ({ f, loc: locate(f, input.cwd) }));
  const prints = fingerprints(input.findings, (f) => displayPath(f.span.file.path, input.cwd));
  const report = located.map(({ f, loc }, i) => ({
    description: f.message,
    check_name: f.rule,
    fingerprint: prints[i],
    severity: SEVERITY[f.severity],
    location: { path: loc.file, lines: { begin: loc.line, end: loc.endLine } },
  }));
  return JSON.stringify(report, null, 2) + '\n';
}
