import type { TScalar } from './tree.js';

/** How far ahead a character of the value is looked for in the source before giving up on it. */
const SEARCH_WINDOW = 256;

/** Every this many characters of a value, where the walk below stands in the source (see `walks`). */
const CHECKPOINT = 256;

/**
 * Per scalar, the source position the walk reaches after each CHECKPOINT characters of the value
 * (index k: after k × CHECKPOINT), extended as far as a query needs. A script of some thousand lines
 * is asked for the place of each of its commands: walking from the value's start every time made that
 * quadratic (a 3 MB script with 30 000 builds took hours to translate).
 */
const walks = new WeakMap<TScalar, number[]>();

/**
 * Maps an offset inside a scalar's parsed value back to an offset in the file. Exact for plain
 * and literal-block scalars; for quoted and folded ones, escapes and line folding make it exact up to
 * the line, which is what findings inside a multi-line script need.
 */
export function sourceOffsetOf(scalar: TScalar, valueOffset: number): number {
  const text = scalar.span.file.text;
  const value = scalar.text;
  const end = scalar.span.end;
  const target = Math.max(0, Math.min(valueOffset, value.length));
  let checkpoints = walks.get(scalar);
  if (!checkpoints) walks.set(scalar, (checkpoints = [contentStart(scalar)]));
  // Each character of the value is looked for from where the previous one was found: the walk depends
  // on nothing else, so it resumes from the last checkpoint at or before the target.
  const step = (p: number, from: number, to: number): number => {
    for (let i = from; i < to; i++) {
      const limit = Math.min(end, p + SEARCH_WINDOW);
      const found = text.indexOf(value[i], p);
      if (found !== -1 && found < limit) p = found + 1;
    }
    return p;
  };
  const k = Math.floor(target / CHECKPOINT);
  while (checkpoints.length <= k) {
    const i = checkpoints.length - 1;
    checkpoints.push(step(checkpoints[i], i * CHECKPOINT, (i + 1) * CHECKPOINT));
  }
  let p = step(checkpoints[k], k * CHECKPOINT, target);
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
