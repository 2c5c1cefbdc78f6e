import { makeSourceFile, type SourceFile } from '../model/source.js';
import { normalizeRelPath, startingWith, type FileHost, type ReadError } from '../parsers/host.js';

export const MEMORY_ROOT = '/memory';

/** A repository held in memory: rule examples, tests, and text read from standard input. */
export class MemoryHost implements FileHost {
  private readonly files = new Map<string, SourceFile>();

  /** `overrides`: absolute path (`<root>/<rel>`) → text that replaces a file's content. */
  constructor(
    contents: Readonly<Record<string, string>>,
    private readonly root = MEMORY_ROOT,
    overrides: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const [rel, text] of Object.entries(contents)) {
      const norm = normalizeRelPath(rel) ?? rel;
      const abs = `${root}/${norm}`;
      this.files.set(norm, makeSourceFile(abs, norm, overrides.get(abs) ?? text));
    }
  }

  read(relPath: string): SourceFile | ReadError {
    const rel = normalizeRelPath(relPath);
    if (rel === undefined) return { error: 'the path leaves the repository root', reason: 'unreadable' };
    return this.files.get(rel) ?? { error: 'no such file', reason: 'unreadable' };
  }

  absolute(relPath: string): string {
    return `${this.root}/${relPath}`;
  }

  filesStartingWith(prefix: string): readonly string[] {
    return startingWith([...this.files.keys()].sort(), prefix);
  }
}
