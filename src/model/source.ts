import { lastAtOrBefore } from './span.js';

/** A file cilint has read, with what is needed to turn offsets into line/column positions. */
export interface SourceFile {
  /** Absolute path on disk. */
  readonly path: string;
  /** Path relative to the repository root, `/`-separated: the identity used in spans. */
  readonly relPath: string;
  /** Text with any BOM removed; offsets in spans index this string (UTF-16 code units). */
  readonly text: string;
  readonly hasBom: boolean;
  readonly lineStarts: readonly number[];
}

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

export function makeSourceFile(path: string, relPath: string, raw: string): SourceFile {
  const hasBom = raw.charCodeAt(0) === 0xfeff;
  const text = hasBom ? raw.slice(1) : raw;
  return { path, relPath, text, hasBom, lineStarts: computeLineStarts(text) };
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

export function positionAt(file: SourceFile, offset: number): Position {
  const starts = file.lineStarts;
  const clamped = Math.max(0, Math.min(offset, file.text.length));
  // The first line starts at 0, so some line starts at or before any offset.
  const line = lastAtOrBefore(starts, (s) => s, clamped);
  return { line: line + 1, column: clamped - starts[line] + 1 };
}
