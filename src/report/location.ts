import { sep } from 'node:path';
import { posixRelative } from '../parsers/host.js';
import { positionAt } from '../model/source.js';
import type { Finding } from '../engine/rule.js';

export interface FindingLocation {
  /** Relative to the current directory, `/`-separated. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function locate(f: Finding, cwd: string): FindingLocation {
  const start = positionAt(f.span.file, f.span.start);
  const end = positionAt(f.span.file, f.span.end);
  return { file: displayPath(f.span.file.path, cwd), line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

export function displayPath(abs: string, cwd: string): string {
  return posixRelative(cwd, abs) || abs.split(sep).join('/');
}
