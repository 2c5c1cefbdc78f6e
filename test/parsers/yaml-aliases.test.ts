import { parse } from 'yaml';
import { makeSourceFile } from '../../src/model/source.js';
import { toPlain } from '../../src/model/tree.js';
import { loadYaml } from '../../src/parsers/yaml/load.js';

/** Aliases resolve as the yaml package resolves them: to the last node before the alias with that anchor. */
const load = (text: string) => loadYaml(makeSourceFile('/r/x.yml', 'x.yml', text));

describe('YAML aliases', () => {
  it.each([
    ['a redefined anchor', 'a: &x 1\nb: *x\nc: &x 2\nd: *x\ne: [&x 3, *x]\n'],
    ['an anchor on a key', '&k key: v\nother: *k\n'],
    ['anchors in sequences and flow maps', 'l: [&a {p: 1}, *a, &b [1, *a]]\nm: *b\n'],
    ['merge keys', 'base: &b {x: 1, y: 1}\njob:\n  <<: *b\n  y: 2\nmore:\n  <<: [*b, {z: 3}]\n'],
    ['the same anchor in two documents', 'a: &x 1\nb: *x\n---\nc: &x 2\nd: *x\n'],
  ])('%s', (_, text) => {
    const loaded = load(text);
    expect(loaded.problems).toEqual([]);
    const expected = text.split(/^---\n/m).map((d) => parse(d, { merge: true, version: '1.1' }));
    expect(loaded.documents.map((d) => toPlain(d))).toEqual(expected);
  });

  it('an alias that is its own anchor\'s value is cut, not followed', () => {
    const loaded = load('a: &x [1, *x]\n');
    expect(toPlain(loaded.documents[0])).toEqual({ a: [1, null] });
  });

  it('an alias before its anchor is an error', () => {
    expect(load('a: *x\nb: &x 1\n').problems.map((p) => p.kind)).toEqual(['parse-error']);
  });

  it('shares the anchored subtree instead of copying it', () => {
    const doc = load('a: &x {p: 1}\nb: *x\nc: *x\n').documents[0];
    if (doc.kind !== 'map') throw new Error('a map');
    const [a, b, c] = doc.entries.map((e) => e.value);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });
});
