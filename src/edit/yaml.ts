import type { Edit } from '../engine/rule.js';
import { positionAt, type SourceFile } from '../model/source.js';
import { getEntry, type TEntry, type TMap, type TSeq, type Tree } from '../model/tree.js';
import { isScalar, parseDocument, type YAMLSeq } from 'yaml';
import { loadYaml } from '../parsers/yaml/load.js';
import { pickConfigDocument, writtenConfig } from '../parsers/gitlab/include.js';
import { memoForGroup } from '../model/memo.js';
import { lastAtOrBefore } from '../model/span.js';

/**
 * Text edits over YAML files, placed at the parsed nodes' ranges so that everything outside them
 * (comments, quoting, key order, line endings) stays as written.
 */

/**
 * The document a GitLab file configures (the one after a `spec:` header), as a mapping: as the pipeline
 * parser read it, or read here once per group for a file no pipeline of the group read. A fixed text is
 * a new SourceFile, read afresh.
 */
export const configRoot = memoForGroup((file: SourceFile): TMap | undefined => {
  const read = writtenConfig(file);
  const doc = read !== undefined ? read : pickConfigDocument(loadYaml(file).documents);
  return doc?.kind === 'map' ? doc : undefined;
});

/** The top-level entry of `root` whose key or value holds `offset` (the first such, in the map's order). */
export function topLevelEntryAt(root: TMap, offset: number): TEntry | undefined {
  const ordered = entriesInTextOrder(root);
  if (!ordered) return root.entries.find((e) => holds(e, offset));
  // Each entry's text lies after the previous one's: the last entry starting at or before `offset` is
  // the only one that may hold it.
  const e = ordered[lastAtOrBefore(ordered, (o) => o.keySpan.start, offset)];
  return e && holds(e, offset) ? e : undefined;
}

function holds(e: TEntry, offset: number): boolean {
  return e.keySpan.start <= offset && offset <= entryEnd(e);
}

function entryEnd(e: TEntry): number {
  return Math.max(e.value.span.end, e.keySpan.end);
}

/**
 * A map's entries when each is written after the previous one ends, as a file's top-level keys are; else
 * undefined (entries merged in with `<<` stand where their anchor is). Asked once per finding that a fix
 * places, so a file with thousands of them is not searched from its start for each.
 */
const entriesInTextOrder = memoForGroup((root: TMap): readonly TEntry[] | undefined => {
  const entries = root.entries;
  for (let i = 1; i < entries.length; i++) if (entries[i].keySpan.start <= entryEnd(entries[i - 1])) return undefined;
  return entries;
});

function columnOf(file: SourceFile, offset: number): number {
  return positionAt(file, offset).column - 1;
}

/** The file's indentation step: the smallest indentation of an indented line, else two spaces. */
function indentStep(file: SourceFile): number {
  let step = Infinity;
  for (const m of file.text.matchAll(/^( +)\S/gm)) step = Math.min(step, m[1].length);
  return Number.isFinite(step) ? step : 2;
}

/**
 * Adds `key: valueText` to `map`, an entry of `owner` (so that an empty or missing mapping can be
 * created under it). Block mappings get a new line after their last entry at the entries'
 * indentation; flow mappings get `, key: value` before the closing brace.
 */
export function addMapEntry(file: SourceFile, owner: TEntry, childKey: string, key: string, valueText: string): Edit | undefined {
  if (owner.value.kind !== 'map') return undefined;
  const child = getEntry(owner.value, childKey);
  if (!child) {
    // A new `childKey:` block under the owner, after the owner's last entry.
    const last = owner.value.entries.at(-1);
    if (!last || isFlowCollection(file, owner.value)) return undefined;
    const indent = ' '.repeat(columnOf(file, last.keySpan.start));
    const at = endOfLine(file.text, last.value.span.end > last.keySpan.end ? last.value.span.end : last.keySpan.end);
    const step = ' '.repeat(layoutOf(file).step);
    return { file, start: at, end: at, text: `\n${indent}${childKey}:\n${indent}${step}${key}: ${valueText}` };
  }
  const map = child.value;
  // A key already there stays the only one: a second would be a duplicate key.
  if (map.kind !== 'map' || getEntry(map, key)) return undefined;
  if (isFlowCollection(file, map)) {
    const close = map.span.end - 1;
    if (file.text[close] !== '}') return undefined;
    const sep = map.entries.length ? ', ' : '';
    return { file, start: close, end: close, text: `${sep}${key}: ${valueText}` };
  }
  const last = map.entries.at(-1);
  if (!last) return undefined;
  const indent = ' '.repeat(columnOf(file, last.keySpan.start));
  const at = endOfLine(file.text, Math.max(last.value.span.end, last.keySpan.end));
  return { file, start: at, end: at, text: `\n${indent}${key}: ${valueText}` };
}

