import fc from 'fast-check';
import { applySuppressions, parseDirectives, type Directive } from '../../src/engine/suppress.js';
import type { Finding } from '../../src/engine/rule.js';
import { makeSourceFile, positionAt, type SourceFile } from '../../src/model/source.js';

const RULES = ['privileged-dind', 'tls-disabled', 'socket-mount'];

/** The directive a finding meets first when every directive of its file is read in order. */
function firstMatch(directives: readonly Directive[], f: Finding): Directive | undefined {
  const line = positionAt(f.span.file, f.span.start).line;
  return directives.find((d) => (d.slugs.length === 0 || d.slugs.includes(f.rule)) && (d.kind === 'file' || d.line === line));
}

const comment = fc.oneof(
  fc.constant(''),
  fc.tuple(fc.constantFrom('cilint-disable', 'cilint-disable-line', 'cilint-disable-next-line'), fc.subarray(RULES), fc.boolean()).map(
    ([kind, slugs, reason]) => `  # ${kind}${slugs.length ? ` ${slugs.join(', ')}` : ''}${reason ? ' -- why' : ''}`,
  ),
);

describe('applySuppressions', () => {
  it('silences each finding by the first directive of its file that covers it, as reading them in order does', () => {
    fc.assert(
      fc.property(
        fc.array(comment, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(11), fc.constantFrom(...RULES)), { maxLength: 20 }),
        (comments, placed) => {
          const text = comments.map((c, i) => `k${i}: v${c}\n`).join('');
          const file: SourceFile = makeSourceFile('/x/.gitlab-ci.yml', '.gitlab-ci.yml', text);
          const lineStart = (n: number) => text.split('\n').slice(0, n).join('\n').length + (n > 0 ? 1 : 0);
          const findings: Finding[] = placed
            .filter(([line]) => line < comments.length)
            .map(([line, rule]) => ({ rule, severity: 'warning', message: 'm', span: { file, start: lineStart(line), end: lineStart(line) + 1 } }));
          const expected = parseDirectives(file);
          const want = findings.map((f) => firstMatch(expected, f));
          const got = applySuppressions(findings);
          expect(got.findings).toEqual(findings.filter((_, i) => !want[i]));
          expect(got.suppressed.map((s) => s.reason)).toEqual(want.filter((d) => d).map((d) => d!.reason));
          for (const d of expected) if (want.includes(d)) d.used = true;
          if (findings.length > 0) expect(got.directives.map((d) => [d.span.start, d.used])).toEqual(expected.map((d) => [d.span.start, d.used]));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('silences the findings of a file of 50 000 directives by the line and whole-file ones that name their rule', () => {
    const jobs = Array.from({ length: 2_000 }, (_, i) => `j${i}: x  # cilint-disable-line tls-disabled\n`).join('');
    const file = makeSourceFile('/x/.gitlab-ci.yml', '.gitlab-ci.yml', jobs + '# cilint-disable socket-mount\n'.repeat(48_000));
    const findings: Finding[] = Array.from({ length: 2_000 }, (_, i) => ({
      rule: i % 2 ? 'tls-disabled' : 'privileged-dind',
      severity: 'warning',
      message: 'm',
      span: { file, start: jobs.indexOf(`j${i}:`), end: jobs.indexOf(`j${i}:`) + 1 },
    }));
    const got = applySuppressions(findings);
    expect(got.suppressed).toHaveLength(1_000);
    expect(got.findings.every((f) => f.rule === 'privileged-dind')).toBe(true);
    expect(got.directives).toHaveLength(50_000);
  });
});
