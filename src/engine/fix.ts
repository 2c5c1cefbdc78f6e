import { chmodSync, chownSync, closeSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadYaml } from '../parsers/yaml/load.js';
import { parseGroovyText } from '../parsers/jenkins/index.js';
import { loadToml } from '../parsers/toml/load.js';
import { makeSourceFile, type SourceFile } from '../model/source.js';
import { pushTo } from '../model/lists.js';
import { isJenkinsfileName } from './discover.js';
import { decodeText, readFileBytes } from './fs-host.js';
import { lintPaths, type LintOptions, type LintResult } from './lint.js';
import type { Edit, Finding, Fix, Strategy } from './rule.js';

/** ESLint's and ruff's limit: a fix loop that has not settled by then is a bug in some rule. */
export const MAX_PASSES = 10;

export interface FixOptions {
  /** Apply unsafe fixes too (`--unsafe-fixes`). */
  unsafe: boolean;
  /** Apply the build translations of this strategy (`--strategy`); they need nothing else. */
  strategy?: Strategy;
}

export interface FixOutcome {
  rule: string;
  title: string;
  /** Where the finding was reported. */
  file: string;
  /** What the fix asks the user to know (see `Fix.notes`). */
  notes?: readonly string[];
  /** Set for a build translation. */
  strategy?: Strategy;
}

export interface FileChange {
  path: string;
  /** The file's bytes as text before and after, BOM included. */
  before: string;
  after: string;
}

export interface FixResult<R extends { findings: Finding[] } = LintResult> {
  applied: FixOutcome[];
  /** Fixes that could not be applied, with the reason. */
  skipped: (FixOutcome & { reason: string })[];
  /** Unsafe fixes not applied because `--unsafe-fixes` was not given (build translations never are). */
  heldBack: FixOutcome[];
  /** Rules whose fixes did not settle within MAX_PASSES: a bug to report. */
  unconverged: string[];
  changes: FileChange[];
  /** The lint result after the last pass: what is left. */
  remaining: R;
}

/**
 * The fix loop: lint, take the applicable fixes, apply those whose edits do not overlap (the others
 * wait for the next pass), check that every changed file still parses (else roll that file back),
 * re-lint, until nothing changes or MAX_PASSES. Works in memory; `writeChanges` puts it on disk.
 */
export function fixPaths(lint: LintOptions, opts: FixOptions): FixResult {
  // A fixed file is checked the way it was linted: `--kind jenkins` makes any file a Jenkinsfile.
  const syntaxes = new Map<string, Syntax>();
  // One settings object for every pass of this run, and for no other run: the translations' budget
  // (TRANSLATED_ITEMS_PER_FILE) is kept by it.
  const fix = lint.fix && { ...lint.fix };
  const lintWith = (overrides: ReadonlyMap<string, string>) => {
    const result = lintPaths({ ...lint, fix, overrides });
    for (const t of result.targets) syntaxes.set(t.path, t.kind === 'jenkins' ? 'groovy' : t.kind === 'runner' && t.format === 'toml' ? 'toml' : 'yaml');
    return result;
  };
  return fixLoop(lintWith, opts, lint.overrides, (path) => syntaxes.get(path));
}

/** The language a fixed file must still parse in. */
export type Syntax = 'yaml' | 'toml' | 'groovy';

/** A file's language by its name: what a file the lint was not given (an include, a `yamlFile`) is. */
function syntaxByName(path: string): Syntax {
  if (/\.toml$/i.test(path)) return 'toml';
  return isJenkinsfileName(basename(path)) || /\.groovy$/i.test(path) ? 'groovy' : 'yaml';
}

