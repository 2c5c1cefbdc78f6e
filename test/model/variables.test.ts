import fc from 'fast-check';
import type { Variable } from '../../src/model/pipeline.js';
import { makeSourceFile } from '../../src/model/source.js';
import { layered, LayeredVariables } from '../../src/model/variables.js';

const file = makeSourceFile('/x/.gitlab-ci.yml', '.gitlab-ci.yml', 'x');
const variable = (name: string, value: string): Variable => ({ name, value, nameSpan: { file, start: 0, end: 1 }, span: { file, start: 0, end: 1 } });
const table = (pairs: readonly [string, string][]) => new Map(pairs.map(([n, v]) => [n, variable(n, v)]));

describe('LayeredVariables', () => {
  it('reads as the Map filled with the lower table and then the upper one', () => {
    const pairs = fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'), fc.string({ maxLength: 3 })), { maxLength: 8 });
    fc.assert(
      fc.property(pairs, pairs, (lower, upper) => {
        const under = table(lower);
        const over = table(upper);
        const expected = new Map([...under, ...over]);
        const got = new LayeredVariables(under, over);
        expect([...got]).toEqual([...expected]);
        expect([...got.keys()]).toEqual([...expected.keys()]);
        expect([...got.values()]).toEqual([...expected.values()]);
        expect(got.size).toBe(expected.size);
        const seen: string[] = [];
        got.forEach((v, k, m) => {
          expect(m).toBe(got);
          seen.push(`${k}=${v.value}`);
        });
        expect(seen).toEqual([...expected].map(([k, v]) => `${k}=${v.value}`));
        for (const name of ['A', 'B', 'C', 'D', 'E', 'F', 'G']) {
          expect(got.get(name)).toBe(expected.get(name));
          expect(got.has(name)).toBe(expected.has(name));
        }
        expect([...layered(under, over)]).toEqual([...expected]);
      }),
      { numRuns: 500 },
    );
  });

  it('is one of the tables when the other is empty', () => {
    const some = table([['A', '1']]);
    expect(layered(some, new Map())).toBe(some);
    expect(layered(new Map(), some)).toBe(some);
  });
});
