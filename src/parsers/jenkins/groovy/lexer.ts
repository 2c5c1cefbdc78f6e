/**
 * Groovy 2.4 lexer for Jenkinsfiles. Mirrors the lexical rules of Groovy's own (ANTLR 2) grammar,
 * including its quirks, so that cilint rejects exactly what `groovy` rejects:
 * - `\uXXXX` escapes are decoded everywhere before lexing, comments included (a `\u` without four hex
 *   digits is an error even in a comment, as in Java);
 * - newlines are significant except directly inside `(...)` and `[...]`; a run of newlines, blanks and
 *   comments is one `newline` token;
 * - `/` starts a slashy string only where an expression can start (after an operator, `(`, a newline...),
 *   and is division after an identifier, literal, keyword or closing bracket;
 * - a `/` at the very start of a line that directly follows a single line break, and that does not begin a
 *   comment, is an error (an ANTLR lookahead artefact of Groovy 2.4's newline rule);
 * - `"…"` and `/…/` may not contain a newline inside a `${…}` either.
 *
 * Offsets are UTF-16 code unit offsets into the original text, as JavaScript strings index. Each GString
 * keeps its parts: literal segments (decoded) and interpolations (`$a.b` paths, or `${…}` blocks whose
 * tokens are lexed here and parsed by the parser).
 */

export type QuoteKind = "'" | '"' | "'''" | '"""' | '/' | '$/';

export type TokenKind =
  | 'ident'
  | 'keyword'
  | 'number'
  | 'string'
  | 'punct'
  | 'newline'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The token's text: the (decoded) name of an identifier or keyword, the operator, the raw number. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Set on `string` tokens. */
  readonly str?: StringToken;
}

export interface StringToken {
  readonly quote: QuoteKind;
  readonly parts: readonly StringPartToken[];
  /** False when the closing delimiter is missing (an error has been reported). */
  readonly terminated: boolean;
}

export type StringPartToken = SegmentPart | PathPart | BlockPart;

/** Literal text between delimiters and interpolations; `value` has escapes decoded. */
export interface SegmentPart {
  readonly kind: 'segment';
  readonly start: number;
  readonly end: number;
  readonly value: string;
  /**
   * Where each code unit of `value` is written (`offsets[i]` for `value[i]`), set only when `value` is not
   * the source text itself (escapes, line continuations, CRLF line breaks).
   */
  readonly offsets?: readonly number[];
}

/** `$name` or `$a.b.c`: each name with its span. */
export interface PathPart {
  readonly kind: 'path';
  readonly start: number;
  readonly end: number;
  readonly names: readonly { readonly name: string; readonly start: number; readonly end: number }[];
}

/** `${ … }`: the tokens between the braces, ending with an `eof` token at the closing brace. */
export interface BlockPart {
  readonly kind: 'block';
  readonly start: number;
  readonly end: number;
  readonly innerStart: number;
  readonly innerEnd: number;
  readonly tokens: readonly Token[];
  readonly closed: boolean;
}

export interface Comment {
  readonly kind: 'line' | 'block' | 'shebang';
  readonly start: number;
  readonly end: number;
}

export interface LexError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

export interface LexResult {
  readonly tokens: readonly Token[];
  readonly comments: readonly Comment[];
  readonly errors: readonly LexError[];
}

const KEYWORDS: ReadonlySet<string> = new Set([
  'abstract', 'as', 'assert', 'boolean', 'break', 'byte', 'case', 'catch', 'char', 'class', 'const', 'continue',
  'def', 'default', 'do', 'double', 'else', 'enum', 'extends', 'false', 'final', 'finally', 'float', 'for', 'goto',
  'if', 'implements', 'import', 'in', 'instanceof', 'int', 'interface', 'long', 'native', 'new', 'null', 'package',
  'private', 'protected', 'public', 'return', 'short', 'static', 'strictfp', 'super', 'switch', 'synchronized',
  'this', 'threadsafe', 'throw', 'throws', 'trait', 'transient', 'true', 'try', 'void', 'volatile', 'while',
]);