/** The loop itself, over any way of linting with texts replaced (tests and rule examples lint in memory). */
export function fixLoop<R extends { findings: Finding[] }>(
  lintWith: (overrides: ReadonlyMap<string, string>) => R,
  opts: FixOptions,
  initial: ReadonlyMap<string, string> = new Map(),
  syntaxOf: (path: string) => Syntax | undefined = () => undefined,
): FixResult<R> {
  const texts = new Map<string, string>(initial);
  // Each changed file's text as it was read: what `changes` starts from.
  const originals = new Map<string, { text: string; hasBom: boolean }>();
  const applied: FixOutcome[] = [];
  const skipped: (FixOutcome & { reason: string })[] = [];
  const skippedAt = new Map<string, number>();
  const blocked = new Set<string>();
  const heldBack: FixOutcome[] = [];
  const heldBackKeys = new Set<string>();
  const applies = (fix: Fix) => (fix.strategy ? fix.strategy === opts.strategy : opts.unsafe || fix.applicability === 'safe');
  const heldBackNow = (f: Finding) => f.fix !== undefined && !f.fix.strategy && !opts.unsafe && f.fix.applicability === 'unsafe';
  const holdBack = (f: Finding) => {
    heldBack.push(outcome(f));
    heldBackKeys.add(`${f.rule}\0${f.span.file.path}`);
  };
  const noteSkips = (findings: readonly Finding[]) => {
    for (const f of findings) {
      if (!f.fix?.skipped || !applies(f.fix)) continue;
      for (const reason of f.fix.skipped) {
        // The same reason again, in a later pass: keep it once, with positions in the text as it now is.
        const key = `${f.rule}\0${reason.replace(/\([^()\s]*:\d+:\d+\)/g, '')}`;
        const known = skippedAt.get(key);
        if (known !== undefined) skipped[known] = { ...skipped[known], reason };
        else {
          skippedAt.set(key, skipped.length);
          skipped.push({ ...outcome(f), reason });
        }
      }
    }
  };
  // Whether a file's text as the pass found it parses: texts a pass wrote were checked when written.
  const parsed = new Map<string, string>();
  const parses = (file: SourceFile, syntax: Syntax): boolean => {
    if (parsed.get(file.path) === file.text) return true;
    if (parseProblem(file, file.text, syntax) !== undefined) return false;
    parsed.set(file.path, file.text);
    return true;
  };
  /**
   * One pass over a lint's findings: applies what it can to `texts`; true when something was applied.
   * Nothing of the findings outlives it, so the files they hold can go before the next lint reads all
   * files again.
   */
  const applyPass = (findings: readonly Finding[], first: boolean): boolean => {
    noteSkips(findings);
    if (first) for (const f of findings) if (heldBackNow(f)) holdBack(f);
    const candidates = findings.filter(
      (f): f is Finding & { fix: Fix } => f.fix !== undefined && f.fix.edits.length > 0 && !blocked.has(fixKey(f)) && applies(f.fix),
    );
    if (candidates.length === 0) return false;
    let accepted = acceptNonOverlapping(candidates);
    // A file whose fixed text would not parse is left as it was, with every fix touching it. So is one
    // that did not parse to begin with (a parser that recovers still reads it, and rules may offer
    // fixes, but edits placed on a misread structure are not to be trusted).
    const syntax = (file: SourceFile) => syntaxOf(file.path) ?? syntaxByName(file.path);
    for (;;) {
      const next = textsAfter(accepted);
      const broken = new Map<SourceFile, string>();
      for (const [file, text] of next) {
        // The text as it was is checked first: a fix may remove the very text that did not parse.
        const unparsed = !parses(file, syntax(file));
        if (!unparsed && parseProblem(file, text, syntax(file)) === undefined) continue;
        broken.set(
          file,
          unparsed ? "the file does not parse, so no fix is applied to it" : "its output did not parse, so it was not applied (a bug in the rule's fix)",
        );
      }
      if (broken.size === 0) {
        for (const [file, text] of next) {
          if (!originals.has(file.path)) originals.set(file.path, { text: file.text, hasBom: file.hasBom });
          texts.set(file.path, text);
          parsed.set(file.path, text);
        }
        break;
      }
      const bad = new Set(accepted.filter((f) => f.fix.edits.some((e) => broken.has(e.file))));
      for (const f of bad) {
        blocked.add(fixKey(f));
        const reason = f.fix.edits.map((e) => broken.get(e.file)).find((r) => r !== undefined)!;
        skipped.push({ ...outcome(f), reason });
      }
      accepted = accepted.filter((f) => !bad.has(f));
    }
    for (const f of accepted) applied.push(outcome(f));
    return accepted.length > 0;
  };
  let result: R | undefined = lintWith(texts);
  let pass = 0;
  for (; pass < MAX_PASSES; pass++) {
    // Nothing applied: the texts are as linted, so the lint is what is left.
    if (!applyPass(result.findings, pass === 0)) break;
    result = undefined; // the previous pass's findings, and every file they hold, can go during the lint
    result = lintWith(texts);
  }
  noteSkips(result.findings);
  const pending = result.findings.filter((f) => f.fix && f.fix.edits.length > 0 && !blocked.has(fixKey(f)) && applies(f.fix));
  const unconverged = pass >= MAX_PASSES ? [...new Set(pending.map((f) => f.rule))] : [];
  for (const f of result.findings) {
    if (heldBackNow(f) && !heldBackKeys.has(`${f.rule}\0${f.span.file.path}`)) holdBack(f);
  }
  const changes: FileChange[] = [];
  for (const [path, original] of originals) {
    const after = texts.get(path);
    if (after === undefined || after === original.text) continue;
    const bom = original.hasBom ? '\ufeff' : '';
    changes.push({ path, before: bom + original.text, after: bom + after });
  }
  return { applied, skipped, heldBack, unconverged, changes, remaining: result };
}

