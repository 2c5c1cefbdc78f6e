import { TomlDocument, TomlFormat } from '@decimalturn/toml-patch';
import { parse as strictParse, TomlError } from 'smol-toml';
import { computeLineStarts, type SourceFile } from '../../model/source.js';
import type { Span } from '../../model/span.js';
import type { TMap, Tree, TScalar, TSeq } from '../../model/tree.js';

/** toml-patch's CST, as far as we read it (its node types are not exported). */
interface CstLoc {
  start: { line: number; column: number };
  end: { line: number; column: number };
}
interface CstNode {
  type: string;
  loc: CstLoc;
  raw?: string;
  value?: unknown;
  key?: CstNode;
  item?: CstNode;
  items?: CstNode[];
}

export interface LoadedToml {
  root: TMap | undefined;
  error?: { span: Span; message: string };
}

/**
 * Reads TOML into the value tree. `text` may be embedded in another file (a Helm chart's values.yaml):
 * `toFileOffset` maps an offset in `text` to one in `file`.
 */
export function loadToml(file: SourceFile, text: string, toFileOffset: (offset: number) => number = (o) => o): LoadedToml {
  const lineStarts = computeLineStarts(text);
  const offsetOf = (line: number, column: number): number => (lineStarts[line - 1] ?? text.length) + column;
  const span = (loc: CstLoc): Span => ({
    file,
    start: toFileOffset(offsetOf(loc.start.line, loc.start.column)),
    end: toFileOffset(offsetOf(loc.end.line, loc.end.column)),
  });
  try {
    // smol-toml is the strict judge of validity (duplicate tables, bad values) and says where.
    strictParse(text);
  } catch (e) {
    if (e instanceof TomlError) {
      const at = toFileOffset(offsetOf(e.line, Math.max(0, e.column - 1)));
      return { root: undefined, error: { span: { file, start: at, end: at }, message: firstLine(e.message) } };
    }
    throw e;
  }
  let cst: CstNode[];
  try {
    cst = readCst(text);
  } catch (e) {
    const at = toFileOffset(0);
    return { root: undefined, error: { span: { file, start: at, end: at }, message: firstLine(String(e)) } };
  }
  return { root: new Builder(span, file, toFileOffset(0)).build(cst) };
}

/**
 * toml-patch's syntax tree of `text`. Its document also guesses the file's formatting (indentation,
 * spacing) for writing new values, which cilint never asks it to do. The guess spreads one argument per
 * node into `Math.min`, so a big file (3 000 runners of 50 volumes each, or 20 000 small runners)
 * overflowed the call stack, and a valid config read as invalid. The guess is skipped: the format is
 * left at the default.
 */
function readCst(text: string): CstNode[] {
  const detect = TomlFormat.autoDetectFormatWithCst;
  TomlFormat.autoDetectFormatWithCst = () => TomlFormat.default();
  try {
    return new TomlDocument(text).cst as unknown as CstNode[];
  } finally {
    TomlFormat.autoDetectFormatWithCst = detect;
  }
}

function firstLine(message: string): string {
  return `invalid TOML: ${message.split('\n')[0].replace(/^Invalid TOML document: /, '').trim()}`;
}

/** A map under construction; frozen into a `TMap` at the end. */
interface MutableMap {
  kind: 'map';
  entries: { key: string; keySpan: Span; value: Tree | MutableMap | MutableSeq }[];
  span: Span;
}
interface MutableSeq {
  kind: 'seq';
  items: (Tree | MutableMap)[];
  span: Span;
}

class Builder {
  constructor(
    private readonly span: (loc: CstLoc) => Span,
    private readonly file: SourceFile,
    private readonly origin: number,
  ) {}

  build(blocks: CstNode[]): TMap {
    const root: MutableMap = { kind: 'map', entries: [], span: { file: this.file, start: this.origin, end: this.origin } };
    for (const block of blocks) {
      if (block.type === 'KeyValue') this.keyValue(root, block);
      else if (block.type === 'Table' || block.type === 'TableArray') {
        const keyNode = block.key!.item!;
        const path = keyNode.value as string[];
        const headerSpan = this.span(block.key!.loc);
        const table =
          block.type === 'Table' ? this.tableAt(root, path, headerSpan) : this.appendTableArray(root, path, headerSpan);
        table.span = headerSpan;
        for (const row of block.items ?? []) if (row.type === 'KeyValue') this.keyValue(table, row);
      }
    }
    return root as unknown as TMap;
  }

  private keyValue(into: MutableMap, kv: CstNode): void {
    const path = kv.key!.value as string[];
    const keySpan = this.span(kv.key!.loc);
    const parent = this.tableAt(into, path.slice(0, -1), keySpan);
    setEntry(parent, path[path.length - 1], keySpan, this.value(kv.value as CstNode));
  }

  /** The table at `path` below `from`, created as needed; an array of tables means its last element. */
  private tableAt(from: MutableMap, path: string[], at: Span): MutableMap {
    let current = from;
    for (const part of path) {
      const existing = current.entries.find((e) => e.key === part)?.value;
      if (existing && existing.kind === 'map') current = existing as MutableMap;
      else if (existing && existing.kind === 'seq' && existing.items.length && existing.items[existing.items.length - 1].kind === 'map') {
        current = existing.items[existing.items.length - 1] as MutableMap;
      } else {
        const created: MutableMap = { kind: 'map', entries: [], span: at };
        setEntry(current, part, at, created);
        current = created;
      }
    }
    return current;
  }

  private appendTableArray(root: MutableMap, path: string[], at: Span): MutableMap {
    const parent = this.tableAt(root, path.slice(0, -1), at);
    const last = path[path.length - 1];
    let seq = parent.entries.find((e) => e.key === last)?.value;
    if (!seq || seq.kind !== 'seq') {
      seq = { kind: 'seq', items: [], span: at };
      setEntry(parent, last, at, seq);
    }
    const table: MutableMap = { kind: 'map', entries: [], span: at };
    (seq as MutableSeq).items.push(table);
    return table;
  }

  private value(node: CstNode): Tree {
    const span = this.span(node.loc);
    switch (node.type) {
      case 'InlineArray':
        return { kind: 'seq', items: (node.items ?? []).map((i) => this.value(i.item!)), span } satisfies TSeq;
      case 'InlineTable': {
        const map: MutableMap = { kind: 'map', entries: [], span };
        for (const i of node.items ?? []) this.keyValue(map, i.item!);
        return map as unknown as TMap;
      }
      case 'String':
        return scalar(String(node.value), String(node.value), span, node.raw?.startsWith("'") ? 'single' : 'double');
      case 'Integer':
      case 'Float':
        return scalar(Number(node.value), node.raw ?? String(node.value), span, 'plain');
      case 'Boolean':
        return scalar(Boolean(node.value), String(node.value), span, 'plain');
      default:
        return scalar(node.raw ?? String(node.value), node.raw ?? String(node.value), span, 'plain');
    }
  }
}

function scalar(value: TScalar['value'], text: string, span: Span, style: TScalar['style']): TScalar {
  return { kind: 'scalar', value, text, span, style };
}

function setEntry(map: MutableMap, key: string, keySpan: Span, value: MutableMap['entries'][number]['value']): void {
  const entry = { key, keySpan, value };
  const i = map.entries.findIndex((e) => e.key === key);
  if (i >= 0) map.entries[i] = entry;
  else map.entries.push(entry);
}