/** The end of the line holding `offset`, before its line break and any trailing comment's end. */
function endOfLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  const end = nl === -1 ? text.length : nl;
  return text[end - 1] === '\r' ? end - 1 : end;
}

/**
 * Gives a service written as an image string (`- registry/docker:dind` or an item of a flow list)
 * an alias, turning it into the mapping form; a service already written as a mapping gets an
 * `alias:` entry after its `name:`.
 */
export function addServiceAlias(file: SourceFile, service: Tree, alias: string): Edit | undefined {
  const text = file.text;
  if (service.kind === 'scalar') {
    const written = text.slice(service.span.start, service.span.end);
    const before = text.slice(text.lastIndexOf('\n', service.span.start - 1) + 1, service.span.start);
    if (/^\s*-\s+$/.test(before)) {
      // A block item: the mapping's keys line up under the first one, after `- `.
      const column = columnOf(file, service.span.start);
      return { file, start: service.span.start, end: service.span.end, text: `name: ${written}\n${' '.repeat(column)}alias: ${alias}` };
    }
    if (/[[,]\s*$/.test(before)) return { file, start: service.span.start, end: service.span.end, text: `{name: ${written}, alias: ${alias}}` };
    return undefined;
  }
  if (service.kind !== 'map' || getEntry(service, 'alias')) return undefined;
  const name = getEntry(service, 'name');
  if (!name) return undefined;
  if (isFlowCollection(file, service)) {
    return { file, start: name.value.span.end, end: name.value.span.end, text: `, alias: ${alias}` };
  }
  const at = endOfLine(text, name.value.span.end);
  return { file, start: at, end: at, text: `\n${' '.repeat(columnOf(file, name.keySpan.start))}alias: ${alias}` };
}

/* ---------- Writing values, replacing and removing entries and items (build translations) ---------- */

/** A sequence written in flow style (`[""]`), for short lists such as an image's `entrypoint`. */
export class FlowSeq {
  constructor(readonly items: readonly string[]) {}
}

/** A value to write into a YAML file. Strings pick their own style (plain, single-quoted, literal block). */
export type YamlValue = string | number | boolean | null | FlowSeq | readonly YamlValue[] | { readonly [key: string]: YamlValue };

/** How a file lays out what it nests: the indentation step, and where `-` stands under a key. */
export interface Layout {
  readonly step: number;
  /** Column of a block sequence's `-` relative to its key: `step` (indented) or 0 (compact). */
  readonly seqIndent: number;
}

/** The file's layout, read once per file (it scans the whole text). */
export const layoutOf = memoForGroup((file: SourceFile): Layout => {
  const step = indentStep(file);
  // The first `key:` line followed by a `- item` line tells how this file indents sequences.
  const m = /^( *)[^\s#-][^\n]*:[ \t]*\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*( *)- /m.exec(file.text);
  const seqIndent = m && m[2].length === m[1].length ? 0 : step;
  return { step, seqIndent };
});

/** A string as a scalar on one line, plain when YAML (1.1, as GitLab reads it) gives it back unchanged. */
export function inlineScalar(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return value === null ? 'null' : String(value);
  if (isPlainSafe(value)) return value;
  if (/[\u0000-\u0008\u000b-\u001f\u007f\n\t]/.test(value)) return JSON.stringify(value);
  return `'${value.replace(/'/g, "''")}'`;
}

function isPlainSafe(value: string): boolean {
  if (value === '' || value !== value.trim() || /[\n\t]/.test(value)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(value) && !/^-[^\s-]/.test(value) && !/^--[^\s]/.test(value)) return false;
  if (/: |:$| #/.test(value)) return false;
  try {
    const doc = parseDocument(`- ${value}\n`, { version: '1.1' });
    const item = (doc.contents as YAMLSeq | null)?.items[0];
    return doc.errors.length === 0 && isScalar(item) && item.value === value;
  } catch {
    return false;
  }
}

/** A string with line breaks as a literal block scalar (`|`), its lines at column `indent`. */
function literalBlock(value: string, indent: number): string {
  const trailing = /\n+$/.exec(value)?.[0].length ?? 0;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? value : value.slice(0, value.length - trailing);
  const pad = ' '.repeat(indent);
  const content = body.split('\n').map((l) => (l === '' ? '' : pad + l)).join('\n');
  return `|${chomp}\n${content}${trailing > 1 ? '\n'.repeat(trailing - 1) : ''}`;
}

/** A value written as a mapping (not a list or a scalar). */
export function isMapValue(v: YamlValue): v is { readonly [key: string]: YamlValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof FlowSeq);
}

function flowText(v: YamlValue): string | undefined {
  if (v instanceof FlowSeq) return `[${v.items.map((i) => (i === '' ? '""' : inlineScalar(i))).join(', ')}]`;
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (isMapValue(v) && Object.keys(v).length === 0) return '{}';
  return undefined;
}

/**
 * What follows `key:` for `value` under a key at column `keyColumn`: ` scalar`, ` [flow]`, or a line
 * break and the nested block.
 */
export function valueAfterKey(value: YamlValue, keyColumn: number, layout: Layout): string {
  const flow = flowText(value);
  if (flow !== undefined) return ` ${flow}`;
  if (Array.isArray(value)) {
    const dash = keyColumn + layout.seqIndent;
    return value.map((item: YamlValue) => `\n${' '.repeat(dash)}- ${itemText(item, dash, layout)}`).join('');
  }
  if (isMapValue(value)) {
    const col = keyColumn + layout.step;
    return Object.entries(value)
      .map(([k, v]) => `\n${' '.repeat(col)}${inlineScalar(k)}:${valueAfterKey(v, col, layout)}`)
      .join('');
  }
  return ` ${scalarText(value as string | number | boolean | null, keyColumn + layout.step)}`;
}

/** A sequence item's text after `- `, for a dash at column `dashColumn`. */
function itemText(value: YamlValue, dashColumn: number, layout: Layout): string {
  const flow = flowText(value);
  if (flow !== undefined) return flow;
  if (isMapValue(value)) {
    const col = dashColumn + 2;
    return Object.entries(value)
      .map(([k, v], i) => `${i === 0 ? '' : `\n${' '.repeat(col)}`}${inlineScalar(k)}:${valueAfterKey(v, col, layout)}`)
      .join('');
  }
  if (Array.isArray(value)) return `[${value.map((v: YamlValue) => inlineScalar(v as string)).join(', ')}]`;
  return scalarText(value as string | number | boolean | null, dashColumn + layout.step);
}

/** A scalar: on one line when it has no line break, else a literal block with its lines at `blockIndent`. */
export function scalarText(value: string | number | boolean | null, blockIndent: number): string {
  // A block whose first line starts with a blank would need an indentation indicator: quote it instead.
  if (typeof value === 'string' && value.includes('\n')) return /^[ \t\n]/.test(value) ? JSON.stringify(value) : literalBlock(value, blockIndent);
  return inlineScalar(value);
}

/** Where the line holding `offset` starts. */
function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * The line that ends just before `offset` (a line start) is blank: `/\n[ \t]*\r?\n$/` on the text
 * before it, read backwards from `offset` instead of scanning the file from its start.
 */
export function blankLineBefore(text: string, offset: number): boolean {
  let i = offset - 1;
  if (text[i] !== '\n') return false;
  i--;
  if (text[i] === '\r') i--;
  while (text[i] === ' ' || text[i] === '\t') i--;
  return text[i] === '\n';
}

/** The offset after the line break ending the line that holds `offset` (or the text's end). */
function afterLineBreak(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** What stands after `offset` up to the end of its line is blank or a comment. */
function lineEndsAfter(text: string, offset: number): boolean {
  return /^[ \t]*(#[^\n]*)?\r?(\n|$)/.test(text.slice(offset, afterLineBreak(text, offset)));
}

/** Whether a collection is written in flow style (`[a, b]`, `{a: 1}`). */
export function isFlowCollection(file: SourceFile, t: Tree): boolean {
  // A block mapping may start with `[` (a flow-sequence key); only `{` opens a flow mapping.
  const c = file.text[t.span.start];
  return t.kind === 'map' ? c === '{' : c === '[' || c === '{';
}

/** The entries written in `map` itself in `file`, without those merged in from elsewhere with `<<:`. */
export function ownEntries(file: SourceFile, map: TMap): TEntry[] {
  return map.entries.filter((e) => e.keySpan.file.path === file.path && e.keySpan.start >= map.span.start && e.keySpan.end <= map.span.end);
}

/** The offset just after the `:` that ends an entry's key, or undefined when none follows it. */
function colonAfterKey(text: string, entry: TEntry): number | undefined {
  const m = /^[ \t]*:/.exec(text.slice(entry.keySpan.end, entry.keySpan.end + 64));
  return m ? entry.keySpan.end + m[0].length : undefined;
}

/** Where an entry's value is written after `key:`; an alias (`*x`) counts as the value's text. */
function writtenValueRange(file: SourceFile, entry: TEntry): { start: number; end: number } | undefined {
  const text = file.text;
  const colon = colonAfterKey(text, entry);
  if (colon === undefined) return undefined;
  const rest = text.slice(colon);
  const alias = /^[ \t]*(\*[^\s,\]}#]+)/.exec(rest);
  if (alias) return { start: colon, end: colon + alias[0].length };
  const v = entry.value;
  const implicitNull = v.kind === 'scalar' && v.value === null && v.span.end <= colon;
  if (implicitNull) return { start: colon, end: colon };
  if (v.span.file.path !== file.path || v.span.start < colon) return undefined;
  // An anchor before the value would be lost with it, and aliases elsewhere would break; a tag
  // (`!reference [.tmpl, services]`) belongs to the value it replaces.
  if (/&/.test(text.slice(colon, v.span.start).replace(/#[^\n]*/g, ''))) return undefined;
  return { start: colon, end: v.span.end };
}

/**
 * Where an entry's text ends: after its value as written (an anchored value included, which
 * `writtenValueRange` leaves out because replacing it would drop the anchor), or after its key.
 */
function entryTextEnd(file: SourceFile, entry: TEntry): number {
  const range = writtenValueRange(file, entry);
  if (range) return range.end;
  const v = entry.value;
  const colon = colonAfterKey(file.text, entry);
  if (colon !== undefined && v.span.file.path === file.path && v.span.start >= colon) return Math.max(v.span.end, colon);
  return entry.keySpan.end;
}

/** Replaces an entry's value (key and comments kept). The entry must be written in block style. */
export function replaceEntryValue(file: SourceFile, entry: TEntry, value: YamlValue, layout: Layout): Edit | undefined {
  const range = writtenValueRange(file, entry);
  if (!range) return undefined;
  const rendered = valueAfterKey(value, columnOf(file, entry.keySpan.start), layout);
  if (rendered.startsWith('\n')) {
    // A nested block starts on the next line: a comment after the old value stays on the key's line.
    const eol = endOfLine(file.text, range.end);
    const tail = file.text.slice(range.end, eol);
    if (!/^[ \t]*(#.*)?$/.test(tail)) return undefined;
    return { file, start: range.start, end: eol, text: `${tail}${rendered}` };
  }
  return { file, start: range.start, end: range.end, text: rendered };
}

/** The range of a block entry's lines: from its key's line start to after its value's last line break. */
function blockEntryLines(file: SourceFile, entry: TEntry): { start: number; end: number } | undefined {
  const text = file.text;
  const start = lineStart(text, entry.keySpan.start);
  if (text.slice(start, entry.keySpan.start).trim() !== '') return undefined;
  const end = entryTextEnd(file, entry);
  if (!lineEndsAfter(text, end)) return undefined;
  return { start, end: afterLineBreak(text, end) };
}

/**
 * Edits that remove `remove` from a mapping and add `add` after the last entry that stays. Block
 * mappings lose whole lines; flow mappings are rewritten from their remaining entries as written.
 * Entries merged in with `<<:` are not the mapping's own and are never touched.
 */
export function patchMapEntries(
  file: SourceFile,
  map: TMap,
  remove: ReadonlySet<string>,
  add: readonly (readonly [string, YamlValue])[],
  layout: Layout,
): Edit[] | undefined {
  const own = ownEntries(file, map);
  const kept = own.filter((e) => !remove.has(e.key));
  if (isFlowCollection(file, map)) {
    const parts = kept.map((e) => file.text.slice(e.keySpan.start, writtenValueRange(file, e)?.end ?? e.keySpan.end));
    for (const [k, v] of add) {
      const flow = flowText(v);
      if (flow === undefined && (typeof v === 'object' && v !== null)) return undefined;
      parts.push(`${inlineScalar(k)}: ${flow ?? inlineScalar(v as string)}`);
    }
    return [{ file, start: map.span.start, end: map.span.end, text: `{${parts.join(', ')}}` }];
  }
  const edits: Edit[] = [];
  for (const e of own) {
    if (!remove.has(e.key)) continue;
    const lines = blockEntryLines(file, e);
    if (!lines) return undefined;
    // A block set apart by blank lines takes one of them along, so no double gap is left.
    const blank = /^[ \t]*\r?\n/.exec(file.text.slice(lines.end));
    const apart = lines.start === 0 || blankLineBefore(file.text, lines.start);
    edits.push({ file, start: lines.start, end: blank && apart ? lines.end + blank[0].length : lines.end, text: '' });
  }
  if (add.length === 0) return edits;
  const column = columnOf(file, own[0] ? own[0].keySpan.start : map.span.start);
  const rendered = add.map(([k, v]) => `${' '.repeat(column)}${inlineScalar(k)}:${valueAfterKey(v, column, layout)}`).join('\n');
  const last = kept.at(-1);
  if (last) {
    // On the line after the entry, so that removing the entry's last items (whole lines) stays apart.
    const at = afterLineBreak(file.text, entryTextEnd(file, last));
    const eof = at === file.text.length && !file.text.endsWith('\n');
    edits.push({ file, start: at, end: at, text: eof ? `\n${rendered}` : `${rendered}\n` });
    return edits;
  }
  // Every entry goes: the new ones take the place of the first.
  const first = edits[0];
  if (!first) return undefined;
  return [{ ...first, text: `${rendered}\n` }, ...edits.slice(1)];
}

/**
 * Edits that replace each item of a sequence listed in `changes` by zero or more items. Block
 * sequences keep the other items' lines (and comments) as written; flow sequences are rewritten
 * from their remaining items. Undefined when the sequence cannot be edited in place.
 */
export function patchSeqItems(
  file: SourceFile,
  seq: TSeq,
  changes: ReadonlyMap<number, readonly YamlValue[]>,
  layout: Layout,
): Edit[] | undefined {
  const text = file.text;
  if (isFlowCollection(file, seq)) {
    const parts: string[] = [];
    for (const [i, item] of seq.items.entries()) {
      const replaced = changes.get(i);
      if (!replaced) parts.push(text.slice(item.span.start, item.span.end));
      else for (const v of replaced) parts.push(flowText(v) ?? (typeof v === 'object' && v !== null ? '' : inlineScalar(v)));
    }
    if (parts.some((p) => p === '')) return undefined;
    return [{ file, start: seq.span.start, end: seq.span.end, text: `[${parts.join(', ')}]` }];
  }
  const edits: Edit[] = [];
  for (const [i, values] of changes) {
    const item = seq.items[i];
    if (!item || item.span.file.path !== file.path || item.span.start < seq.span.start || item.span.end > seq.span.end) return undefined;
    const start = lineStart(text, item.span.start);
    const before = text.slice(start, item.span.start);
    const dash = /^([ \t]*)-[ \t]+$/.exec(before);
    if (!dash || !lineEndsAfter(text, item.span.end)) return undefined;
    const dashColumn = dash[1].length;
    if (values.length === 0) {
      edits.push({ file, start, end: afterLineBreak(text, item.span.end), text: '' });
      continue;
    }
    const eol = endOfLine(text, item.span.end);
    const tail = text.slice(item.span.end, eol);
    const first = itemText(values[0], dashColumn, layout);
    const more = values.slice(1).map((v) => `\n${' '.repeat(dashColumn)}- ${itemText(v, dashColumn, layout)}`).join('');
    edits.push({ file, start: item.span.start, end: eol, text: `${first}${tail}${more}` });
  }
  return edits;
}
