import type { SourceFile } from './source.js';

/** Where a value is written: a half-open range of UTF-16 offsets into one file's text. */
export interface Span {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

/** A value together with the place it is written (actionlint's `String{Value, Pos}`). */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
}

export function spanText(span: Span): string {
  return span.file.text.slice(span.start, span.end);
}

export function spanKey(span: Span): string {
  return `${span.file.path}:${span.start}:${span.end}`;
}

/** Whether two spans cover the same text of the same file (by path, as `spanKey` tells them apart). */
export function sameSpan(a: Span | undefined, b: Span): boolean {
  return a !== undefined && a.file.path === b.file.path && a.start === b.start && a.end === b.end;
}

/**
 * The index of the last of `items` (in ascending order of `startOf`) that starts at or before `offset`,
 * or -1 when none does: a binary search, for the lookups by offset (a line, a top-level key, a shell
 * statement) that a big file asks for once per finding or command.
 */
export function lastAtOrBefore<T>(items: readonly T[], startOf: (item: T) => number, offset: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (startOf(items[mid]) <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
