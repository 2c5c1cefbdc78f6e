import { createHash } from 'node:crypto';
import type { Finding } from '../engine/rule.js';

/**
 * Stable identities for findings, for GitLab Code Quality and SARIF: a hash of the rule, the file and
 * the offending text (whitespace folded), never the line number, so unrelated edits above a finding
 * keep its fingerprint. The same text reported twice in one file gets its occurrence number, so
 * fingerprints stay unique (GitLab hides findings whose fingerprints collide).
 */
export function fingerprints(findings: readonly Finding[], fileOf: (f: Finding) => string): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const text = f.span.file.text.slice(f.span.start, f.span.end).replace(/\s+/g, ' ').trim();
    const base = `${f.rule}\0${fileOf(f)}\0${text}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return createHash('sha256').update(`${base}\0${n}`).digest('hex').slice(0, 32);
  });
}
