import {
  Alias,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  Scalar,
  visit,
  YAMLMap,
  YAMLSeq,
  type Document,
  type Node as YNode,
  type CollectionTag,
} from 'yaml';
import { positionAt, type SourceFile } from '../../model/source.js';
import type { Span } from '../../model/span.js';
import type { ScalarStyle, TEntry, TMap, Tree, TScalar, TSeq } from '../../model/tree.js';

/** Problems found while reading YAML; parsers turn them into model issues. */
export interface YamlProblem {
  kind: 'parse-error' | 'duplicate-key';
  span: Span;
  message: string;
}

export interface LoadedYaml {
  /** The documents that were read; empty when the text does not parse. */
  documents: Tree[];
  problems: YamlProblem[];
  /** For each anchored node, the trees that alias it share this object: used to tell templates in use. */
  aliasTargets: Set<Tree>;
}

/** GitLab's `!reference` tag: a sequence we keep as data and resolve later. */
const referenceTag: CollectionTag = {
  tag: '!reference',
  collection: 'seq',
  default: false,
  resolve: (seq) => seq,
};

/**
 * Other application tags (`!secret`, `!input`...) are kept as their plain value rather than warned about:
 * GitLab rejects unknown tags itself and the schema rules will say so.
 */
const YAML_OPTIONS = {
  version: '1.1' as const,
  merge: true,
  uniqueKeys: false,
  customTags: [referenceTag],
  // Aliases are converted by sharing one subtree, never by copying, so a billion-laughs document costs
  // only its own size here; the count still bounds pathological inputs.
  maxAliasCount: 10_000,
  prettyErrors: false,
  strict: false,
};

export function loadYaml(file: SourceFile, range?: { start: number; end: number }): LoadedYaml {
  const problems: YamlProblem[] = [];
  const aliasTargets = new Set<Tree>();
  const base = range?.start ?? 0;
  const text = range ? file.text.slice(range.start, range.end) : file.text;
  const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter: new LineCounter() });
  const docList: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) {
    // parseAllDocuments returns an EmptyStream for empty input: no documents and no errors.
    return { documents: [], problems, aliasTargets };
  }
  let failed = false;
  for (const doc of docList) {
    for (const err of doc.errors) {
      failed = true;
      const start = base + (err.pos?.[0] ?? 0);
      problems.push({
        kind: 'parse-error',
        span: { file, start, end: Math.max(start, base + (err.pos?.[1] ?? start)) },
        message: cleanYamlMessage(err),
      });
    }
  }
  if (failed) return { documents: [], problems: problems.slice(0, 1), aliasTargets };
  const documents: Tree[] = [];
  for (const doc of docList) {
    const conv = new Converter(file, base, doc, problems, aliasTargets);
    const tree = conv.convert(doc.contents as YNode | null, doc.range[0]);
    if (aliasTargets.size > 0 && expandedSize(tree) > MAX_EXPANDED_NODES) {
      const at = base + doc.range[0];
      problems.push({
        kind: 'parse-error',
        span: { file, start: at, end: at },
        message: `the document expands to more than ${MAX_EXPANDED_NODES.toLocaleString('en')} values through its aliases (an alias bomb?); cilint does not read it`,
      });
      return { documents: [], problems, aliasTargets };
    }
    documents.push(tree);
  }
  return { documents, problems, aliasTargets };
}

/**
 * Aliases share subtrees, so a small file can stand for an exponential amount of data (billion
 * laughs). Everything after loading walks the expanded data, so it is measured here, counting a
 * shared subtree once per use but computing its size once.
 */
export const MAX_EXPANDED_NODES = 1_000_000;

function expandedSize(root: Tree): number {
  const memo = new Map<Tree, number>();
  const size = (t: Tree): number => {
    const known = memo.get(t);
    if (known !== undefined) return known;
    memo.set(t, 1); // a cycle cannot happen (the converter breaks them), but never recurse forever
    let n = 1;
    if (t.kind === 'map') for (const e of t.entries) n += size(e.value);
    else if (t.kind === 'seq' || t.kind === 'ref') for (const i of t.kind === 'seq' ? t.items : t.path) n += size(i);
    n = Math.min(n, Number.MAX_SAFE_INTEGER);
    memo.set(t, n);
    return n;
  };
  return size(root);
}

