import { memoForGroup } from './memo.js';
import type { Span } from './span.js';

/**
 * A configuration document as a tree of values that each keep the span where they are written.
 * YAML aliases share the anchored subtree (same object), so a value reached through an alias still
 * points at the anchor's text. Parsers for every format that is a data tree (GitLab YAML, pod YAML
 * embedded in Jenkinsfiles) produce this shape.
 */
export type Tree = TScalar | TMap | TSeq | TRef;

export type ScalarValue = string | number | boolean | null;

export interface TScalar {
  readonly kind: 'scalar';
  readonly value: ScalarValue;
  /** The value as GitLab reads it as a string: strings as parsed, other scalars as written. */
  readonly text: string;
  readonly span: Span;
  /** How the scalar is written, so offsets inside its value can be mapped back to the source. */
  readonly style: ScalarStyle;
}

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded' | 'implicit';

export interface TEntry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: Tree;
}

export interface TMap {
  readonly kind: 'map';
  readonly entries: readonly TEntry[];
  readonly span: Span;
}

export interface TSeq {
  readonly kind: 'seq';
  readonly items: readonly Tree[];
  readonly span: Span;
}

/** GitLab's `!reference [.job, key, ...]`, resolved after includes are merged. */
export interface TRef {
  readonly kind: 'ref';
  readonly path: readonly TScalar[];
  readonly span: Span;
}

/**
 * Trees are immutable once built, so a large map's key index is built once, on first lookup. Its table
 * lives as long as the group of pipelines being linted (see `memoForGroup`): a table that outlived it
 * would keep each index alive long enough to be promoted.
 */
const INDEXED_FROM = 16;
const keyIndex = memoForGroup((map: TMap) => {
  const index = new Map<string, TEntry>();
  for (const e of map.entries) index.set(e.key, e);
  return index;
});

export function getEntry(map: TMap, key: string): TEntry | undefined {
  const entries = map.entries;
  if (entries.length < INDEXED_FROM) {
    for (let i = entries.length - 1; i >= 0; i--) {
      if (entries[i].key === key) return entries[i];
    }
    return undefined;
  }
  return keyIndex(map).get(key);
}

export function get(map: TMap | undefined, key: string): Tree | undefined {
  return map ? getEntry(map, key)?.value : undefined;
}

export function asMap(t: Tree | undefined): TMap | undefined {
  return t?.kind === 'map' ? t : undefined;
}

export function asSeq(t: Tree | undefined): TSeq | undefined {
  return t?.kind === 'seq' ? t : undefined;
}

export function asScalar(t: Tree | undefined): TScalar | undefined {
  return t?.kind === 'scalar' ? t : undefined;
}

/** A scalar's string form, or undefined for null and non-scalars. */
export function scalarText(t: Tree | undefined): string | undefined {
  return t?.kind === 'scalar' && t.value !== null ? t.text : undefined;
}

/**
 * Plain data already made from collections, with the number of values each stands for: trees share
 * subtrees (a template's values in every job that extends it, an anchor in every alias), which are
 * then converted once. The plain data is shared too, so it must be read, never modified.
 */
export type PlainMemo = Map<Tree, { value: unknown; nodes: number }>;

/**
 * Converts a tree to plain data (for output and comparisons); references are kept as `!reference` markers.
 * `budget` bounds the values converted, counting a shared subtree once per use, as the data is read.
 */
export function toPlain(t: Tree, budget = { nodes: 5_000_000 }, memo?: PlainMemo): unknown {
  if (t.kind === 'scalar') {
    if (--budget.nodes < 0) throw tooMany();
    return t.value;
  }
  const known = memo?.get(t);
  if (known) {
    if ((budget.nodes -= known.nodes) < 0) throw tooMany();
    return known.value;
  }
  const before = budget.nodes;
  if (--budget.nodes < 0) throw tooMany();
  let value: unknown;
  switch (t.kind) {
    case 'seq':
      value = t.items.map((i) => toPlain(i, budget, memo));
      break;
    case 'ref':
      value = { '!reference': t.path.map((p) => p.text) };
      break;
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of t.entries) setOwn(out, e.key, toPlain(e.value, budget, memo));
      value = out;
    }
  }
  memo?.set(t, { value, nodes: before - budget.nodes });
  return value;
}

function tooMany(): RangeError {
  return new RangeError('document expands to too many nodes');
}

/** Adds a key written in a configuration to plain data: assigning `__proto__` would set the prototype instead. */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