function outcome(f: Finding): FixOutcome {
  const notes = f.fix?.notes;
  const strategy = f.fix?.strategy;
  return {
    rule: f.rule,
    title: f.fix?.title ?? '',
    file: f.span.file.path,
    ...(notes && notes.length > 0 ? { notes } : {}),
    ...(strategy ? { strategy } : {}),
  };
}

function fixKey(f: Finding): string {
  return `${f.rule}\0${f.span.file.path}\0${f.fix?.title}`;
}

/** Each file's text with the edits of `fixes` applied. */
function textsAfter(fixes: readonly (Finding & { fix: Fix })[]): Map<SourceFile, string> {
  const byFile = new Map<SourceFile, Edit[]>();
  for (const f of fixes) {
    for (const e of f.fix.edits) pushTo(byFile, e.file, e);
  }
  return new Map([...byFile].map(([file, edits]) => [file, applyEdits(file.text, edits)]));
}

/**
 * In source order, the fixes whose edits overlap no edit already taken (ESLint's rule). Build
 * translations go first and alone: other fixes wait for the next pass, when the translated jobs are
 * linted afresh (a translation removes the dind service that their findings were about).
 */
export function acceptNonOverlapping<F extends Finding & { fix: Fix }>(fixes: readonly F[]): F[] {
  const translations = fixes.filter((f) => f.fix.strategy);
  const pool = translations.length > 0 ? translations : fixes;
  const firstEdit = new Map(pool.map((f) => [f, Math.min(...f.fix.edits.map((e) => e.start))]));
  const taken = new Map<string, TakenRanges>();
  const out: F[] = [];
  for (const f of [...pool].sort((a, b) => firstEdit.get(a)! - firstEdit.get(b)!)) {
    if (f.fix.edits.some((e) => taken.get(e.file.path)?.clashes(e.start, e.end))) continue;
    for (const e of f.fix.edits) {
      let ranges = taken.get(e.file.path);
      if (!ranges) taken.set(e.file.path, (ranges = new TakenRanges()));
      ranges.add(e.start, e.end);
    }
    out.push(f);
  }
  return out;
}

/**
 * The ranges of one file that accepted fixes edit, sorted by start, then end. An edit clashes with a
 * range when they share text, or when it inserts where the range starts. Ranges of different fixes
 * never clash, so their ends are in order too, and a clash is found by looking back from the last range
 * that starts at or before the edit's end: a handful of ranges, not every range of the file. (Should
 * the edits of one fix overlap each other, the ends may fall out of order: then every range is looked at.)
 */
class TakenRanges {
  private readonly ranges: { start: number; end: number }[] = [];
  private endsInOrder = true;

  clashes(start: number, end: number): boolean {
    // From the last range that starts at or before the edit's end, backwards.
    for (let i = this.countWhile((r) => r.start <= end) - 1; i >= 0; i--) {
      const r = this.ranges[i];
      if ((start < r.end && r.start < end) || (start === end && start === r.start)) return true;
      if (r.end <= start && this.endsInOrder) return false;
    }
    return false;
  }

  add(start: number, end: number): void {
    const lo = this.countWhile((r) => r.start < start || (r.start === start && r.end <= end));
    this.ranges.splice(lo, 0, { start, end });
    const before = this.ranges[lo - 1];
    const after = this.ranges[lo + 1];
    if ((before && before.end > end) || (after && end > after.end)) this.endsInOrder = false;
  }

  /** How many ranges, from the first, `before` holds for (it holds for a prefix of the sorted ranges). */
  private countWhile(before: (r: { start: number; end: number }) => boolean): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.ranges[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Applies edits (non-overlapping) to a text, writing line breaks as the text already does. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const written = (e: Edit) => (eol === '\n' ? e.text : e.text.replace(/\r?\n/g, eol));
  // In text order; of two insertions at one place, the later edit's text comes first.
  const order = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || b.i - a.i);
  const pieces: string[] = [];
  let at = 0;
  for (const { e } of order) {
    if (e.start < at) return applyOverlapping(text, edits, written);
    pieces.push(text.slice(at, e.start), written(e));
    at = e.end;
  }
  pieces.push(text.slice(at));
  return pieces.join('');
}

