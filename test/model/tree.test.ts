import { makeSourceFile } from '../../src/model/source.js';
import { toPlain, type PlainMemo, type Tree } from '../../src/model/tree.js';
import { loadYaml } from '../../src/parsers/yaml/load.js';

const load = (text: string): Tree => loadYaml(makeSourceFile('/r/x.yml', 'x.yml', text)).documents[0];

// `t` (a sequence of three) is shared four times below `all`, as aliases share it.
const SHARED = 't: &t [1, 2, 3]\nall: {a: *t, b: *t, c: *t, d: *t}\n';

describe('toPlain', () => {
  it('converts a shared subtree once with a memo, and gives the same data as without', () => {
    const tree = load(SHARED);
    const memo: PlainMemo = new Map();
    const plain = toPlain(tree, undefined, memo) as { t: unknown; all: Record<string, unknown> };
    expect(plain).toEqual(toPlain(tree));
    expect(plain.all.a).toBe(plain.t);
    expect(plain.all.d).toBe(plain.t);
    // Converted again through the memo: the very same object.
    expect(toPlain(tree, undefined, memo)).toBe(plain);
  });

  it('counts a shared subtree once per use against the budget, memo or not', () => {
    const tree = load(SHARED);
    // Values read: the root map, `t` (4), `all` (1 + 4 × 4): 22.
    expect(() => toPlain(tree, { nodes: 22 })).not.toThrow();
    expect(() => toPlain(tree, { nodes: 21 })).toThrow(RangeError);
    const memo: PlainMemo = new Map();
    expect(() => toPlain(tree, { nodes: 21 }, memo)).toThrow(RangeError);
    const budget = { nodes: 22 };
    toPlain(tree, budget, new Map());
    expect(budget.nodes).toBe(0);
    // A memo filled by an earlier conversion still charges the full size of what it hands back.
    const filled: PlainMemo = new Map();
    toPlain(tree, undefined, filled);
    expect(() => toPlain(tree, { nodes: 21 }, filled)).toThrow(RangeError);
    const again = { nodes: 22 };
    toPlain(tree, again, filled);
    expect(again.nodes).toBe(0);
  });

  it('keeps a `__proto__` key as data', () => {
    const plain = toPlain(load('__proto__: {polluted: true}\n'), undefined, new Map()) as Record<string, unknown>;
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.keys(plain)).toEqual(['__proto__']);
  });
});
