import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import picomatch from 'picomatch';
import { makeSourceFile, type SourceFile } from '../model/source.js';
import { normalizeRelPath, posixRelative, startingWith, type FileHost, type ReadError } from '../parsers/host.js';

/** Larger files are refused rather than read: no CI configuration is this big. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Real paths of folders, each found from its parent's with one lstat: realpath(3) looks at every
 * component of every path it is given, and a lint asks for the same folders many times.
 */
export class RealFolders {
  private readonly known = new Map<string, string>();

  get(dir: string): string {
    let real = this.known.get(dir);
    if (real !== undefined) return real;
    const parent = dirname(dir);
    real = parent === dir || lstatSync(dir).isSymbolicLink() ? realpathSync.native(dir) : join(this.get(parent), basename(dir));
    this.known.set(dir, real);
    return real;
  }
}

/** Reading files below one repository root, never outside it (symlinks included). */
export class FsHost implements FileHost {
  private readonly cache = new Map<string, SourceFile | ReadError>();
  private allFiles: string[] | undefined;
  private readonly realRoot: string;

  /**
   * `overrides`: absolute path → text that replaces the file's content (standard input); `realFolders`:
   * shared by the hosts of one run.
   */
  constructor(
    readonly root: string,
    private readonly overrides: ReadonlyMap<string, string> = new Map(),
    private readonly realFolders = new RealFolders(),
  ) {
    this.realRoot = realFolders.get(root);
  }

  read(relPath: string): SourceFile | ReadError {
    const rel = normalizeRelPath(relPath);
    if (rel === undefined) return { error: 'the path leaves the repository root', reason: 'unreadable' };
    const cached = this.cache.get(rel);
    if (cached) return cached;
    const result = this.load(rel);
    this.cache.set(rel, result);
    return result;
  }

  private load(rel: string): SourceFile | ReadError {
    const abs = join(this.root, rel);
    const override = this.overrides.get(abs);
    // Standard input is text already, but may still hold NUL bytes: refused as a file holding them is.
    if (override !== undefined) return override.includes('\0') ? { error: BINARY, reason: 'invalid' } : makeSourceFile(abs, rel, override);
    let read: ReturnType<typeof readRegularFile>;
    try {
      read = this.readInside(abs);
    } catch (e) {
      return { error: describeFsError(e), reason: 'unreadable' };
    }
    return 'error' in read ? read : makeSourceFile(abs, rel, read.text);
  }

  /**
   * A file costs one lstat unless it is a symlink itself; its folder's real path is known. A symlink is
   * followed, and any file read, only after checking where it leads.
   */
  private readInside(abs: string): ReturnType<typeof readRegularFile> {
    let st = lstatSync(abs);
    let real: string;
    if (st.isSymbolicLink()) {
      real = realpathSync.native(abs);
      st = statSync(real);
    } else {
      real = join(this.realFolders.get(dirname(abs)), basename(abs));
    }
    return this.inside(real) ? readStatted(real, st, { noFollow: true }) : OUTSIDE;
  }

  private inside(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.realRoot + sep);
  }

  absolute(relPath: string): string {
    return join(this.root, relPath);
  }

  glob(pattern: string): string[] {
    const isMatch = picomatch(pattern, { dot: true });
    return this.files().filter((f) => isMatch(f));
  }

  /**
   * The tree is walked once per host; each wildcard include then reads only the range of files under
   * its literal prefix (150 wildcard includes over 200 000 files matched each file 150 times: 3.7 s).
   */
  filesStartingWith(prefix: string): readonly string[] {
    return startingWith(this.files(), prefix);
  }

  /** Every file below the root, sorted. */
  private files(): string[] {
    if (!this.allFiles) {
      this.allFiles = [];
      walkFiles(this.root, this.root, this.allFiles);
      this.allFiles.sort();
    }
    return this.allFiles;
  }
}

function walkFiles(root: string, dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === '.git' || e.name === 'node_modules') continue;
    const abs = join(dir, e.name);
    if (e.isDirectory()) walkFiles(root, abs, out);
    else if (e.isFile()) out.push(posixRelative(root, abs));
  }
}

const OUTSIDE: ReadError = { error: 'the path resolves outside the repository root', reason: 'unreadable' };

/** Why a folder is not read as a file, however that was found out (its stat, or EISDIR). */
export const IS_A_DIRECTORY = 'it is a directory';

/**
 * A regular file's text as `decodeText` reads it. Anything else is refused without being opened: a
 * directory, and a named pipe (FIFO), a socket or a device, whose read would wait for a writer that may
 * never come, or never end. So is a file larger than MAX_FILE_BYTES. Throws what `stat` throws
 * (ENOENT, EACCES, ELOOP...). `pipe`: a named pipe is read, for a path the user gave (`<(...)`).
 */
