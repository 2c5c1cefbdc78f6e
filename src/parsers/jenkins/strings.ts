import type { Expression, QuoteKind, StringLiteral } from './groovy/index.js';

/**
 * The text a Groovy string expression stands for, with where each of its code units is written, so that
 * positions inside a shell step, an agent's `args` or a pod's YAML map back to the Jenkinsfile's lines.
 *
 * Parts only known at run time (GString interpolations, variables, other expressions) stay in the text as
 * their own source (`${env.TAG}`, `$x`) or, for an expression outside a string, as `${expression}`: an
 * opaque placeholder that the shell, image and host parsers all read as "a variable", never as a guess.
 */
export interface GroovyText {
  readonly text: string;
  /** `offsets[i]` is the file offset where `text[i]` is written; `offsets[text.length]` is where the text ends. */
  readonly offsets: readonly number[];
  /** The run-time parts, as ranges of `text` with the expression they stand for. */
  readonly holes: readonly Hole[];
  /** Where the expression is written (a constant's text: its declaration). */
  readonly start: number;
  readonly end: number;
  /** The quote of the one string literal the text is, unchanged; undefined for concatenations and `.stripIndent()`. */
  readonly quote: QuoteKind | undefined;
  /**
   * Each code unit stands in the file as written, one after the other (line breaks may be CRLF): the
   * file's text between `offsets[0]` and `offsets[text.length]` reads as `text`, so a fix can edit inside
   * it exactly and embedded YAML can be parsed in place.
   */
  readonly exact: boolean;
}

export interface Hole {
  readonly start: number;
  readonly end: number;
  /** The expression, when it is one (`${a.b}`, `$a`); null for `${}` or several statements. */
  readonly expression: Expression | null;
}

export function isKnown(t: GroovyText): boolean {
  return t.holes.length === 0;
}

/** The file range a range of the text is written in. */
export function sourceRange(t: GroovyText, start: number, end: number): { start: number; end: number } {
  const s = t.offsets[clamp(start, t.text.length)]!;
  return { start: s, end: Math.max(s, t.offsets[clamp(end, t.text.length)]!) };
}

/** The holes that lie within a range of the text. */
export function holesIn(t: GroovyText, start: number, end: number): Hole[] {
  return t.holes.filter((h) => h.start >= start && h.end <= end);
}

function clamp(i: number, length: number): number {
  return Math.max(0, Math.min(i, length));
}

export function literalText(lit: StringLiteral, source: string): GroovyText {
  const units: string[] = [];
  const offsets: number[] = [];
  const holes: Hole[] = [];
  for (const part of lit.parts) {
    if (part.type === 'StringSegment') {
      for (let i = 0; i < part.value.length; i++) {
        units.push(part.value[i]!);
        offsets.push(part.offsets ? part.offsets[i]! : part.start + i);
      }
    } else {
      const start = units.length;
      for (let at = part.start; at < part.end; at++) {
        units.push(source[at]!);
        offsets.push(at);
      }
      holes.push({ start, end: units.length, expression: part.expression });
    }
  }
  offsets.push(lit.contentEnd);
  const text = units.join('');
  return { text, offsets, holes, start: lit.start, end: lit.end, quote: lit.quote, exact: isExact(text, offsets, source) };
}

function isExact(text: string, offsets: readonly number[], source: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const at = offsets[i]!;
    const next = offsets[i + 1]!;
    if (source[at] === text[i] && next === at + 1) continue;
    if (text[i] === '\n' && source[at] === '\r' && next === at + (source[at + 1] === '\n' ? 2 : 1)) continue;
    return false;
  }
  return true;
}

/** An expression whose value is unknown here, as the placeholder `${source}`. */
export function opaqueText(expr: Expression, source: string): GroovyText {
  const inner = source.slice(expr.start, expr.end);
  const offsets = [expr.start, expr.start];
  for (let i = 0; i < inner.length; i++) offsets.push(expr.start + i);
  offsets.push(Math.max(expr.start, expr.end - 1), expr.end);
  const text = `\${${inner}}`;
  return { text, offsets, holes: [{ start: 0, end: text.length, expression: expr }], start: expr.start, end: expr.end, quote: undefined, exact: false };
}

export function concatTexts(a: GroovyText, b: GroovyText): GroovyText {
  const shift = a.text.length;
  return {
    text: a.text + b.text,
    offsets: [...a.offsets.slice(0, -1), ...b.offsets],
    holes: [...a.holes, ...b.holes.map((h) => ({ ...h, start: h.start + shift, end: h.end + shift }))],
    start: Math.min(a.start, b.start),
    end: Math.max(a.end, b.end),
    quote: undefined,
    exact: false,
  };
}

