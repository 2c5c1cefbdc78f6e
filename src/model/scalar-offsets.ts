import type { TScalar } from './tree.js';

/** How far ahead a character of the value is looked for in the source before giving up on it. */
const SEARCH_WINDOW = 256;

/**
 * Maps an offset inside a scalar's parsed value back to an offset in the file. Exact for plain
 * and literal-block scalars; for quoted and folded ones, escapes and line folding make it exact up to
 * the line, which is what findings inside a multi-line script need.
 */
export function sourceOffsetOf(scalar: TScalar, valueOffset: number): number {
  const text = scalar.span.file.text;
  const value = scalar.text;
  const end = scalar.span.end;
  let p = contentStart(scalar);
  const target = Math.max(0, Math.min(valueOffset, value.length));
  for (let i = 0; i < target; i++) {
    const limit = Math.min(end, p + SEARCH_WINDOW);
    const found = text.indexOf(value[i], p);
    if (found !== -1 && found < limit) p = found + 1;
  }
  // Skip the indentation between a line break and the next character of the value.
  if (target < value.length) {
    const found = text.indexOf(value[target], p);
    if (found !== -1 && found < Math.min(end, p + SEARCH_WINDOW)) p = found;
  }
  return Math.min(p, end);
}

function contentStart(scalar: TScalar): number {
  const { start } = scalar.span;
  const text = scalar.span.file.text;
  switch (scalar.style) {
    case 'single':
    case 'double':
      return start + 1;
    case 'literal':
    case 'folded': {
      const nl = text.indexOf('\n', start);
      return nl === -1 ? start : nl + 1;
    }
    default:
      return start;
  }
}