export function readRegularFile(path: string, opts: { pipe?: boolean } = {}): { text: string } | { error: string; reason: ReadError['reason'] } {
  const st = statSync(path);
  return readStatted(path, st, { pipe: opts.pipe === true && st.isFIFO() });
}

/**
 * A file's text as it comes, to look at what it holds: not decoded as `decodeText` would, nor refused
 * for bytes that are not UTF-8. Undefined for anything `readRegularFile` refuses or cannot read.
 */
export function sniffText(path: string, encoding: 'utf8' | 'latin1'): string | undefined {
  try {
    if (refusal(statSync(path))) return undefined;
    const text = openChecked(path, false, (fd) => readFileSync(fd, encoding));
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * Opens a file that `stat` found regular, and reads it with `read` if it still is one. The file may
 * have been swapped since: O_NONBLOCK keeps a named pipe put in its place from blocking the open, and
 * with `noFollow`, O_NOFOLLOW refuses a symlink put there (ELOOP), which could lead out of the
 * repository. What the open found is looked at again (fstat) before anything is read.
 */
function openChecked<T>(path: string, noFollow: boolean, read: (fd: number) => T): T | ReadError {
  const fd = openSync(path, constants.O_RDONLY | O_NONBLOCK | (noFollow ? O_NOFOLLOW : 0));
  try {
    return refusal(fstatSync(fd)) ?? read(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * `readRegularFile` for a path whose `stat` is known (`noFollow`: the stat was an lstat, and a symlink
 * is not followed). Most files are UTF-8 without NUL bytes, and Node decodes those fastest straight to
 * a string; the bytes are looked at only when the string shows U+FFFD (bytes that are not UTF-8, a
 * UTF-16 BOM, or a U+FFFD written in the file) or a NUL.
 */
export function readStatted(path: string, st: Stats, opts: { pipe?: boolean; noFollow?: boolean } = {}): ReturnType<typeof readRegularFile> {
  // A pipe's content can be read only once, and it is waited for.
  if (opts.pipe) return decoded(decodeText(readFileSync(path)));
  const refused = refusal(st);
  if (refused) return refused;
  return openChecked(path, opts.noFollow === true, (fd) => {
    const text = readFileSync(fd, 'utf8');
    return !text.includes('\ufffd') && !text.includes('\0') ? { text } : decoded(decodeText(bytesOf(fd)));
  });
}

/**
 * A regular file's bytes, opened as `readStatted` opens files below the root (no symlink followed at
 * the last step, no wait on a pipe): what `fix` compares with what it read before writing over it.
 */
export function readFileBytes(path: string): Buffer | ReadError {
  return openChecked(path, true, bytesOf);
}

function decoded(d: ReturnType<typeof decodeText>): ReturnType<typeof readRegularFile> {
  return 'error' in d ? { error: d.error, reason: 'invalid' } : d;
}

/** An open file's bytes, from its start. */
function bytesOf(fd: number): Buffer {
  const chunks: Buffer[] = [];
  for (let at = 0; ; ) {
    const chunk = Buffer.allocUnsafe(1 << 16);
    const n = readSync(fd, chunk, 0, chunk.length, at);
    if (n === 0) return Buffer.concat(chunks);
    chunks.push(chunk.subarray(0, n));
    at += n;
  }
}

/** Why a path is no file cilint reads, if it is not one. */
function refusal(st: Stats): ReadError | undefined {
  if (st.isFile()) {
    return st.size > MAX_FILE_BYTES ? { error: `it is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`, reason: 'invalid' } : undefined;
  }
  if (st.isDirectory()) return { error: IS_A_DIRECTORY, reason: 'unreadable' };
  const what = st.isFIFO() ? 'a named pipe (FIFO)' : st.isSocket() ? 'a socket' : 'a device';
  return { error: `it is ${what}, not a file`, reason: 'unreadable' };
}

const BINARY = 'it is a binary file (it contains NUL bytes), not a text configuration';

/** Text as cilint reads it: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused. */
export function decodeText(buf: Buffer): { text: string } | { error: string } {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
    return { text: '\ufeff' + new TextDecoder('utf-16le').decode(buf.subarray(2)) };
  }
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    return { text: '\ufeff' + new TextDecoder('utf-16be').decode(buf.subarray(2)) };
  }
  if (buf.includes(0)) return { error: BINARY };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf) };
  } catch {
    return { error: 'it is not valid UTF-8 text' };
  }
}

export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return IS_A_DIRECTORY;
    default:
      return e instanceof Error ? e.message : String(e);
  }
}
