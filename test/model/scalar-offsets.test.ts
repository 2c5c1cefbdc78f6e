import fc from 'fast-check';
import { sourceOffsetOf } from '../../src/model/scalar-offsets.js';
import { makeSourceFile } from '../../src/model/source.js';
import type { TMap, TScalar } from '../../src/model/tree.js';
import { loadYaml } from '../../src/parsers/yaml/load.js';

/** The value of `script` in a one-key document. */
const scalarOf = (text: string): TScalar => {
  const doc = loadYaml(makeSourceFile('/r/x.yml', 'x.yml', text)).documents[0] as TMap;
  const value = doc.entries[0].value;
  if (value.kind !== 'scalar') throw new Error(`not a scalar: ${text}`);
  return value;
};

/**
 * The mapping as it was defined before checkpoints: each character of the value looked for from where
 * the previous one was found, from the start every time. The checkpoints must not change a result.
 */
function walkFromStart(scalar: TScalar, valueOffset: number): number {
  const text = scalar.span.file.text;
  const { start, end } = scalar.span;
  let p = start;
  if (scalar.style === 'single' || scalar.style === 'double') p = start + 1;
  else if (scalar.style === 'literal' || scalar.style === 'folded') p = text.indexOf('\n', start) + 1;
  const target = Math.max(0, Math.min(valueOffset, scalar.text.length));
  for (let i = 0; i < target; i++) {
    const found = text.indexOf(scalar.text[i], p);
    if (found !== -1 && found < Math.min(end, p + 256)) p = found + 1;
  }
  if (target < scalar.text.length) {
    const found = text.indexOf(scalar.text[target], p);
    if (found !== -1 && found < Math.min(end, p + 256)) p = found;
  }
  return Math.min(p, end);
}

const line = fc.stringMatching(/^[a-z $"'\\#:-]{0,40}$/).map((l) => l.trim() || 'x');

describe('sourceOffsetOf', () => {
  it('maps every offset as a walk from the value start does, whatever the order of the queries', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 60 }),
        fc.constantFrom('literal', 'folded', 'double', 'plain'),
        fc.array(fc.nat(), { maxLength: 30 }),
        (lines, style, order) => {
          const body =
            style === 'literal' ? `|\n${lines.map((l) => `    ${l}\n`).join('')}`
            : style === 'folded' ? `>\n${lines.map((l) => `    ${l}\n`).join('')}`
            : style === 'double' ? `${JSON.stringify(lines.join('\n'))}\n`
            : `${lines.map((l) => l.replace(/[#:'"\\-]/g, 'x')).join(' ')}\n`;
          let scalar: TScalar;
          try {
            scalar = scalarOf(`script: ${body}`);
          } catch {
            return; // a generated plain scalar that YAML reads otherwise
          }
          const n = scalar.text.length;
          // Random offsets first (the checkpoints grow out of order), then every offset.
          for (const o of [...order.map((x) => x % (n + 2)), ...Array.from({ length: n + 2 }, (_, i) => i)]) {
            expect(sourceOffsetOf(scalar, o)).toBe(walkFromStart(scalar, o));
          }
        },
      ),
      { numRuns: 300, seed: 20261124 },
    );
  });

  it('finds each line of a long literal script where it is written', () => {
    const lines = Array.from({ length: 2_000 }, (_, i) => `docker build -t img${i} .`);
    const text = `script: |\n${lines.map((l) => `  ${l}\n`).join('')}`;
    const scalar = scalarOf(text);
    // Backwards, so that the first query extends the checkpoints to the end.
    for (let i = lines.length - 1; i >= 0; i -= 7) {
      const at = scalar.text.indexOf(`img${i} `);
      expect(text.slice(sourceOffsetOf(scalar, at), sourceOffsetOf(scalar, at) + `img${i} `.length)).toBe(`img${i} `);
    }
  });
});
