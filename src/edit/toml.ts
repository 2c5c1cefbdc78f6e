import type { Edit } from '../engine/rule.js';
import type { LocatedList } from '../model/runner.js';
import type { Span } from '../model/span.js';

/** Text edits over TOML files (runner configs), placed so that everything around them stays as written. */

/**
 * Appends strings to the array `list` of the table whose header is written at `table`; without the
 * array, writes `key = [...]` on the line after the header, indented one step more than it.
 */
export function appendToArray(table: Span, list: LocatedList | undefined, key: string, values: readonly string[]): Edit | undefined {
  const file = table.file;
  const quoted = values.map((v) => JSON.stringify(v)).join(', ');
  if (list) {
    const last = list.items.at(-1);
    const at = last ? last.span.end : list.valueSpan.start + 1;
    return { file, start: at, end: at, text: last ? `, ${quoted}` : quoted };
  }
  const lineEnd = file.text.indexOf('\n', table.end);
  if (lineEnd === -1) return undefined;
  const headerLineStart = file.text.lastIndexOf('\n', table.start) + 1;
  const indent = file.text.slice(headerLineStart, table.start).replace(/[^ \t]/g, '');
  return { file, start: lineEnd + 1, end: lineEnd + 1, text: `${indent}  ${key} = [${quoted}]\n` };
}