/** Operators and punctuation, longest first so that the first match is the longest. */
const OPERATORS: readonly string[] = [
  '>>>=', '>>>', '>>=', '<<=', '<=>', '==~', '===', '!==', '..<', '...', '**=',
  '>>', '>=', '<<', '<=', '==', '=~', '!=', '..', '.&', '*.', '**', '*=', '?.', '?:', '++', '+=', '--', '-=', '->',
  '%=', '&&', '&=', '||', '|=', '^=', '/=',
  '>', '<', '=', '!', '.', '*', '?', '+', '-', '%', '&', '|', '^', '~', '(', ')', '[', ']', '{', '}', ',', ';', ':',
  '@', '/',
];

/** OPERATORS grouped by first character, keeping the longest-first order. */
const OPERATORS_BY_FIRST: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const op of OPERATORS) {
    const list = map.get(op[0]!) ?? [];
    list.push(op);
    map.set(op[0]!, list);
  }
  return map;
})();

/** Tokens after which `/` divides rather than starting a slashy string (Groovy's isExpressionEndingToken). */
function endsExpression(token: Token | undefined): boolean {
  if (!token) return false;
  switch (token.kind) {
    case 'ident':
    case 'keyword':
    case 'number':
    case 'string':
      return true;
    case 'punct':
      return token.text === ')' || token.text === ']' || token.text === '}' || token.text === '++' || token.text === '--';
    default:
      return false;
  }
}

/** Groovy's LETTER: ASCII letters, `_`, Latin-1 letters and every code unit from U+0100 (surrogates included). */
function isGroovyLetter(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f ||
    (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) || (c >= 0xf8 && c <= 0xff) || (c >= 0x100 && c <= 0xfffe)
  );
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

const JAVA_IDENTIFIER_START = /[\p{L}\p{Nl}\p{Sc}\p{Pc}]/u;

/** Java's Character.isJavaIdentifierStart on one UTF-16 code unit (surrogates count, as Java sees chars). */
function isJavaIdentifierStart(c: number): boolean {
  if (c < 0) return false;
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x24;
  if (c >= 0xd800 && c <= 0xdfff) return true;
  return JAVA_IDENTIFIER_START.test(String.fromCharCode(c));
}

/**
 * The text after Groovy's unicode-escape pass, with a map from each of its code units back to the
 * original offset. Without any `\u` in the text the two are the same and no map is built.
 */
interface Decoded {
  readonly text: string;
  /** offsets[i] is the original offset of decoded code unit i; offsets[text.length] is the original length. */
  readonly offsets: Int32Array | null;
}

function decodeUnicodeEscapes(text: string, errors: LexError[]): Decoded {
  if (!text.includes('\\u')) return { text, offsets: null };
  const out: string[] = [];
  const offsets: number[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c) {
      out.push(text[i]!);
      offsets.push(i);
      i++;
      continue;
    }
    if (text.charCodeAt(i + 1) !== 0x75) {
      // A backslash that is not a unicode escape also shields the next character from being one.
      out.push('\\');
      offsets.push(i);
      if (i + 1 < text.length) {
        out.push(text[i + 1]!);
        offsets.push(i + 1);
      }
      i += 2;
      continue;
    }
    let j = i + 1;
    while (text.charCodeAt(j) === 0x75) j++;
    const hex = text.slice(j, j + 4);
    if (hex.length === 4 && [...hex].every((h) => isHexDigit(h.charCodeAt(0)))) {
      out.push(String.fromCharCode(parseInt(hex, 16)));
      offsets.push(i);
      i = j + 4;
    } else {
      errors.push({ message: 'Did not find four digit hex character code', start: i, end: j });
      out.push('\\');
      offsets.push(i);
      i++;
    }
  }
  offsets.push(text.length);
  return { text: out.join(''), offsets: Int32Array.from(offsets) };
}

interface CodeFrame {
  readonly type: 'code';
  readonly tokens: Token[];
  /** Groovy's parenLevel: newlines are dropped while it is not zero. */
  parenLevel: number;
  readonly parenStack: number[];
  /** Set for the code inside `${...}`: the string being built around it. */
  readonly owner: StringFrame | null;
  /** Set for the code inside `${...}`: where the `$` is (decoded offset). */
  readonly interpStart: number;
  readonly innerStart: number;
}

interface StringFrame {
  readonly type: 'string';
  readonly quote: QuoteKind;
  readonly start: number;
  readonly parts: StringPartToken[];
  /** Decoded offset where the current literal segment began. */
  segStart: number;
  seg: string[];
  /** Decoded offset of each code unit in `seg`. */
  segAt: number[];
}

