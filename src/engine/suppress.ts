import { positionAt, type SourceFile } from '../model/source.js';
import type { Span } from '../model/span.js';
import { pushTo } from '../model/lists.js';
import type { Finding } from './rule.js';

/**
 * Inline suppressions, written as comments in the linted files:
 * - `# cilint-disable-next-line slug[, slug] -- reason` silences those rules on the next line;
 * - `# cilint-disable-line slug` at the end of a line silences them on that line;
 * - `# cilint-disable slug` anywhere silences them in the whole file.
 * No slug means every rule. Jenkinsfiles write the same with `//`.
 */
export interface Directive {
  kind: 'next-line' | 'line' | 'file';
  /** Empty: every rule. */
  slugs: string[];
  reason?: string;
  /** The directive's own text, where unused or unknown-rule findings point. */
  span: Span;
  /** The line it silences (for line kinds). */
  line: number;
  used: boolean;
}

const DIRECTIVE = /(?:^|\s)(#|\/\/)\s*cilint-disable(-next-line|-line)?(?=\s|$)([^\n\r]*)/g;

/** A cheap look: a file without this text has no directive. */
export function mayHoldDirectives(file: SourceFile): boolean {
  return file.text.includes('cilint-disable');
}

export function parseDirectives(file: SourceFile): Directive[] {
  const out: Directive[] = [];
  if (!mayHoldDirectives(file)) return out;
  const text = file.text;
  for (const m of text.matchAll(DIRECTIVE)) {
    const start = m.index + m[0].indexOf(m[1]);
    const end = m.index + m[0].length;
    const [list, reason] = splitReason(m[3]);
    const slugs = list
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const line = positionAt(file, start).line;
    const kind = m[2] === '-next-line' ? 'next-line' : m[2] === '-line' ? 'line' : 'file';
    out.push({ kind, slugs, reason, span: { file, start, end }, line: kind === 'next-line' ? line + 1 : line, used: false });
  }
  return out;
}

function splitReason(rest: string): [string, string | undefined] {
  const i = rest.indexOf('--');
  return i === -1 ? [rest, undefined] : [rest.slice(0, i), rest.slice(i + 2).trim() || undefined];
}

export interface SuppressedFinding extends Finding {
  /** The directive's reason (after `--`), if it gives one. */
  reason?: string;
}

export interface SuppressionResult {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  directives: Directive[];
}

/** Splits findings into kept and suppressed, marking which directives were used. */
export function applySuppressions(findings: readonly Finding[]): SuppressionResult {
  const byFile = new Map<SourceFile, DirectiveIndex>();
  const indexOf = (file: SourceFile): DirectiveIndex => {
    let d = byFile.get(file);
    if (!d) byFile.set(file, (d = indexDirectives(parseDirectives(file))));
    return d;
  };
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const hit = indexOf(f.span.file).match(f.rule, positionAt(f.span.file, f.span.start).line);
    if (hit) {
      hit.used = true;
      suppressed.push({ ...f, reason: hit.reason });
    } else kept.push(f);
  }
  return { findings: kept, suppressed, directives: [...byFile.values()].flatMap((d) => d.all) };
}

/** A file's directives, and the first of them (in file order) that silences a rule on a line. */
interface DirectiveIndex {
  all: Directive[];
  match(rule: string, line: number): Directive | undefined;
}

/**
 * Looked up per finding without reading every directive of the file: the first whole-file directive for
 * every rule and for each named rule, and the line directives by line.
 */
function indexDirectives(all: Directive[]): DirectiveIndex {
  let anyRule = -1;
  const firstFor = new Map<string, number>();
  const byLine = new Map<number, number[]>();
  all.forEach((d, i) => {
    if (d.kind !== 'file') pushTo(byLine, d.line, i);
    else if (d.slugs.length === 0) {
      if (anyRule < 0) anyRule = i;
    } else {
      for (const slug of d.slugs) if (!firstFor.has(slug)) firstFor.set(slug, i);
    }
  });
  return {
    all,
    match(rule, line) {
      let best = Infinity;
      if (anyRule >= 0) best = anyRule;
      const named = firstFor.get(rule);
      if (named !== undefined && named < best) best = named;
      for (const i of byLine.get(line) ?? []) {
        if (i >= best) break;
        const d = all[i];
        if (d.slugs.length === 0 || d.slugs.includes(rule)) best = i;
      }
      return Number.isFinite(best) ? all[best] : undefined;
    },
  };
}

/** Collects every directive in the files the run read, including those no finding reached. */
export function allDirectives(files: Iterable<SourceFile>, seen: readonly Directive[]): Directive[] {
  // One directive per place: a file included by several pipelines (or read through nested project
  // roots, as two SourceFiles) is listed once, and its directive is used if any reading used it.
  const byPlace = new Map<string, Directive>();
  const add = (d: Directive) => {
    const key = `${d.span.file.path}\0${d.span.start}`;
    const known = byPlace.get(key);
    if (!known) byPlace.set(key, { ...d });
    else known.used ||= d.used;
  };
  seen.forEach(add);
  const parsed = new Set(seen.map((d) => d.span.file.path));
  for (const f of files) {
    if (parsed.has(f.path)) continue;
    parsed.add(f.path);
    parseDirectives(f).forEach(add);
  }
  return [...byPlace.values()];
}

/** `--report-unused-disables`: a directive that silenced nothing, or names a rule that does not exist. */
export function unusedDirectiveFindings(directives: readonly Directive[], knownSlugs: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  for (const d of directives) {
    const unknown = d.slugs.filter((s) => !knownSlugs.has(s));
    if (unknown.length > 0) {
      out.push({ rule: 'unused-disable', severity: 'warning', span: d.span, message: `cilint-disable names no rule: ${unknown.map((s) => `\`${s}\``).join(', ')}; \`cilint rules\` lists them.` });
    } else if (!d.used) {
      const what = d.slugs.length ? d.slugs.map((s) => `\`${s}\``).join(', ') : 'any rule';
      out.push({ rule: 'unused-disable', severity: 'warning', span: d.span, message: `this cilint-disable comment silences no finding of ${what}; remove it.` });
    }
  }
  return out;
}
