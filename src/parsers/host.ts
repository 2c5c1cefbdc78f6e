import { relative, sep } from 'node:path';
import type { SourceFile } from '../model/source.js';

/**
 * The parsers' only window on the disk, so they stay pure and testable: the engine implements it over
 * the repository, tests over an in-memory map. Paths are repository-relative with `/` separators.
 */
/**
 * `unreadable`: missing, a directory, no permission, outside the repository; `invalid`: read, but not
 * text (NUL bytes, not UTF-8) or too large to be a configuration.
 */
export interface ReadError {
  error: string;
  reason: 'unreadable' | 'invalid';
}

export interface FileHost {
  /** The file, or why it cannot be read. */
  read(relPath: string): SourceFile | ReadError;
  /** Absolute path of a repository-relative one, for messages. */
  absolute(relPath: string): string;
  /**
   * Repository-relative paths of the files whose path starts with `prefix` (the literal part of a GitLab
   * `include:` wildcard), sorted.
   */
  filesStartingWith(prefix: string): readonly string[];
}

/** The index of the first of the sorted `items` that is not below `value`. */
function firstAtLeast(items: readonly string[], value: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The sorted `items` that start with `prefix`: one range of them, found by binary search. */
export function startingWith(items: readonly string[], prefix: string): readonly string[] {
  const from = firstAtLeast(items, prefix);
  let to = from;
  while (to < items.length && items[to].startsWith(prefix)) to++;
  return items.slice(from, to);
}

/** Normalises a repository-relative path; undefined when it leaves the repository root. */
export function normalizeRelPath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/** `to` relative to `from`, with `/` separators whatever the platform: how cilint names files. */
export function posixRelative(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}