const CLOSERS: Record<QuoteKind, string> = { "'": "'", '"': '"', "'''": "'''", '"""': '"""', '/': '/', '$/': '/$' };

class Lexer {
  private readonly src: string;
  private readonly offsets: Int32Array | null;
  private readonly errors: LexError[];
  private readonly comments: Comment[] = [];
  private i = 0;
  /** How many `"..."` and `/.../` strings are open around the current position (their `${}` included). */
  private simpleStringDepth = 0;

  constructor(text: string) {
    this.errors = [];
    const decoded = decodeUnicodeEscapes(text, this.errors);
    this.src = decoded.text;
    this.offsets = decoded.offsets;
  }

  private off(i: number): number {
    return this.offsets ? this.offsets[Math.min(i, this.src.length)]! : i;
  }

  private code(i: number): number {
    return i < this.src.length ? this.src.charCodeAt(i) : -1;
  }

  private error(message: string, start: number, end = start + 1): void {
    this.errors.push({ message, start: this.off(start), end: this.off(Math.min(end, this.src.length)) });
  }

  private describeChar(i: number): string {
    if (i >= this.src.length) return '0xFFFF';
    const c = this.src[i]!;
    if (c === '\n') return '0xA';
    if (c === '\r') return '0xD';
    return `'${c}'`;
  }