function cleanYamlMessage(err: { code: string; message: string }): string {
  // The yaml package reads nested collections recursively, and says what the engine said when it ran out.
  if (err.code === 'RESOURCE_EXHAUSTION' && err.message.startsWith('Maximum call stack size exceeded')) {
    return 'collections are nested too deeply to read (the reader stopped here, some hundreds of levels down)';
  }
  // The yaml package appends "at line X, column Y:" and a code excerpt; we report positions ourselves.
  return err.message.split(/ at line \d+, column \d+:?/)[0].trim();
}

class Converter {
  private readonly memo = new Map<YNode, Tree>();
  private readonly resolving = new Set<YNode>();

  constructor(
    private readonly file: SourceFile,
    private readonly base: number,
    private readonly doc: Document.Parsed,
    private readonly problems: YamlProblem[],
    private readonly aliasTargets: Set<Tree>,
  ) {}

  private span(start: number, end: number): Span {
    return { file: this.file, start: this.base + start, end: this.base + end };
  }

  convert(node: YNode | null | undefined, fallbackOffset: number): Tree {
    if (node === null || node === undefined) return this.nullAt(fallbackOffset);
    const known = this.memo.get(node);
    if (known) return known;
    if (isAlias(node)) return this.alias(node, fallbackOffset);
    let tree: Tree;
    if (this.resolving.has(node)) return this.nullAt(fallbackOffset);
    this.resolving.add(node);
    if (isMap(node)) tree = this.map(node);
    else if (isSeq(node)) tree = this.seq(node);
    else if (isScalar(node)) tree = this.scalar(node);
    else tree = this.nullAt(fallbackOffset);
    this.resolving.delete(node);
    this.memo.set(node, tree);
    return tree;
  }

  private alias(node: Alias, fallbackOffset: number): Tree {
    const target = this.anchorOf(node);
    if (!target) {
      const r = node.range ?? [fallbackOffset, fallbackOffset];
      this.problems.push({
        kind: 'parse-error',
        span: this.span(r[0], r[1]),
        message: `unknown alias *${node.source}`,
      });
      return this.nullAt(r[0]);
    }
    const tree = this.convert(target as YNode, fallbackOffset);
    this.aliasTargets.add(tree);
    return tree;
  }

  /** What each alias of the document names, found in one walk (the yaml package's `resolve` walks once per alias). */
  private aliasIndex: Map<Alias, YNode | undefined> | undefined;