/** Edits of one fix that overlap each other: applied from the last to the first, each on the result. */
function applyOverlapping(text: string, edits: readonly Edit[], written: (e: Edit) => string): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, e.start) + written(e) + out.slice(e.end);
  return out;
}

/** Why a fixed text would not parse in its language, or undefined when it does. */
function parseProblem(file: SourceFile, text: string, syntax: Syntax): string | undefined {
  const probe = makeSourceFile(file.path, file.relPath, text);
  if (syntax === 'toml') return loadToml(probe, text).error?.message;
  if (syntax === 'groovy') return parseGroovyText(text).errors[0]?.message;
  return loadYaml(probe).problems.find((p) => p.kind === 'parse-error')?.message;
}

/**
 * Writes a new file and flushes it to the disk before it is renamed over the original: renamed
 * unflushed, a crash could leave an empty file where the original was.
 */
function writeDurably(path: string, data: Buffer, mode: number): void {
  // `wx`: a new file, never one (or a symlink) already at that path.
  const fd = openSync(path, 'wx', mode);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `text` in the encoding of the file `original` holds: UTF-16 when its BOM says so, else UTF-8. */
function encodedAs(original: Buffer, text: string): Buffer {
  if (original[0] === 0xff && original[1] === 0xfe) return Buffer.from(text, 'utf16le');
  if (original[0] === 0xfe && original[1] === 0xff) return Buffer.from(text, 'utf16le').swap16();
  return Buffer.from(text, 'utf8');
}

/**
 * Writes each changed file atomically: a temporary file in the same folder with the original's mode,
 * owner (where allowed) and encoding (UTF-8, or UTF-16 as its BOM says), then a rename over it. A file
 * that cannot be written, or that changed on disk since the fix read it, is reported and left
 * untouched.
 *
 * A path that is a symlink (within the repository: reads go no further) is written through: the file
 * it leads to is replaced, and the link stays a link. A file reached by two paths in one run (a link
 * and its target, both read) was fixed from each path's reading; only the first is written, since the
 * second would undo the first's fixes.
 */
export function writeChanges(changes: readonly FileChange[]): { written: string[]; failed: { path: string; reason: string }[] } {
  const written: string[] = [];
  const failed: { path: string; reason: string }[] = [];
  const writtenTargets = new Set<string>();
  for (const c of changes) {
    let tmp: string | undefined;
    try {
      const target = realpathSync.native(c.path);
      if (writtenTargets.has(target)) throw new Error('this run fixed the same file through another path (a symlink): run fix again for the rest');
      const st = statSync(target);
      const mode = st.mode & 0o7777;
      if ((mode & 0o222) === 0) throw new Error('the file is read-only');
      // Edited since it was read (an editor, another hook): writing would lose that edit.
      const now = readFileBytes(target);
      if (!Buffer.isBuffer(now)) throw new Error(now.error);
      const current = decodeText(now);
      if ('error' in current || current.text !== c.before) throw new Error('the file changed while cilint was fixing it: run fix again');
      tmp = join(dirname(target), `.${basename(target)}.cilint-${process.pid}.tmp`);
      writeDurably(tmp, encodedAs(now, c.after), mode);
      chmodSync(tmp, mode);
      // The new file is the fixer's: give it the original's owner where that is allowed (root fixing a
      // user's checkout), as writing in place would have kept it.
      if (st.uid !== process.getuid?.() || st.gid !== process.getgid?.()) {
        try {
          chownSync(tmp, st.uid, st.gid);
        } catch {
          // Not permitted: the file is now owned by whoever ran the fix.
        }
      }
      renameSync(tmp, target);
      writtenTargets.add(target);
      written.push(c.path);
    } catch (e) {
      try {
        // Not one found there already (it was not created: `wx` refuses to open an existing path).
        if (tmp && (e as NodeJS.ErrnoException).code !== 'EEXIST') unlinkSync(tmp);
      } catch {
        // Nothing was created.
      }
      // (Node's fs errors may come from another realm, as under jest: not `instanceof Error` here.)
      const message = typeof (e as Error | undefined)?.message === 'string' ? (e as Error).message : String(e);
      failed.push({ path: c.path, reason: message.replace(/^E[A-Z]+: /, '') });
    }
  }
  return { written, failed };
}