  run(): LexResult {
    const root: CodeFrame = { type: 'code', tokens: [], parenLevel: 0, parenStack: [], owner: null, interpStart: 0, innerStart: 0 };
    const stack: (CodeFrame | StringFrame)[] = [root];
    if (this.src.startsWith('#!')) {
      let j = 2;
      while (j < this.src.length && this.code(j) !== 0x0a && this.code(j) !== 0x0d) j++;
      this.comments.push({ kind: 'shebang', start: 0, end: this.off(j) });
      this.i = j;
    }
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.type === 'code') this.lexCode(frame, stack);
      else this.lexString(frame, stack);
    }
    return { tokens: root.tokens, comments: this.comments, errors: this.errors };
  }

  /** Lexes code until the frame ends (end of input, or the `}` closing an interpolation, or a string start). */
  private lexCode(frame: CodeFrame, stack: (CodeFrame | StringFrame)[]): void {
    const src = this.src;
    const tokens = frame.tokens;
    const push = (kind: TokenKind, text: string, start: number, end: number): void => {
      tokens.push({ kind, text, start: this.off(start), end: this.off(end) });
    };
    for (;;) {
      const i = this.i;
      const c = this.code(i);
      if (c === -1) {
        if (frame.owner) {
          // Unterminated `${` inside a string: the string reports it.
          stack.pop();
          this.finishInterpolation(frame, stack, false);
        } else {
          tokens.push({ kind: 'eof', text: '', start: this.off(i), end: this.off(i) });
          stack.pop();
        }
        return;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0c) {
        this.i++;
        continue;
      }
      if (c === 0x5c) {
        const nl = this.newlineLength(i + 1);
        if (nl > 0) {
          this.i = i + 1 + nl;
          continue;
        }
        this.error("unexpected char: '\\'", i);
        this.i++;
        continue;
      }
      if (c === 0x0a || c === 0x0d) {
        this.lexNewlines(frame, push);
        continue;
      }
      if (c === 0x2f) {
        const n = this.code(i + 1);
        if (n === 0x2f) {
          this.skipLineComment();
          continue;
        }
        if (n === 0x2a) {
          this.skipBlockComment();
          continue;
        }
        if (!endsExpression(tokens[tokens.length - 1])) {
          this.i++;
          stack.push(this.newString('/', i));
          return;
        }
      }
      if (c === 0x24 && this.code(i + 1) === 0x2f && !endsExpression(tokens[tokens.length - 1])) {
        this.i += 2;
        stack.push(this.newString('$/', i));
        return;
      }
      if (c === 0x27 || c === 0x22) {
        const triple = this.code(i + 1) === c && this.code(i + 2) === c;
        const quote: QuoteKind = c === 0x27 ? (triple ? "'''" : "'") : triple ? '"""' : '"';
        this.i += quote.length;
        stack.push(this.newString(quote, i));
        return;
      }
      if (isGroovyLetter(c) || c === 0x24) {
        let j = i + 1;
        while (j < src.length) {
          const d = src.charCodeAt(j);
          if (isGroovyLetter(d) || isDigit(d) || d === 0x24) j++;
          else break;
        }
        const word = src.slice(i, j);
        this.i = j;
        push(this.keywordOrIdent(word, j, tokens), word, i, j);
        continue;
      }
      if (isDigit(c)) {
        this.lexNumber(push);
        continue;
      }
      if (c === 0x7d && frame.owner && frame.parenStack.length === 0) {
        // The `}` closing `${`.
        tokens.push({ kind: 'eof', text: '', start: this.off(i), end: this.off(i) });
        this.i++;
        stack.pop();
        this.finishInterpolation(frame, stack, true);
        return;
      }
      const op = OPERATORS_BY_FIRST.get(src[i]!)?.find((o) => src.startsWith(o, i));
      if (op === undefined) {
        this.error(`unexpected char: ${this.describeChar(i)}`, i);
        this.i++;
        continue;
      }
      this.i = i + op.length;
      push('punct', op, i, this.i);
      if (op === '(' || op === '[') frame.parenLevel++;
      // Unlike Groovy, a stray closer does not make later newlines vanish: recovery needs the line breaks.
      else if (op === ')' || op === ']') frame.parenLevel = Math.max(0, frame.parenLevel - 1);
      else if (op === '{') {
        frame.parenStack.push(frame.parenLevel);
        frame.parenLevel = 0;
      } else if (op === '}') {
        frame.parenLevel = frame.parenStack.pop() ?? 0;
      }
    }
  }

  private keywordOrIdent(word: string, after: number, tokens: readonly Token[]): TokenKind {
    if (!KEYWORDS.has(word)) return 'ident';
    const prev = tokens[tokens.length - 1];
    const afterDot = prev?.kind === 'punct' && prev.text === '.';
    const beforeDot = this.code(after) === 0x2e;
    // Groovy lets these keywords be package or member names next to a dot.
    if ((word === 'as' || word === 'def' || word === 'in' || word === 'trait') && (beforeDot || afterDot)) return 'ident';
    if (word === 'package' && (beforeDot || afterDot || (prev?.kind === 'keyword' && prev.text === 'import'))) return 'ident';
    if (word === 'static' && beforeDot) return 'ident';
    return 'keyword';
  }

  private newlineLength(i: number): number {
    const c = this.code(i);
    if (c === 0x0d) return this.code(i + 1) === 0x0a ? 2 : 1;
    return c === 0x0a ? 1 : 0;
  }

  /** A run of newlines, blanks and comments: one `newline` token where newlines are significant. */
  private lexNewlines(frame: CodeFrame, push: (kind: TokenKind, text: string, start: number, end: number) => void): void {
    const start = this.i;
    const firstLength = this.newlineLength(start);
    this.checkNewlineInSimpleString(start);
    this.i = start + firstLength;
    if (this.code(this.i) === 0x2f && this.code(this.i + 1) !== 0x2f && this.code(this.i + 1) !== 0x2a) {
      this.error("unexpected char: '/'", this.i);
    }
    for (;;) {
      const c = this.code(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0c) this.i++;
      else if (c === 0x0a || c === 0x0d) {
        this.checkNewlineInSimpleString(this.i);
        this.i += this.newlineLength(this.i);
      } else if (c === 0x2f && this.code(this.i + 1) === 0x2f) this.skipLineComment();
      else if (c === 0x2f && this.code(this.i + 1) === 0x2a) this.skipBlockComment();
      else break;
    }
    if (frame.parenLevel === 0) push('newline', '\n', start, start + firstLength);
  }

  /** Groovy forbids line breaks anywhere inside `"..."` and `/.../`, even inside their `${...}`. */
  private checkNewlineInSimpleString(i: number): void {
    if (this.simpleStringDepth > 0) {
      this.error(`end of line reached within a simple string 'x' or "x" or /x/`, i);
    }
  }

  private skipLineComment(): void {
    const start = this.i;
    let j = start + 2;
    while (j < this.src.length && this.code(j) !== 0x0a && this.code(j) !== 0x0d) j++;
    this.comments.push({ kind: 'line', start: this.off(start), end: this.off(j) });
    this.i = j;
  }

  private skipBlockComment(): void {
    const start = this.i;
    const close = this.src.indexOf('*/', start + 2);
    if (close < 0) {
      this.error("expecting '*', found '<EOF>'", this.src.length, this.src.length);
      this.comments.push({ kind: 'block', start: this.off(start), end: this.off(this.src.length) });
      this.i = this.src.length;
      return;
    }
    this.comments.push({ kind: 'block', start: this.off(start), end: this.off(close + 2) });
    this.i = close + 2;
  }

  private lexNumber(push: (kind: TokenKind, text: string, start: number, end: number) => void): void {
    const src = this.src;
    const start = this.i;
    let j = start;
    const digitsWithUnderscore = (k: number, accept: (c: number) => boolean): number => {
      // One or more accepted digits; underscores only between digits.
      if (!accept(this.code(k))) return k;
      let last = k;
      k++;
      while (accept(this.code(k)) || this.code(k) === 0x5f) {
        if (this.code(k) !== 0x5f) last = k;
        k++;
      }
      return last + 1;
    };
    let decimal = false;
    if (this.code(j) === 0x30 && (this.code(j + 1) === 0x78 || this.code(j + 1) === 0x58)) {
      const k = digitsWithUnderscore(j + 2, isHexDigit);
      if (k === j + 2) {
        this.error(`unexpected char: ${this.describeChar(k)}`, k);
        this.i = k;
        push('number', src.slice(start, k), start, k);
        return;
      }
      j = k;
    } else if (this.code(j) === 0x30 && (this.code(j + 1) === 0x62 || this.code(j + 1) === 0x42)) {
      const k = digitsWithUnderscore(j + 2, (d) => d === 0x30 || d === 0x31);
      if (k === j + 2) {
        this.error(`unexpected char: ${this.describeChar(k)}`, k);
        this.i = k;
        push('number', src.slice(start, k), start, k);
        return;
      }
      j = k;
    } else if (this.code(j) === 0x30) {
      const k = digitsWithUnderscore(j + 1, isDigit);
      const after = this.code(k);
      const isFloat = k > j + 1 && ((after === 0x2e && isDigit(this.code(k + 1))) || after === 0x65 || after === 0x45 ||
        after === 0x66 || after === 0x46 || after === 0x64 || after === 0x44);
      if (isFloat) {
        j = k;
        decimal = true;
      } else {
        j = digitsWithUnderscore(j + 1, (d) => d >= 0x30 && d <= 0x37);
        if (j === start + 1) {
          j = start + 1;
          decimal = true;
        }
      }
    } else {
      j = digitsWithUnderscore(j, isDigit);
      decimal = true;
    }
    const s = this.code(j);
    if (s === 0x6c || s === 0x4c || s === 0x69 || s === 0x49 || s === 0x67 || s === 0x47) {
      j++;
    } else if (decimal) {
      let fraction = false;
      if (s === 0x2e && isDigit(this.code(j + 1))) {
        j = digitsWithUnderscore(j + 1, isDigit);
        fraction = true;
      }
      const e = this.code(j);
      if (e === 0x65 || e === 0x45) {
        let k = j + 1;
        if (this.code(k) === 0x2b || this.code(k) === 0x2d) k++;
        let last = -1;
        while (isDigit(this.code(k)) || this.code(k) === 0x5f) {
          if (this.code(k) !== 0x5f) last = k;
          k++;
        }
        if (last < 0 || last !== k - 1) {
          this.error(`unexpected char: ${this.describeChar(k)}`, k);
          this.i = k;
          push('number', src.slice(start, k), start, k);
          return;
        }
        j = k;
        fraction = true;
      }
      const f = this.code(j);
      if (f === 0x66 || f === 0x46 || f === 0x64 || f === 0x44) j++;
      else if (fraction && (f === 0x67 || f === 0x47)) j++;
    }
    this.i = j;
    push('number', src.slice(start, j), start, j);
  }

  private newString(quote: QuoteKind, start: number): StringFrame {
    if (quote === '"' || quote === '/') this.simpleStringDepth++;
    return { type: 'string', quote, start, parts: [], segStart: this.i, seg: [], segAt: [] };
  }

  /** Appends a decoded code unit to the current segment, read from decoded offset `at`. */
  private emit(frame: StringFrame, unit: string, at: number): void {
    frame.seg.push(unit);
    frame.segAt.push(at);
  }

  private flushSegment(frame: StringFrame, end: number): void {
    if (end > frame.segStart) {
      const value = frame.seg.join('');
      const verbatim = this.offsets === null && value === this.src.slice(frame.segStart, end);
      const segment: SegmentPart = { kind: 'segment', start: this.off(frame.segStart), end: this.off(end), value };
      frame.parts.push(verbatim ? segment : { ...segment, offsets: frame.segAt.map((at) => this.off(at)) });
    }
    frame.seg = [];
    frame.segAt = [];
  }

  private finishString(frame: StringFrame, stack: (CodeFrame | StringFrame)[], contentEnd: number, terminated: boolean): void {
    // An unterminated string runs to the end of the line or file; its span stops at its last visible character.
    let end = this.i;
    if (!terminated) {
      contentEnd = this.trimmedEnd(frame.segStart, contentEnd);
      while (frame.seg.length > 0 && /\s/.test(frame.seg[frame.seg.length - 1]!)) {
        frame.seg.pop();
        frame.segAt.pop();
      }
      end = this.trimmedEnd(frame.start + frame.quote.length, this.i);
    }
    this.flushSegment(frame, contentEnd);
    if (frame.quote === '"' || frame.quote === '/') this.simpleStringDepth--;
    stack.pop();
    const parent = stack[stack.length - 1] as CodeFrame;
    parent.tokens.push({
      kind: 'string',
      text: this.src.slice(frame.start, end),
      start: this.off(frame.start),
      end: this.off(end),
      str: { quote: frame.quote, parts: frame.parts, terminated },
    });
  }

  /** `to`, moved back over blanks and line breaks, but not before `from`. */
  private trimmedEnd(from: number, to: number): number {
    while (to > from && /\s/.test(this.src[to - 1]!)) to--;
    return to;
  }

  private finishInterpolation(frame: CodeFrame, stack: (CodeFrame | StringFrame)[], closed: boolean): void {
    const owner = frame.owner!;
    const innerEnd = closed ? this.i - 1 : this.trimmedEnd(frame.innerStart, this.i);
    if (!closed) frame.tokens.push({ kind: 'eof', text: '', start: this.off(this.i), end: this.off(this.i) });
    owner.parts.push({
      kind: 'block',
      start: this.off(frame.interpStart),
      end: this.off(closed ? this.i : innerEnd),
      innerStart: this.off(frame.innerStart),
      innerEnd: this.off(innerEnd),
      tokens: frame.tokens,
      closed,
    });
    owner.segStart = this.i;
    owner.seg = [];
    owner.segAt = [];
  }

  /** Lexes string content until the string ends or an interpolation begins. */
  private lexString(frame: StringFrame, stack: (CodeFrame | StringFrame)[]): void {
    const src = this.src;
    const quote = frame.quote;
    const closer = CLOSERS[quote];
    const multiline = quote === "'''" || quote === '"""' || quote === '/' || quote === '$/';
    const interpolates = quote !== "'" && quote !== "'''";
    const escapes = quote === "'" || quote === '"' || quote === "'''" || quote === '"""';
    for (;;) {
      const i = this.i;
      const c = this.code(i);
      if (c === -1) {
        this.error(quote === "'" || quote === '"' ? `expecting '${quote}', found '<EOF>'` : 'unexpected char: 0xFFFF', i, i);
        this.finishString(frame, stack, i, false);
        return;
      }
      if (src.startsWith(closer, i)) {
        this.i = i + closer.length;
        this.finishString(frame, stack, i, true);
        return;
      }
      if (c === 0x0a || c === 0x0d) {
        const nl = this.newlineLength(i);
        if (!multiline) {
          this.error(quote === "'" ? "expecting ''', found '\\n'" : "expecting anything but ''\\n''; got it anyway", i);
          this.finishString(frame, stack, i, false);
          return;
        }
        this.emit(frame, '\n', i);
        this.i = i + nl;
        continue;
      }
      if (c === 0x5c) {
        const nl = this.newlineLength(i + 1);
        if (nl > 0) {
          // Line continuation: the backslash and the line break vanish.
          this.i = i + 1 + nl;
          continue;
        }
        if (escapes) {
          this.lexEscape(frame);
          continue;
        }
        if (quote === '/' && this.code(i + 1) === 0x2f) {
          this.emit(frame, '/', i);
          this.i = i + 2;
          continue;
        }
        this.emit(frame, '\\', i);
        this.i = i + 1;
        continue;
      }
      if (c === 0x24 && quote === '$/') {
        const n = this.code(i + 1);
        if (n === 0x2f || n === 0x24) {
          this.emit(frame, String.fromCharCode(n), i);
          this.i = i + 2;
          continue;
        }
      }
      if (c === 0x24 && interpolates) {
        const n = this.code(i + 1);
        const valid = n === 0x7b || (n !== 0x24 && isJavaIdentifierStart(n));
        if (!valid) {
          if (quote === '"' || quote === '"""') {
            this.error('illegal string body character after dollar sign', i);
          }
          this.emit(frame, '$', i);
          this.i = i + 1;
          continue;
        }
        this.flushSegment(frame, i);
        if (n === 0x7b) {
          this.i = i + 2;
          const code: CodeFrame = {
            type: 'code', tokens: [], parenLevel: 0, parenStack: [], owner: frame, interpStart: i, innerStart: i + 2,
          };
          stack.push(code);
          return;
        }
        this.lexPath(frame, i);
        continue;
      }
      this.emit(frame, src[i]!, i);
      this.i = i + 1;
    }
  }

  private lexPath(frame: StringFrame, dollar: number): void {
    const src = this.src;
    const names: { name: string; start: number; end: number }[] = [];
    let j = dollar + 1;
    for (;;) {
      const start = j;
      j++;
      while (j < src.length && (isGroovyLetter(src.charCodeAt(j)) || isDigit(src.charCodeAt(j)))) j++;
      const name = src.slice(start, j);
      const first = names.length === 0;
      if (KEYWORDS.has(name) && !(first && (name === 'this' || name === 'super'))) {
        this.error(`expecting an identifier, found '${name}'`, start, j);
      }
      names.push({ name, start: this.off(start), end: this.off(j) });
      const after = this.code(j + 1);
      if (this.code(j) === 0x2e && after !== 0x24 && isJavaIdentifierStart(after) && isGroovyLetter(after)) {
        j++;
        continue;
      }
      break;
    }
    frame.parts.push({ kind: 'path', start: this.off(dollar), end: this.off(j), names });
    this.i = j;
    frame.segStart = j;
    frame.seg = [];
    frame.segAt = [];
  }

  private lexEscape(frame: StringFrame): void {
    const i = this.i;
    const n = this.code(i + 1);
    const simple: Record<number, string> = {
      0x6e: '\n', 0x72: '\r', 0x74: '\t', 0x62: '\b', 0x66: '\f', 0x22: '"', 0x27: "'", 0x5c: '\\', 0x24: '$',
    };
    const s = simple[n];
    if (s !== undefined) {
      this.emit(frame, s, i);
      this.i = i + 2;
      return;
    }
    if (n === 0x75) {
      let j = i + 1;
      while (this.code(j) === 0x75) j++;
      const hex = this.src.slice(j, j + 4);
      if (hex.length === 4 && [...hex].every((h) => isHexDigit(h.charCodeAt(0)))) {
        this.emit(frame, String.fromCharCode(parseInt(hex, 16)), i);
        this.i = j + 4;
        return;
      }
    }
    if (n >= 0x30 && n <= 0x37) {
      let j = i + 2;
      const max = n <= 0x33 ? 3 : 2;
      while (j - (i + 1) < max && this.code(j) >= 0x30 && this.code(j) <= 0x37) j++;
      this.emit(frame, String.fromCharCode(parseInt(this.src.slice(i + 1, j), 8)), i);
      this.i = j;
      return;
    }
    this.error("unexpected char: '\\'", i);
    this.emit(frame, '\\', i);
    this.i = i + 1;
  }
}

/** Splits Groovy source into tokens. Never throws; problems are returned as errors. */
export function lexGroovy(text: string): LexResult {
  return new Lexer(text).run();
}
