import type { Edit } from '../engine/rule.js';
import { positionAt, type SourceFile } from '../model/source.js';
import { getEntry, type TEntry, type TMap, type Tree } from '../model/tree.js';
import { loadYaml } from '../parsers/yaml/load.js';

/**
 * Text edits over YAML files, placed at the parsed nodes' ranges so that everything outside them
 * (comments, quoting, key order, line endings) stays as written.
 */

/** The document a GitLab file configures (the one after a `spec:` header), as a mapping. */
export function configRoot(file: SourceFile): TMap | undefined {
  const docs = loadYaml(file).documents;
  const doc = docs.length > 1 && docs[0].kind === 'map' && getEntry(docs[0], 'spec') ? docs[1] : docs[0];
  return doc?.kind === 'map' ? doc : undefined;
}

/** The top-level entry of `root` whose key or value holds `offset`. */
export function topLevelEntryAt(root: TMap, offset: number): TEntry | undefined {
  return root.entries.find((e) => e.keySpan.start <= offset && offset <= Math.max(e.value.span.end, e.keySpan.end));
}

function columnOf(file: SourceFile, offset: number): number {
  return positionAt(file, offset).column - 1;
}

/** The file's indentation step: the smallest indentation of an indented line, else two spaces. */
export function indentStep(file: SourceFile): number {
  let step = Infinity;
  for (const m of file.text.matchAll(/^( +)\S/gm)) step = Math.min(step, m[1].length);
  return Number.isFinite(step) ? step : 2;
}

/** Whether a mapping is written in flow style (`{a: 1}`). */
function isFlow(file: SourceFile, map: Tree): boolean {
  return file.text[map.span.start] === '{';
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
    if (!last || isFlow(file, owner.value)) return undefined;
    const indent = ' '.repeat(columnOf(file, last.keySpan.start));
    const at = endOfLine(file.text, last.value.span.end > last.keySpan.end ? last.value.span.end : last.keySpan.end);
    const step = ' '.repeat(indentStep(file));
    return { file, start: at, end: at, text: `\n${indent}${childKey}:\n${indent}${step}${key}: ${valueText}` };
  }
  const map = child.value;
  if (map.kind !== 'map') return undefined;
  if (isFlow(file, map)) {
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
  if (isFlow(file, service)) {
    return { file, start: name.value.span.end, end: name.value.span.end, text: `, alias: ${alias}` };
  }
  const at = endOfLine(text, name.value.span.end);
  return { file, start: at, end: at, text: `\n${' '.repeat(columnOf(file, name.keySpan.start))}alias: ${alias}` };
}