  /** The last node before the alias with its anchor, as the yaml package resolves it. */
  private anchorOf(alias: Alias): YNode | undefined {
    if (!this.aliasIndex) {
      const index = new Map<Alias, YNode | undefined>();
      const anchors = new Map<string, YNode>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) index.set(node, anchors.get(node.source));
          else if (node.anchor) anchors.set(node.anchor, node);
        },
      });
      this.aliasIndex = index;
    }
    return this.aliasIndex.get(alias);
  }

  private nullAt(offset: number): TScalar {
    return { kind: 'scalar', value: null, text: '', span: this.span(offset, offset), style: 'implicit' };
  }

  private scalar(node: Scalar): TScalar {
    const start = node.range?.[0] ?? 0;
    const end = writtenEnd(node, this.file.text, this.base);
    const value = node.value;
    let v: TScalar['value'];
    if (value === null || value === undefined) v = null;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') v = value;
    else if (typeof value === 'bigint') v = Number(value);
    else v = String(value);
    const style = scalarStyle(node.type);
    const source = this.file.text.slice(this.base + start, this.base + end);
    const text = typeof v === 'string' ? v : v === null ? '' : style === 'plain' ? source : String(v);
    return { kind: 'scalar', value: v, text, span: this.span(start, end), style };
  }

  private seq(node: YAMLSeq): Tree {
    const start = node.range?.[0] ?? 0;
    const end = writtenEnd(node, this.file.text, this.base);
    const items = node.items.map((item) => this.convert(item as YNode | null, start));
    if (node.tag === '!reference') {
      const path = items.filter((i): i is TScalar => i.kind === 'scalar');
      return { kind: 'ref', path, span: this.span(start, end) };
    }
    const seq: TSeq = { kind: 'seq', items, span: this.span(start, end) };
    return seq;
  }

  private map(node: YAMLMap): TMap {
    const start = node.range?.[0] ?? 0;
    const end = writtenEnd(node, this.file.text, this.base);
    const explicit: TEntry[] = [];
    const merged: TEntry[] = [];
    const seen = new Map<string, TEntry>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YNode | null;
      const keyRange = keyNode?.range ?? [start, start];
      const keySpan = this.span(keyRange[0], keyRange[1]);
      const value = this.convert(pair.value as YNode | null, keyRange[1]);
      const key = keyText(keyNode);
      if (key === '<<' && isScalar(keyNode) && keyNode.type === 'PLAIN') {
        for (const source of mergeSources(value)) {
          for (const e of source.entries) merged.push(e);
        }
        continue;
      }
      const previous = seen.get(key);
      if (previous) {
        this.problems.push({
          kind: 'duplicate-key',
          span: keySpan,
          message: `duplicate key \`${key}\`: GitLab keeps only this last value and ignores the one at line ${positionAt(this.file, previous.keySpan.start).line}`,
        });
        explicit.splice(explicit.indexOf(previous), 1);
      }
      const entry: TEntry = { key, keySpan, value };
      seen.set(key, entry);
      explicit.push(entry);
    }
    // Merge keys: explicit keys win, and among merged maps the first one listed wins (YAML 1.1).
    const entries: TEntry[] = [];
    const fromMerge = new Map<string, TEntry>();
    for (const e of merged) if (!seen.has(e.key) && !fromMerge.has(e.key)) fromMerge.set(e.key, e);
    entries.push(...fromMerge.values(), ...explicit);
    return { kind: 'map', entries, span: this.span(start, end) };
  }
}

/**
 * Where a node's text ends. The yaml package ends block collections and block scalars after their last
 * line break, and block collections after trailing comments too; a span stops at the last character of
 * the value instead, so it slices back to exactly what is written.
 */
function writtenEnd(node: YNode, text: string, base: number): number {
  const rangeEnd = node.range?.[1] ?? 0;
  if (isScalar(node)) {
    if (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') return rangeEnd;
    let end = rangeEnd;
    while (end > (node.range?.[0] ?? 0) && /[ \t\r\n]/.test(text[base + end - 1])) end--;
    return end;
  }
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    const lastNode = (isPair(last) ? (last.value ?? last.key) : last) as YNode | null;
    if (lastNode && (isScalar(lastNode) || isMap(lastNode) || isSeq(lastNode) || isAlias(lastNode))) {
      return writtenEnd(lastNode, text, base);
    }
  }
  return rangeEnd;
}

function mergeSources(value: Tree): TMap[] {
  if (value.kind === 'map') return [value];
  if (value.kind === 'seq') return value.items.filter((i): i is TMap => i.kind === 'map');
  return [];
}

function keyText(node: YNode | null): string {
  if (node === null) return '';
  if (isScalar(node)) {
    // With `merge: true` the yaml package gives the `<<` key a symbol value.
    if (typeof node.value === 'symbol') return '<<';
    return node.value === null || node.value === undefined ? '' : String(node.value);
  }
  return String(node);
}

function scalarStyle(type: Scalar.Type | undefined): ScalarStyle {
  switch (type) {
    case 'QUOTE_SINGLE':
      return 'single';
    case 'QUOTE_DOUBLE':
      return 'double';
    case 'BLOCK_LITERAL':
      return 'literal';
    case 'BLOCK_FOLDED':
      return 'folded';
    default:
      return 'plain';
  }
}