/** Keeps the code units for which `keep` is true (a transformation that only removes text). */
function filterText(t: GroovyText, keep: (i: number) => boolean, start: number, end: number): GroovyText {
  const units: string[] = [];
  const offsets: number[] = [];
  const newIndex: number[] = [];
  for (let i = 0; i < t.text.length; i++) {
    newIndex.push(units.length);
    if (!keep(i)) continue;
    units.push(t.text[i]!);
    offsets.push(t.offsets[i]!);
  }
  newIndex.push(units.length);
  offsets.push(t.offsets[t.text.length]!);
  const holes = t.holes
    .map((h) => ({ ...h, start: newIndex[h.start]!, end: newIndex[h.end]! }))
    .filter((h) => h.end > h.start);
  return { text: units.join(''), offsets, holes, start, end, quote: undefined, exact: false };
}

/** Line ranges `[start, end)` of the text, line breaks excluded (`\n` only: Groovy strings normalise them). */
function lines(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      out.push({ start, end: text.length });
      return out;
    }
    out.push({ start, end: nl });
    start = nl + 1;
  }
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text[i] !== ' ' && text[i] !== '\t' && text[i] !== '\r') return false;
  return true;
}

/**
 * Groovy's `String.stripIndent()`: the smallest indentation (spaces and tabs) of the non-blank lines is
 * removed from every line, and blank lines become empty.
 */
export function stripIndent(t: GroovyText, end: number): GroovyText {
  const text = t.text;
  const ls = lines(text);
  let indent = -1;
  for (const l of ls) {
    if (isBlank(text, l.start, l.end)) continue;
    let n = 0;
    while (l.start + n < l.end && (text[l.start + n] === ' ' || text[l.start + n] === '\t')) n++;
    indent = indent < 0 ? n : Math.min(indent, n);
  }
  if (indent <= 0) return filterText(t, () => true, t.start, end);
  const drop = new Uint8Array(text.length);
  for (const l of ls) {
    const to = isBlank(text, l.start, l.end) ? l.end : Math.min(l.end, l.start + indent);
    for (let i = l.start; i < to; i++) drop[i] = 1;
  }
  return filterText(t, (i) => drop[i] === 0, t.start, end);
}

/** Groovy's `String.stripMargin()`: on each line, blanks up to and including a leading `|` are removed. */
export function stripMargin(t: GroovyText, end: number): GroovyText {
  const text = t.text;
  const drop = new Uint8Array(text.length);
  for (const l of lines(text)) {
    let i = l.start;
    while (i < l.end && (text[i] === ' ' || text[i] === '\t')) i++;
    if (text[i] !== '|') continue;
    for (let k = l.start; k <= i; k++) drop[k] = 1;
  }
  return filterText(t, (i) => drop[i] === 0, t.start, end);
}

/** Java's `String.trim()`: code units up to U+0020 are removed at both ends. */
export function trimText(t: GroovyText, end: number): GroovyText {
  let from = 0;
  let to = t.text.length;
  while (from < to && t.text.charCodeAt(from) <= 0x20) from++;
  while (to > from && t.text.charCodeAt(to - 1) <= 0x20) to--;
  return filterText(t, (i) => i >= from && i < to, t.start, end);
}

/**
 * Shell text as it must be written inside a Groovy string of the given quote so that the string's value
 * is that text; undefined where Groovy offers no way (a `$` in a slashy string).
 */
export function escapeFor(quote: QuoteKind, text: string): string | undefined {
  switch (quote) {
    case "'":
      return text.replace(/[\\']/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
    case "'''":
      return escapeTripleQuoted(text, "'", /\\/g);
    case '"':
      return text.replace(/[\\"$]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
    case '"""':
      return escapeTripleQuoted(text, '"', /[\\$]/g);
    case '/':
      return /[$\n\\]/.test(text) ? undefined : text.replace(/\//g, '\\/');
    case '$/':
      return text.replace(/[$/]/g, (c) => `$${c}`);
  }
}

/**
 * Inside `'''…'''` and `"""…"""` a quote needs no escape unless it could join the text around it into
 * the closing delimiter: at either end of the inserted text, or next to another quote.
 */
function escapeTripleQuoted(text: string, quote: string, always: RegExp): string {
  const escaped = text.replace(always, (c) => `\\${c}`);
  let out = '';
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped[i]!;
    const risky = c === quote && (i === 0 || i === escaped.length - 1 || escaped[i - 1] === quote || escaped[i + 1] === quote);
    out += risky ? `\\${c}` : c;
  }
  return out;
}
