import fc from 'fast-check';
import { acceptNonOverlapping, applyEdits } from '../../src/engine/fix.js';
import type { Edit, Finding, Fix } from '../../src/engine/rule.js';
import { makeSourceFile, type SourceFile } from '../../src/model/source.js';

// The fixer's edit handling is checked against the plainest way to say the same thing: every edit
// applied on the result of the last, from the end; every fix compared with every range taken.

const TEXT = 'abcdefghijklmnopqrstuvwxyz\nline two\r\nline three\n';
const files = [makeSourceFile('/r/a.yml', 'a.yml', TEXT), makeSourceFile('/r/b.yml', 'b.yml', TEXT)];

function plainApply(text: string, edits: readonly Edit[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    out = out.slice(0, e.start) + (eol === '\n' ? e.text : e.text.replace(/\r?\n/g, eol)) + out.slice(e.end);
  }
  return out;
}

function plainAccept<F extends Finding & { fix: Fix }>(fixes: readonly F[]): F[] {
  const first = (f: F) => Math.min(...f.fix.edits.map((e) => e.start));
  const translations = fixes.filter((f) => f.fix.strategy);
  const taken: Edit[] = [];
  const out: F[] = [];
  for (const f of [...(translations.length > 0 ? translations : fixes)].sort((a, b) => first(a) - first(b))) {
    const clash = f.fix.edits.some((e) =>
      taken.some((r) => r.file.path === e.file.path && ((e.start < r.end && r.start < e.end) || (e.start === e.end && e.start === r.start))),
    );
    if (clash) continue;
    taken.push(...f.fix.edits);
    out.push(f);
  }
  return out;
}

const edit = (file: SourceFile) =>
  fc
    .tuple(fc.nat(TEXT.length), fc.nat(6), fc.constantFrom('', 'X', 'two\nlines', '\n'))
    .map(([start, width, text]): Edit => ({ file, start, end: Math.min(TEXT.length, start + width), text }));

describe('applyEdits', () => {
  it('gives what applying the edits one by one from the end gives', () => {
    fc.assert(
      fc.property(fc.array(edit(files[0]), { maxLength: 8 }), (edits) => {
        expect(applyEdits(TEXT, edits)).toBe(plainApply(TEXT, edits));
      }),
      { numRuns: 2000 },
    );
  });

  it('puts the later of two insertions at one place first, as applying from the end does', () => {
    const at = (text: string): Edit => ({ file: files[0], start: 3, end: 3, text });
    expect(applyEdits('abcdef', [at('1'), at('2')])).toBe('abc21def');
    expect(applyEdits('abcdef', [{ file: files[0], start: 3, end: 5, text: 'R' }, at('I')])).toBe('abcIRf');
  });
});

describe('acceptNonOverlapping', () => {
  const fix = fc
    .tuple(fc.array(fc.constantFrom(...files).chain(edit), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.nat(5))
    .map(([edits, translation, rule]): Finding & { fix: Fix } => ({
      rule: `r${rule}`,
      severity: 'warning',
      message: '',
      span: { file: edits[0].file, start: edits[0].start, end: edits[0].end },
      fix: { title: 't', applicability: 'safe', edits, ...(translation ? { strategy: 'kaniko' as const } : {}) },
    }));

  it('takes the same fixes as comparing each with every range taken', () => {
    fc.assert(
      fc.property(fc.array(fix, { maxLength: 25 }), (fixes) => {
        expect(acceptNonOverlapping(fixes)).toEqual(plainAccept(fixes));
      }),
      { numRuns: 2000 },
    );
  });
});
