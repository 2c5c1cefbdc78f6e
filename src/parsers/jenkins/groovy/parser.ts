/**
 * Recursive-descent parser for the Groovy (2.4) that Jenkinsfiles are written in. Its structure follows
 * Groovy's own grammar (groovy.g), so that it accepts and rejects the same programs: command expressions
 * (`sh 'make'`, `foo a b c`), closures appended to calls (even on the next line at statement start),
 * newline rules, declarations told apart from commands by capitalisation (`String x` vs `println x`), and
 * the few checks Groovy makes while converting its parse tree (methods only at script level, no mixed
 * list/map literals, a `try` needs a `catch` or `finally`).
 *
 * It never throws: a statement it cannot parse becomes an `Opaque` node covering its text (its `{...}`
 * blocks are still parsed), and parsing resumes at the next statement boundary. Bracket pairs are matched
 * before parsing, so recovery never runs past the `}` that closes the current block.
 */
import type * as A from './ast.js';
import { lexGroovy, type StringToken, type Token } from './lexer.js';

export interface GroovyParseResult {
  readonly ast: A.Script;
  /** Syntax errors, in source order. A file Groovy 2.4 compiles has none. */
  readonly errors: readonly A.ParseError[];
  /** The lexer's tokens the tree was parsed from. */
  readonly tokens: readonly Token[];
  /** The first construct nested past MAX_DEPTH, which was kept unread (an Opaque node), if any. */
  readonly tooDeep: { readonly start: number; readonly end: number } | undefined;
}

/** Nesting beyond this many constructs becomes an Opaque node instead of deeper recursion. */
const MAX_DEPTH = 250;

const LC_NONE = 0;
/** The expression starts a statement or initialises a variable: it may take a closure from the next line. */
const LC_STMT = 1;

const MODIFIERS = new Set([
  'private', 'public', 'protected', 'static', 'transient', 'final', 'abstract', 'native', 'threadsafe',
  'synchronized', 'volatile', 'strictfp',
]);
const BUILTIN_TYPES = new Set(['void', 'boolean', 'byte', 'char', 'short', 'int', 'float', 'long', 'double']);
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '>>=', '>>>=', '<<=', '&=', '^=', '|=', '**=']);
const DOT_OPS = new Set(['.', '?.', '*.', '.&']);
const RELATIONAL = 8;
const MULTIPLICATIVE = 11;
const BINARY_LEVELS: ReadonlyMap<string, number> = new Map([
  ['||', 1], ['&&', 2], ['|', 3], ['^', 4], ['&', 5], ['=~', 6], ['==~', 6],
  ['==', 7], ['!=', 7], ['<=>', 7], ['===', 7], ['!==', 7],
  ['<', RELATIONAL], ['>', RELATIONAL], ['<=', RELATIONAL], ['>=', RELATIONAL],
  ['<<', 9], ['>>', 9], ['>>>', 9], ['..', 9], ['..<', 9],
  ['+', 10], ['-', 10], ['*', MULTIPLICATIVE], ['/', MULTIPLICATIVE], ['%', MULTIPLICATIVE],
]);
const RELATIONAL_OPS = new Set(['<', '>', '<=', '>=', 'in']);
const CLOSER_OF: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/**
 * A syntax error on its way to the statement that recovers from it. Not an Error subclass: recovery is
 * routine, and capturing a stack trace per bad token made error-heavy input slow.
 */
class SyntaxFailure {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

/** Thrown past MAX_DEPTH; the enclosing statement becomes Opaque without an error. */
class TooDeep {}

/** More errors than this in one file are noise: the first ones are what a user fixes. */
const MAX_ERRORS = 100;

/** What separated the previous statement from this one ('start': nothing came before in this block). */
type Separator = 'start' | 'none' | 'newline' | 'semicolon';

interface ListContext {
  /** Token index of the closing `}` (or the final `eof`). */
  readonly end: number;
  readonly allowMethods: boolean;
  readonly classBody?: boolean;
  readonly script?: boolean;
  readonly switchCase?: boolean;
}

interface ArgItems {
  readonly items: (A.Expression | A.MapEntry)[];
  readonly open: Token;
}

interface Modifiers {
  readonly modifiers: string[];
  readonly annotations: A.Annotation[];
}

/** The context of a statement that is the body of an if, a loop or a label. */
const NESTED_STATEMENT: ListContext = { end: -1, allowMethods: false };

/** Pairs each opening bracket with its closing one (-1 when unmatched). */
function matchBrackets(tokens: readonly Token[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    const text = t.text;
    if (text === '(' || text === '[' || text === '{') {
      stack.push(i);
      continue;
    }
    if (text !== ')' && text !== ']' && text !== '}') continue;
    // Look a little way down the stack so that one missing `)` does not unpair every later brace.
    for (let k = stack.length - 1; k >= 0 && k >= stack.length - 64; k--) {
      const open = stack[k]!;
      if (CLOSER_OF[tokens[open]!.text] === text) {
        match[open] = i;
        match[i] = open;
        stack.length = k;
        break;
      }
    }
  }
  return match;
}

function isExpressionNode(s: A.Statement): s is A.Expression {
  switch (s.type) {
    case 'Block':
    case 'MethodDecl':
    case 'ClassDecl':
    case 'If':
    case 'For':
    case 'ForIn':
    case 'While':
    case 'Switch':
    case 'Try':
    case 'Synchronized':
    case 'Labeled':
    case 'Import':
    case 'Package':
      return false;
    default:
      return true;
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of file' : t.kind === 'newline' ? 'a newline' : `'${t.text}'`;
}

class Parser {
  private toks: readonly Token[];
  private match: Int32Array;
  private pos = 0;
  private lastEnd = 0;
  private depth = 0;
  private speculating = 0;
  /** See GroovyParseResult.tooDeep. */
  tooDeep: { start: number; end: number } | undefined;
  private reportedUnclosed = false;
  private lastPath: A.Expression | null = null;
  readonly errors: A.ParseError[] = [];

  constructor(tokens: readonly Token[], match: Int32Array) {
    this.toks = tokens;
    this.match = match;
  }

  // ---------------------------------------------------------------- tokens

  private peek(k = 0): Token {
    const i = this.pos + k;
    return this.toks[i < this.toks.length ? i : this.toks.length - 1]!;
  }

  private at(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'punct' && t.text === text;
  }

  private atKeyword(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'keyword' && t.text === text;
  }

  private atNewline(k = 0): boolean {
    return this.peek(k).kind === 'newline';
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') {
      this.pos++;
      if (t.kind !== 'newline') this.lastEnd = t.end;
    }
    return t;
  }

  /** Groovy's `nls`: one (collapsed) newline token, if there. */
  private nls(): void {
    if (this.atNewline()) this.next();
  }

  private fail(message: string, t: Token = this.peek()): SyntaxFailure {
    return new SyntaxFailure(message, t.start, Math.max(t.end, t.start + (t.kind === 'eof' ? 0 : 1)));
  }

  private unexpected(t: Token = this.peek()): SyntaxFailure {
    return this.fail(`unexpected token: ${describe(t)}`, t);
  }

  private expect(text: string): Token {
    if (!this.at(text)) throw this.fail(`expecting '${text}', found ${describe(this.peek())}`);
    return this.next();
  }

  /** Consumes the closer of `open`; at the end of an unbalanced file, reports it and carries on. */
  private expectCloser(open: Token, openIndex: number): Token {
    const closer = CLOSER_OF[open.text]!;
    if (this.at(closer)) return this.next();
    if (this.peek().kind === 'eof' && this.match[openIndex] === -1) {
      // Every enclosing unclosed bracket ends here too; one error says it.
      if (!this.reportedUnclosed) {
        this.report(`expecting '${closer}' to close the '${open.text}' at offset ${open.start}, found end of file`, this.peek());
        this.reportedUnclosed = true;
      }
      return this.peek();
    }
    throw this.fail(`expecting '${closer}', found ${describe(this.peek())}`);
  }

  private report(message: string, where: A.Span | Token): void {
    if (this.speculating > 0 || this.errors.length >= MAX_ERRORS) return;
    this.errors.push({ message, start: where.start, end: Math.max(where.end, where.start) });
  }

  private noteTooDeep(where: { start: number; end: number }): void {
    if (this.speculating === 0 && (!this.tooDeep || where.start < this.tooDeep.start)) this.tooDeep = { start: where.start, end: where.end };
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      throw new TooDeep();
    }
  }

  private leave(): void {
    this.depth--;
  }

  /** Runs `fn` over another token list (the inside of a `${...}`), then comes back. */
  private withTokens<T>(tokens: readonly Token[], fn: () => T): T {
    const saved = { toks: this.toks, match: this.match, pos: this.pos, lastEnd: this.lastEnd, lastPath: this.lastPath };
    this.toks = tokens;
    this.match = matchBrackets(tokens);
    this.pos = 0;
    try {
      return fn();
    } finally {
      this.toks = saved.toks;
      this.match = saved.match;
      this.pos = saved.pos;
      this.lastEnd = saved.lastEnd;
      this.lastPath = saved.lastPath;
    }
  }

  /**
   * Runs `fn` as a lookahead: reports nothing, skips closure bodies, and always rewinds. A syntax failure
   * counts as false.
   */
  private lookahead(fn: () => boolean): boolean {
    const saved = { pos: this.pos, lastEnd: this.lastEnd, lastPath: this.lastPath, depth: this.depth };
    this.speculating++;
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof SyntaxFailure) && !(e instanceof TooDeep)) throw e;
      return false;
    } finally {
      this.speculating--;
      Object.assign(this, saved);
    }
  }

  // ---------------------------------------------------------------- token classes

  private isTypeKeyword(t: Token): boolean {
    return t.kind === 'keyword' && BUILTIN_TYPES.has(t.text);
  }

  /** What can begin a primary expression (the head of a path). */
  private isPrimaryStart(t: Token): boolean {
    switch (t.kind) {
      case 'ident':
      case 'number':
      case 'string':
        return true;
      case 'keyword':
        return ['new', 'this', 'super', 'true', 'false', 'null'].includes(t.text) || BUILTIN_TYPES.has(t.text);
      case 'punct':
        return t.text === '(' || t.text === '[' || t.text === '{';
      default:
        return false;
    }
  }

  private isExpressionStart(t: Token): boolean {
    if (this.isPrimaryStart(t)) return true;
    return t.kind === 'punct' && ['!', '~', '-', '+', '++', '--'].includes(t.text);
  }

  private isUpperCaseIdent(t: Token): boolean {
    if (t.kind !== 'ident') return false;
    const c = t.text[0]!;
    return c !== c.toLowerCase() || (c >= 'A' && c <= 'Z');
  }

  private tokenAt(i: number): Token {
    return this.toks[i < this.toks.length ? i : this.toks.length - 1]!;
  }

  private punctAt(i: number, text: string): boolean {
    const t = this.tokenAt(i);
    return t.kind === 'punct' && t.text === text;
  }

  /** Index after `<...>` type arguments starting at i, or -1. */
  private scanTypeArguments(i: number): number {
    if (!this.punctAt(i, '<')) return -1;
    let depth = 0;
    for (;;) {
      const t = this.tokenAt(i);
      if (t.kind === 'punct') {
        if (t.text === '<') depth++;
        else if (t.text === '>') depth--;
        else if (t.text === '>>') depth -= 2;
        else if (t.text === '>>>') depth -= 3;
        else if (!['?', ',', '.', '&', '[', ']'].includes(t.text)) return -1;
      } else if (t.kind === 'keyword') {
        if (!['extends', 'super'].includes(t.text) && !BUILTIN_TYPES.has(t.text)) return -1;
      } else if (t.kind !== 'ident' && t.kind !== 'newline') {
        return -1;
      }
      i++;
      if (depth === 0) return i;
      if (depth < 0) return -1;
    }
  }

  /** Index after a type (`a.b.C<D>[]`, `int[]`) starting at i, or -1. */
  private scanType(i: number): number {
    const t = this.tokenAt(i);
    if (this.isTypeKeyword(t)) i++;
    else if (t.kind === 'ident') {
      i++;
      if (this.punctAt(i, '<')) i = this.scanTypeArguments(i);
      while (i > 0 && this.punctAt(i, '.') && this.tokenAt(i + 1).kind === 'ident') {
        i += 2;
        if (this.punctAt(i, '<')) i = this.scanTypeArguments(i);
      }
      if (i < 0) return -1;
    } else return -1;
    while (this.punctAt(i, '[') && this.punctAt(i + 1, ']')) i += 2;
    return i;
  }

  /** Index after an annotation starting at i (`@a.b.C(...)`), or -1. */
  private scanAnnotation(i: number): number {
    if (!this.punctAt(i, '@') || this.tokenAt(i + 1).kind !== 'ident') return -1;
    i += 2;
    while (this.punctAt(i, '.') && this.tokenAt(i + 1).kind === 'ident') i += 2;
    if (this.punctAt(i, '(')) {
      const m = this.match[i]!;
      if (m < 0) return -1;
      i = m + 1;
    }
    return i;
  }

  private skipNewlineAt(i: number): number {
    return this.tokenAt(i).kind === 'newline' ? i + 1 : i;
  }

  /**
   * Groovy's declarationStart: modifiers/`def`/annotations and/or a type (capitalised, primitive, or
   * qualified ending in a capital), then a name. This is how `String x` differs from `println x`.
   */
  private isDeclarationStart(i: number): boolean {
    let count = 0;
    for (;;) {
      const t = this.tokenAt(i);
      if (t.kind === 'keyword' && (t.text === 'def' || MODIFIERS.has(t.text))) {
        i = this.skipNewlineAt(i + 1);
      } else if (t.kind === 'punct' && t.text === '@' && !(this.tokenAt(i + 1).kind === 'keyword')) {
        const j = this.scanAnnotation(i);
        if (j < 0) return false;
        i = this.skipNewlineAt(j);
      } else if (t.kind === 'punct' && t.text === '<' && count > 0) {
        // A generic method: `def <T> T first(List<T> xs)`.
        i = this.scanTypeArguments(i);
        if (i < 0) return false;
        continue;
      } else if (this.isTypeKeyword(t) || t.kind === 'ident') {
        let j = i + 1;
        let last = t;
        while (this.punctAt(j, '.') && this.tokenAt(j + 1).kind === 'ident') {
          last = this.tokenAt(j + 1);
          j += 2;
        }
        if (t.kind === 'ident' && !this.isUpperCaseIdent(last)) break;
        if (this.punctAt(j, '<')) {
          j = this.scanTypeArguments(j);
          if (j < 0) return false;
        }
        while (this.punctAt(j, '[')) {
          const m = this.match[j]!;
          if (m < 0) return false;
          j = m + 1;
        }
        // A capitalised name followed by `=` is the variable (`final int RETRIES = 3`), not another type.
        const after = this.tokenAt(j);
        const continues = after.kind === 'ident' || after.kind === 'string' || this.isTypeKeyword(after) ||
          (after.kind === 'keyword' && (after.text === 'def' || MODIFIERS.has(after.text))) ||
          (after.kind === 'punct' && after.text === '@');
        if (!continues) break;
        i = j;
      } else break;
      count++;
    }
    if (count === 0) return false;
    const t = this.tokenAt(i);
    return t.kind === 'ident' || (t.kind === 'string' && this.isPlainString(t));
  }

  private isPlainString(t: Token): boolean {
    return t.kind === 'string' && t.str!.parts.every((p) => p.kind === 'segment');
  }

  /** `def (a, b) = ...` */
  private isTupleDeclarationStart(): boolean {
    let i = this.pos;
    for (;;) {
      const t = this.tokenAt(i);
      if (t.kind === 'keyword' && MODIFIERS.has(t.text)) i = this.skipNewlineAt(i + 1);
      else if (t.kind === 'punct' && t.text === '@') {
        const j = this.scanAnnotation(i);
        if (j < 0) return false;
        i = this.skipNewlineAt(j);
      } else break;
    }
    if (!(this.tokenAt(i).kind === 'keyword' && this.tokenAt(i).text === 'def')) return false;
    return this.punctAt(this.skipNewlineAt(i + 1), '(');
  }

  // ---------------------------------------------------------------- statements

  parseScript(): A.Script {
    const end = this.toks.length - 1;
    const statements = this.parseStatements({ end, allowMethods: true, script: true });
    return { type: 'Script', start: 0, end: this.toks[end]!.end, statements };
  }

  private atListEnd(ctx: ListContext): boolean {
    if (this.pos >= ctx.end || this.peek().kind === 'eof') return true;
    return ctx.switchCase === true && (this.atKeyword('case') || this.atKeyword('default'));
  }

  /** A block body: statements separated by newlines or `;`, recovering from errors statement by statement. */
  private parseStatements(ctx: ListContext): A.Statement[] {
    const statements: A.Statement[] = [];
    let separator: Separator = 'start';
    for (;;) {
      if (this.atListEnd(ctx)) break;
      if (this.atNewline()) {
        this.next();
        if (separator === 'none') separator = 'newline';
        continue;
      }
      if (this.at(';')) {
        this.next();
        separator = 'semicolon';
        continue;
      }
      const startIndex = this.pos;
      let parsed: A.Statement | null = null;
      try {
        parsed = this.parseStatement(separator, ctx, statements.length === 0);
        statements.push(parsed);
        if (!this.atNewline() && !this.at(';') && !this.atListEnd(ctx)) throw this.unexpected();
      } catch (e) {
        if (!(e instanceof SyntaxFailure) && !(e instanceof TooDeep)) throw e;
        if (e instanceof SyntaxFailure) this.report(e.message, e);
        const from = parsed ? this.pos : startIndex;
        const opaque = this.recover(from, ctx, e instanceof TooDeep ? 'nested too deeply' : e.message);
        if (e instanceof TooDeep) this.noteTooDeep(opaque);
        statements.push(opaque);
      }
      separator = 'none';
    }
    return statements;
  }

  /**
   * Skips from token `from` to the end of the statement (a newline or `;` outside brackets, or the end of
   * the block), jumping over bracket pairs, and covers the skipped text with an Opaque node.
   */
  private recover(from: number, ctx: ListContext, reason: string): A.Opaque {
    let i = from;
    const recovered: A.Block[] = [];
    while (i < ctx.end) {
      const t = this.tokenAt(i);
      if (t.kind === 'eof' || t.kind === 'newline' || (t.kind === 'punct' && t.text === ';')) break;
      if (t.kind === 'punct' && t.text === '}' && i > from) break;
      const m = this.match[i]!;
      if (t.kind === 'punct' && m > i && m <= ctx.end) {
        if (t.text === '{' && this.depth < MAX_DEPTH - 2) recovered.push(this.recoverBlock(i, m));
        i = m + 1;
        continue;
      }
      i++;
    }
    if (i === from) i++;
    const start = this.tokenAt(from).start;
    this.pos = i;
    let end = start;
    for (let k = i - 1; k >= from; k--) {
      const t = this.tokenAt(k);
      if (t.kind !== 'newline' && t.kind !== 'eof') {
        end = t.end;
        break;
      }
    }
    this.lastEnd = Math.max(end, start);
    return { type: 'Opaque', start, end: Math.max(end, start), reason, recovered };
  }

  private recoverBlock(open: number, close: number): A.Block {
    const saved = { pos: this.pos, lastEnd: this.lastEnd };
    this.pos = open + 1;
    this.depth++;
    try {
      const statements = this.parseStatements({ end: close, allowMethods: false });
      return { type: 'Block', start: this.tokenAt(open).start, end: this.tokenAt(close).end, statements };
    } finally {
      this.depth--;
      Object.assign(this, saved);
    }
  }

  private parseStatement(separator: Separator, ctx: ListContext, first: boolean): A.Statement {
    this.enter();
    try {
      return this.parseStatementInner(separator, ctx, first);
    } finally {
      this.leave();
    }
  }

  private parseStatementInner(separator: Separator, ctx: ListContext, first: boolean): A.Statement {
    const t = this.peek();
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'if':
          return this.parseIf();
        case 'for':
          return this.parseFor();
        case 'while':
          return this.parseWhile();
        case 'switch':
          return this.parseSwitch();
        case 'try':
          return this.parseTry();
        case 'return':
        case 'break':
        case 'continue':
        case 'throw':
        case 'assert':
          return this.parseBranch();
        case 'import':
          return this.parseImport(t.start, []);
        case 'package':
          if (ctx.script && first) return this.parsePackage(t.start, []);
          throw this.unexpected();
        case 'class':
        case 'interface':
        case 'enum':
        case 'trait':
          return this.parseClass(t.start, { modifiers: [], annotations: [] });
        case 'synchronized':
          if (this.at('(', 1)) return this.parseSynchronized();
          break;
        case 'static':
          if (ctx.classBody && this.at('{', 1)) {
            this.next();
            return this.parseOpenBlock();
          }
          break;
      }
    }
    if (ctx.classBody && this.at('{')) return this.parseOpenBlock();
    if (this.isTupleDeclarationStart()) return this.parseTupleDeclaration();
    if (this.isDeclarationStart(this.pos)) return this.parseDeclaration(ctx);
    if ((t.kind === 'keyword' && (t.text === 'def' || MODIFIERS.has(t.text))) || (t.kind === 'punct' && t.text === '@')) {
      const mods = this.parseModifiers();
      if (this.atKeyword('import') && mods.modifiers.length === 0) return this.parseImport(t.start, mods.annotations);
      if (this.atKeyword('package') && ctx.script && first && mods.modifiers.length === 0) {
        return this.parsePackage(t.start, mods.annotations);
      }
      if (['class', 'interface', 'enum', 'trait'].includes(this.peek().text) || (this.at('@') && this.atKeyword('interface', 1))) {
        return this.parseClass(t.start, mods);
      }
      throw this.unexpected();
    }
    if (t.kind === 'ident' && this.at(':', 1)) return this.parseLabeled();
    return this.parseExpressionStatement(separator);
  }

  private parseLabeled(): A.Labeled {
    const labelTok = this.next();
    const label: A.Identifier = { type: 'Identifier', start: labelTok.start, end: labelTok.end, name: labelTok.text };
    this.next();
    this.nls();
    let body: A.Statement;
    if (this.at('{')) {
      body = this.closureParamsAhead() ? this.parseClosure() : this.parseOpenBlock();
    } else {
      body = this.parseStatement('semicolon', NESTED_STATEMENT, false);
    }
    return { type: 'Labeled', start: labelTok.start, end: this.lastEnd, label, body };
  }

  /** Whether the `{` at the current position starts a closure with an explicit `->` parameter list. */
  private closureParamsAhead(): boolean {
    return this.lookahead(() => {
      this.next();
      this.nls();
      return this.hasClosureParams();
    });
  }

  private parseExpressionStatement(separator: Separator): A.Expression {
    if (this.at('{') && !this.closureParamsAhead()) {
      throw this.fail(
        separator === 'newline'
          ? 'Ambiguous expression could be a parameterless closure expression, an isolated open code block, or it may continue a previous statement'
          : 'Ambiguous expression could be either a parameterless closure expression or an isolated open code block',
      );
    }
    return this.parseExpressionStatementNoCheck();
  }

  /** An expression, or a command expression when the expression is a bare path (`foo.bar a, b`). */
  private parseExpressionStatementNoCheck(): A.Expression {
    this.enter();
    try {
      const head = this.parseExpression(LC_STMT);
      if (head === this.lastPath && !this.atKeyword('else')) return this.commandArgumentsGreedy(head);
      return head;
    } finally {
      this.leave();
    }
  }

  private parseOpenBlock(): A.Block {
    const openIndex = this.pos;
    const open = this.expect('{');
    const end = this.match[openIndex]! >= 0 ? this.match[openIndex]! : this.toks.length - 1;
    const statements = this.parseStatements({ end, allowMethods: false });
    this.expectCloser(open, openIndex);
    return { type: 'Block', start: open.start, end: this.lastEnd, statements };
  }

  /** Groovy's compatibleBodyStatement: a `{ }` block or a single statement. */
  private parseBody(): A.Statement {
    if (this.at('{')) return this.parseOpenBlock();
    return this.parseStatement('start', NESTED_STATEMENT, false);
  }

  private parseIf(): A.If {
    const start = this.next().start;
    this.expect('(');
    const test = this.parseConditional(LC_NONE);
    this.expect(')');
    this.nls();
    const consequent = this.parseBody();
    let alternate: A.Statement | null = null;
    let i = this.pos;
    while (this.tokenAt(i).kind === 'newline' || this.punctAt(i, ';')) i++;
    const e = this.tokenAt(i);
    if (e.kind === 'keyword' && e.text === 'else') {
      this.pos = i + 1;
      this.nls();
      alternate = this.parseBody();
    }
    return { type: 'If', start, end: this.lastEnd, test, consequent, alternate };
  }

  private parseFor(): A.For | A.ForIn {
    const start = this.next().start;
    this.expect('(');
    const classic = this.at(';') || this.lookahead(() => {
      this.parseStrictExpression(true);
      return this.at(';');
    });
    if (classic) {
      const parts: (A.Expression | null)[] = [this.at(';') ? null : this.parseStrictExpression(true)];
      while (this.at(';')) {
        this.next();
        parts.push(this.at(';') || this.at(')') ? null : this.parseStrictExpression(true));
      }
      this.expect(')');
      const body = this.parseLoopBody();
      const init = parts[0] ?? null;
      return { type: 'For', start, end: this.lastEnd, init, test: parts[1] ?? null, update: parts[2] ?? null, body };
    }
    const varStart = this.peek();
    let variable: A.Parameter;
    const declared = this.isDeclarationStart(this.pos);
    if (declared) {
      const mods = this.parseModifiers();
      const typeRef = this.isTypeThenName(this.pos) ? this.parseType() : null;
      const id = this.parseIdentifier();
      variable = this.parameter(varStart.start, id, typeRef, null, false, mods);
    } else {
      const id = this.parseIdentifier();
      variable = this.parameter(varStart.start, id, null, null, false, { modifiers: [], annotations: [] });
    }
    let iterable: A.Expression;
    if (this.atKeyword('in')) {
      this.next();
      this.nls();
      iterable = this.parseBinary(9, LC_NONE);
    } else if (this.at(':')) {
      if (!declared) throw this.fail('Java-style for-each statement requires a type declaration.');
      this.next();
      iterable = this.parseExpression(LC_NONE);
    } else throw this.unexpected();
    this.expect(')');
    const body = this.parseLoopBody();
    return { type: 'ForIn', start, end: this.lastEnd, variable, iterable, body };
  }

  private parseLoopBody(): A.Statement | null {
    this.nls();
    if (this.at(';')) {
      this.next();
      return null;
    }
    return this.parseBody();
  }

  private parseWhile(): A.While {
    const start = this.next().start;
    this.expect('(');
    const test = this.parseStrictExpression(false);
    this.expect(')');
    const body = this.parseLoopBody();
    return { type: 'While', start, end: this.lastEnd, test, body };
  }

  private parseSynchronized(): A.Synchronized {
    const start = this.next().start;
    this.expect('(');
    const lock = this.parseStrictExpression(false);
    this.expect(')');
    this.nls();
    const body = this.parseOpenBlock();
    return { type: 'Synchronized', start, end: this.lastEnd, lock, body };
  }

  private parseSwitch(): A.Switch {
    const start = this.next().start;
    this.expect('(');
    const discriminant = this.parseStrictExpression(false);
    this.expect(')');
    this.nls();
    const openIndex = this.pos;
    const open = this.expect('{');
    const end = this.match[openIndex]! >= 0 ? this.match[openIndex]! : this.toks.length - 1;
    this.nls();
    const cases: A.SwitchCase[] = [];
    while (this.pos < end && this.peek().kind !== 'eof') {
      const caseStart = this.peek().start;
      const tests: A.Expression[] = [];
      let isDefault = false;
      if (!this.atKeyword('case') && !this.atKeyword('default')) throw this.unexpected();
      while (this.atKeyword('case') || this.atKeyword('default')) {
        if (this.next().text === 'case') tests.push(this.parseExpression(LC_NONE));
        else isDefault = true;
        this.expect(':');
        this.nls();
      }
      if (this.pos >= end || this.atKeyword('case') || this.atKeyword('default')) this.report(`unexpected token: ${describe(this.peek())}`, this.peek());
      const body = this.parseStatements({ end, allowMethods: false, switchCase: true });
      cases.push({ type: 'SwitchCase', start: caseStart, end: this.lastEnd, tests, isDefault, body });
    }
    this.expectCloser(open, openIndex);
    return { type: 'Switch', start, end: this.lastEnd, discriminant, cases };
  }

  private parseTry(): A.Try {
    const startTok = this.next();
    this.nls();
    const block = this.parseOpenBlock();
    const catches: A.Catch[] = [];
    for (;;) {
      const saved = this.pos;
      this.nls();
      if (!this.atKeyword('catch')) {
        this.pos = saved;
        break;
      }
      const catchStart = this.next().start;
      this.expect('(');
      if (this.atKeyword('final')) this.next();
      if (this.atKeyword('def')) this.next();
      const types: A.TypeRef[] = [];
      if (!(this.peek().kind === 'ident' && this.at(')', 1))) {
        types.push(this.parseType());
        while (this.at('|')) {
          this.next();
          this.nls();
          types.push(this.parseType());
        }
      }
      const param = this.parseIdentifier();
      this.expect(')');
      this.nls();
      const body = this.parseOpenBlock();
      catches.push({ type: 'Catch', start: catchStart, end: this.lastEnd, types, param, body });
    }
    let finalizer: A.Block | null = null;
    const saved = this.pos;
    this.nls();
    if (this.atKeyword('finally')) {
      this.next();
      this.nls();
      finalizer = this.parseOpenBlock();
    } else this.pos = saved;
    const node: A.Try = { type: 'Try', start: startTok.start, end: this.lastEnd, block, catches, finalizer };
    if (catches.length === 0 && finalizer === null) {
      this.report('A try statement must have at least one catch or finally block.', startTok);
    }
    return node;
  }

  private parseBranch(): A.Return | A.Break | A.Continue | A.Throw | A.Assert {
    const t = this.next();
    switch (t.text) {
      case 'return': {
        const argument = this.isExpressionStart(this.peek()) ? this.parseExpression(LC_NONE) : null;
        return { type: 'Return', start: t.start, end: this.lastEnd, argument };
      }
      case 'break':
      case 'continue': {
        const label = this.peek().kind === 'ident' ? this.parseIdentifier() : null;
        return { type: t.text === 'break' ? 'Break' : 'Continue', start: t.start, end: this.lastEnd, label };
      }
      case 'throw': {
        const argument = this.parseExpression(LC_NONE);
        return { type: 'Throw', start: t.start, end: this.lastEnd, argument };
      }
      default: {
        const test = this.parseConditional(LC_NONE);
        let message: A.Expression | null = null;
        if (this.at(',') || this.at(':')) {
          this.next();
          this.nls();
          message = this.parseExpression(LC_NONE);
        }
        return { type: 'Assert', start: t.start, end: this.lastEnd, test, message };
      }
    }
  }

  private parseQualifiedName(): string {
    const parts = [this.expectName()];
    while (this.at('.') && (this.peek(1).kind === 'ident' || (this.peek(1).kind === 'newline' && this.peek(2).kind === 'ident'))) {
      this.next();
      this.nls();
      parts.push(this.expectName());
    }
    return parts.join('.');
  }

  private expectName(): string {
    const t = this.peek();
    if (t.kind !== 'ident') throw this.fail(`expecting an identifier, found ${describe(t)}`);
    return this.next().text;
  }

  private parseImport(start: number, annotations: A.Annotation[]): A.Import {
    this.next();
    let isStatic = false;
    if (this.atKeyword('static')) {
      this.next();
      isStatic = true;
    }
    const name = this.parseQualifiedName();
    let star = false;
    let alias: A.Identifier | null = null;
    if (this.at('.')) {
      this.next();
      this.nls();
      this.expect('*');
      star = true;
    } else if (this.atKeyword('as')) {
      this.next();
      this.nls();
      alias = this.parseIdentifier();
    }
    return { type: 'Import', start, end: this.lastEnd, name, isStatic, star, alias, annotations };
  }

  private parsePackage(start: number, annotations: A.Annotation[]): A.Package {
    this.next();
    const name = this.parseQualifiedName();
    return { type: 'Package', start, end: this.lastEnd, name, annotations };
  }

  private parseClass(start: number, mods: Modifiers): A.ClassDecl {
    let kind: A.ClassDecl['kind'];
    if (this.at('@')) {
      this.next();
      this.next();
      kind = '@interface';
    } else kind = this.next().text as A.ClassDecl['kind'];
    const id = this.parseIdentifier();
    // The header (type parameters, extends, implements) is skipped: nothing in it matters for linting.
    while (!this.at('{')) {
      const t = this.peek();
      if (t.kind === 'eof' || t.kind === 'string' || (t.kind === 'punct' && !['<', '>', '>>', '>>>', ',', '.', '?', '&', '[', ']'].includes(t.text))) {
        throw this.unexpected();
      }
      this.next();
    }
    const openIndex = this.pos;
    const end = this.match[openIndex]!;
    if (kind === 'enum' || kind === '@interface') {
      if (end < 0) throw this.fail("expecting '}', found end of file", this.tokenAt(this.toks.length - 1));
      const open = this.tokenAt(openIndex);
      const close = this.tokenAt(end);
      this.pos = end + 1;
      this.lastEnd = close.end;
      const opaqueBody: A.Opaque = { type: 'Opaque', start: open.start, end: close.end, reason: `${kind} body`, recovered: [] };
      return { type: 'ClassDecl', start, end: close.end, kind, id, ...mods, members: null, opaqueBody };
    }
    const open = this.next();
    const members = this.parseStatements({ end: end >= 0 ? end : this.toks.length - 1, allowMethods: true, classBody: true });
    this.expectCloser(open, openIndex);
    return { type: 'ClassDecl', start, end: this.lastEnd, kind, id, ...mods, members, opaqueBody: null };
  }

  // ---------------------------------------------------------------- declarations

  private parseModifiers(): Modifiers {
    const modifiers: string[] = [];
    const annotations: A.Annotation[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'keyword' && (t.text === 'def' || MODIFIERS.has(t.text))) {
        modifiers.push(this.next().text);
      } else if (t.kind === 'punct' && t.text === '@' && this.peek(1).kind === 'ident') {
        annotations.push(this.parseAnnotation());
      } else break;
      this.nls();
    }
    return { modifiers, annotations };
  }

  private parseAnnotation(): A.Annotation {
    const start = this.expect('@').start;
    const name = this.parseQualifiedName();
    let value: A.Expression | null = null;
    const members: A.AnnotationMember[] = [];
    if (this.at('(')) {
      const openIndex = this.pos;
      const open = this.next();
      if (!this.at(')')) {
        if (this.peek().kind === 'ident' && this.at('=', 1)) {
          do {
            const id = this.parseIdentifier();
            this.expect('=');
            this.nls();
            const v = this.parseAnnotationValue();
            members.push({ type: 'AnnotationMember', start: id.start, end: this.lastEnd, id, value: v });
          } while (this.at(',') && (this.next(), this.nls(), true));
        } else value = this.parseAnnotationValue();
      }
      this.expectCloser(open, openIndex);
    }
    return { type: 'Annotation', start, end: this.lastEnd, name, value, members };
  }

  private parseAnnotationValue(): A.Expression {
    return this.at('@') ? this.parseAnnotation() : this.parseConditional(LC_NONE);
  }

  /** Whether a type followed by a name starts at i (`String x`, `List<X> y`, `def Foo bar`). */
  private isTypeThenName(i: number): boolean {
    const j = this.scanType(i);
    if (j < 0) return false;
    const t = this.tokenAt(j);
    return t.kind === 'ident' || (t.kind === 'string' && this.isPlainString(t));
  }

  private parseType(): A.TypeRef {
    const t = this.peek();
    const start = t.start;
    let name: string;
    if (this.isTypeKeyword(t)) name = this.next().text;
    else {
      name = this.expectName();
      if (this.at('<')) this.skipTypeArguments();
      while (this.at('.') && this.peek(1).kind === 'ident') {
        this.next();
        name += `.${this.next().text}`;
        if (this.at('<')) this.skipTypeArguments();
      }
    }
    while (this.at('[') && this.at(']', 1)) {
      this.next();
      this.next();
    }
    return { type: 'TypeRef', start, end: this.lastEnd, name };
  }

  private skipTypeArguments(): void {
    const end = this.scanTypeArguments(this.pos);
    if (end < 0) throw this.unexpected();
    while (this.pos < end) this.next();
  }

  private parseIdentifier(): A.Identifier {
    const t = this.peek();
    if (t.kind !== 'ident') throw this.fail(`expecting an identifier, found ${describe(t)}`);
    this.next();
    return { type: 'Identifier', start: t.start, end: t.end, name: t.text };
  }

  private parameter(start: number, id: A.Identifier, typeRef: A.TypeRef | null, defaultValue: A.Expression | null, varargs: boolean, mods: Modifiers): A.Parameter {
    return {
      type: 'Parameter', start, end: this.lastEnd, id, name: id.name, typeRef, defaultValue, varargs,
      modifiers: mods.modifiers, annotations: mods.annotations,
    };
  }

  /** A variable or method declaration (Groovy's declaration rule, entered after isDeclarationStart). */
  private parseDeclaration(ctx: ListContext): A.VariableDecl | A.MethodDecl {
    const start = this.peek().start;
    const mods = this.parseModifiers();
    if (this.at('<')) this.skipTypeArguments();
    const hasMods = mods.modifiers.length > 0 || mods.annotations.length > 0;
    const typeRef = !hasMods || this.isTypeThenName(this.pos) ? this.parseType() : null;
    const nameTok = this.peek();
    if ((nameTok.kind === 'ident' || nameTok.kind === 'string') && this.at('(', 1)) {
      return this.parseMethodRest(start, mods, typeRef, ctx);
    }
    const declarators: A.Declarator[] = [];
    for (;;) {
      const id = this.parseIdentifier();
      let init: A.Expression | null = null;
      if (this.at('=')) {
        this.next();
        this.nls();
        init = this.parseExpressionStatementNoCheck();
      }
      declarators.push({ type: 'Declarator', start: id.start, end: this.lastEnd, id, typeRef: null, init });
      if (!this.at(',')) break;
      this.next();
      this.nls();
    }
    return { type: 'VariableDecl', start, end: this.lastEnd, ...mods, typeRef, declarators, tupleInit: null };
  }

  private parseMethodRest(start: number, mods: Modifiers, returnType: A.TypeRef | null, ctx: ListContext): A.MethodDecl {
    const nameTok = this.next();
    const id: A.Identifier | A.StringLiteral = nameTok.kind === 'string'
      ? this.stringLiteral(nameTok)
      : { type: 'Identifier', start: nameTok.start, end: nameTok.end, name: nameTok.text };
    const name = id.type === 'Identifier' ? id.name : (id.value ?? '');
    const openIndex = this.pos;
    const open = this.next();
    const params: A.Parameter[] = [];
    if (!this.at(')')) {
      params.push(this.parseParameter());
      while (this.at(',')) {
        this.next();
        this.nls();
        params.push(this.parseParameter());
      }
    }
    this.expectCloser(open, openIndex);
    const afterNl = this.atNewline() ? 1 : 0;
    if (this.atKeyword('throws', afterNl)) {
      this.nls();
      this.next();
      this.nls();
      this.parseQualifiedName();
      while (this.at(',')) {
        this.next();
        this.nls();
        this.parseQualifiedName();
      }
    }
    let body: A.Block | null = null;
    if (this.at('{', this.atNewline() ? 1 : 0)) {
      this.nls();
      body = this.parseOpenBlock();
    }
    const node: A.MethodDecl = { type: 'MethodDecl', start, end: this.lastEnd, ...mods, returnType, id, name, params, body };
    if (!ctx.allowMethods) {
      this.report(
        'Method definition not expected here. Please define the method at an appropriate place or perhaps try using a block/Closure instead.',
        { start, end: id.end },
      );
    }
    return node;
  }

  private parseParameter(): A.Parameter {
    const start = this.peek().start;
    const mods: Modifiers = { modifiers: [], annotations: [] };
    for (;;) {
      if (this.atKeyword('def') || this.atKeyword('final')) mods.modifiers.push(this.next().text);
      else if (this.at('@')) mods.annotations.push(this.parseAnnotation());
      else break;
      this.nls();
    }
    let typeRef: A.TypeRef | null = null;
    const t = this.peek();
    const n = this.peek(1);
    if (this.isTypeKeyword(t) || (t.kind === 'ident' && (n.kind === 'ident' || (n.kind === 'punct' && ['.', '<', '[', '...'].includes(n.text))))) {
      typeRef = this.parseType();
    }
    let varargs = false;
    if (this.at('...')) {
      this.next();
      varargs = true;
    }
    const id = this.parseIdentifier();
    let defaultValue: A.Expression | null = null;
    if (this.at('=')) {
      this.next();
      this.nls();
      defaultValue = this.parseExpressionStatementNoCheck();
    }
    return this.parameter(start, id, typeRef, defaultValue, varargs, mods);
  }

  private parseTupleDeclaration(): A.VariableDecl {
    const start = this.peek().start;
    const mods = this.parseModifiers();
    const typeRef = this.peek().kind !== 'punct' ? this.parseType() : null;
    const openIndex = this.pos;
    const open = this.expect('(');
    this.nls();
    const declarators: A.Declarator[] = [];
    do {
      const declStart = this.peek().start;
      const type = this.isTypeThenName(this.pos) ? this.parseType() : null;
      const id = this.parseIdentifier();
      declarators.push({ type: 'Declarator', start: declStart, end: this.lastEnd, id, typeRef: type, init: null });
    } while (this.at(',') && (this.next(), this.nls(), true));
    this.expectCloser(open, openIndex);
    this.expect('=');
    this.nls();
    const tupleInit = this.parseAssignment(LC_NONE);
    return { type: 'VariableDecl', start, end: this.lastEnd, ...mods, typeRef, declarators, tupleInit };
  }

  /** A declaration inside parentheses: `foo(String x)`, `while (def line = next())`. */
  private parseSingleDeclaration(): A.VariableDecl {
    const start = this.peek().start;
    const mods = this.parseModifiers();
    const hasMods = mods.modifiers.length > 0 || mods.annotations.length > 0;
    const typeRef = !hasMods || this.isTypeThenName(this.pos) ? this.parseType() : null;
    const id = this.parseIdentifier();
    let init: A.Expression | null = null;
    if (this.at('=')) {
      this.next();
      this.nls();
      init = this.parseExpressionStatementNoCheck();
    }
    const declarator: A.Declarator = { type: 'Declarator', start: id.start, end: this.lastEnd, id, typeRef: null, init };
    return { type: 'VariableDecl', start, end: this.lastEnd, ...mods, typeRef, declarators: [declarator], tupleInit: null };
  }

  // ---------------------------------------------------------------- command expressions

  private isCommandArgumentStart(): boolean {
    const t = this.peek();
    if (t.kind === 'keyword' && t.text === 'else') return false;
    if (this.isExpressionStart(t)) return true;
    return t.kind === 'keyword' && this.at(':', 1);
  }

  /** `head a, b` and then `c d`, `e(f)`... (Groovy's commandArgumentsGreedy): `foo a b c` is `foo(a).b(c)`. */
  private commandArgumentsGreedy(head: A.Expression): A.Expression {
    let prev = head;
    if (prev.type !== 'MethodCall' && this.isCommandArgumentStart()) prev = this.commandArguments(prev);
    while (this.isPrimaryStart(this.peek())) {
      const property = this.parsePrimary();
      const name = property.type === 'Identifier' ? property.name : property.type === 'StringLiteral' ? property.value : null;
      prev = { type: 'PropertyAccess', start: prev.start, end: this.lastEnd, object: prev, operator: '.', attribute: false, property, name };
      if (this.isPathElementStart()) prev = this.parsePathElements(prev, LC_STMT);
      else if (this.isCommandArgumentStart()) prev = this.commandArguments(prev);
    }
    return prev;
  }

  private commandArguments(head: A.Expression): A.MethodCall {
    const args: A.Expression[] = [];
    const namedArgs: A.MapEntry[] = [];
    for (;;) {
      if (this.isLabelAhead()) namedArgs.push(this.parseLabeledArgument(() => this.parseExpression(LC_NONE), true));
      else args.push(this.parseExpression(LC_NONE));
      if (!this.at(',')) break;
      this.next();
      this.nls();
    }
    this.checkDuplicateNames(namedArgs);
    return this.methodCall(head, this.lastEnd, args, namedArgs, [], null, true, true);
  }

  /** Groovy rejects a call naming the same argument twice (a map literal may repeat a key). */
  private checkDuplicateNames(namedArgs: readonly A.MapEntry[]): void {
    const seen = new Map<string, A.MapEntry>();
    for (const arg of namedArgs) {
      if (arg.keyName === null) continue;
      const earlier = seen.get(arg.keyName);
      if (earlier) {
        this.report(`Duplicate named parameter '${arg.keyName}' found.`, earlier.key);
        return;
      }
      seen.set(arg.keyName, arg);
    }
  }

  /** `label:` ahead, as a map key or named argument: a name, keyword, number, string or `(expr)`. */
  private isLabelAhead(): boolean {
    const t = this.peek();
    if (t.kind === 'ident' || t.kind === 'keyword' || t.kind === 'number' || t.kind === 'string') return this.at(':', 1);
    if (t.kind === 'punct' && t.text === '(') {
      const m = this.match[this.pos]!;
      return m > 0 && this.punctAt(m + 1, ':');
    }
    return false;
  }

  /** An identifier, keyword or string read as a name (`'a b': 1`, `x.'a b'`); undefined if none is next. */
  private consumeName(): { node: A.Identifier | A.StringLiteral; name: string | null } | undefined {
    const t = this.peek();
    if (t.kind === 'ident' || t.kind === 'keyword') {
      this.next();
      return { node: { type: 'Identifier', start: t.start, end: t.end, name: t.text }, name: t.text };
    }
    if (t.kind === 'string') {
      this.next();
      const s = this.stringLiteral(t);
      return { node: s, name: s.value };
    }
    return undefined;
  }

  private parseLabeledArgument(value: () => A.Expression, newlineAfterColon: boolean): A.MapEntry {
    const t = this.peek();
    const named = this.consumeName();
    let key: A.Expression;
    let keyName: string | null = null;
    if (named) {
      key = named.node;
      keyName = named.name;
    } else if (t.kind === 'number') {
      this.next();
      key = { type: 'NumberLiteral', start: t.start, end: t.end, raw: t.text };
      keyName = t.text;
    } else key = this.parsePrimary();
    this.expect(':');
    if (newlineAfterColon) this.nls();
    const v = value();
    return { type: 'MapEntry', start: key.start, end: this.lastEnd, key, keyName, value: v };
  }

  // ---------------------------------------------------------------- expressions

  private parseExpression(lc: number): A.Expression {
    if (this.at('(') && this.isTupleAssignmentAhead()) return this.parseTupleAssignment();
    return this.parseAssignment(lc);
  }

  private isTupleAssignmentAhead(): boolean {
    const m = this.match[this.pos]!;
    if (m < 0 || !this.punctAt(m + 1, '=')) return false;
    for (let i = this.pos + 1; i < m; i++) {
      const t = this.tokenAt(i);
      const expectName = (i - this.pos) % 2 === 1;
      if (expectName ? t.kind !== 'ident' : !(t.kind === 'punct' && t.text === ',')) return false;
    }
    return m > this.pos + 1;
  }

  private parseTupleAssignment(): A.Assignment {
    const open = this.next();
    const names: A.Identifier[] = [this.parseIdentifier()];
    while (this.at(',')) {
      this.next();
      names.push(this.parseIdentifier());
    }
    const close = this.expect(')');
    const target: A.TupleTarget = { type: 'TupleTarget', start: open.start, end: close.end, names };
    this.expect('=');
    this.nls();
    const value = this.parseExpression(LC_NONE);
    return { type: 'Assignment', start: open.start, end: this.lastEnd, operator: '=', target, value };
  }

  private parseAssignment(lc: number): A.Expression {
    const target = this.parseConditional(lc);
    const t = this.peek();
    if (t.kind !== 'punct' || !ASSIGN_OPS.has(t.text)) return target;
    this.next();
    this.nls();
    if (!['Identifier', 'PropertyAccess', 'Index', 'Parenthesized'].includes(target.type) ||
      (target.type === 'PropertyAccess' && target.operator === '.&')) {
      this.report('Invalid left-hand side of an assignment', target);
    }
    const value = this.parseExpressionStatementNoCheck();
    return { type: 'Assignment', start: target.start, end: this.lastEnd, operator: t.text, target, value };
  }

  private parseConditional(lc: number): A.Expression {
    const test = this.parseBinary(1, lc);
    const k = this.atNewline() ? 1 : 0;
    if (this.at('?:', k)) {
      if (k) this.next();
      this.next();
      this.nls();
      const alternate = this.nested(() => this.parseConditional(LC_NONE));
      return { type: 'Ternary', start: test.start, end: this.lastEnd, test, consequent: null, alternate, elvis: true };
    }
    if (this.at('?', k)) {
      if (k) this.next();
      this.next();
      this.nls();
      const consequent = this.nested(() => this.parseAssignment(LC_NONE));
      this.nls();
      this.expect(':');
      this.nls();
      const alternate = this.nested(() => this.parseConditional(LC_NONE));
      return { type: 'Ternary', start: test.start, end: this.lastEnd, test, consequent, alternate, elvis: false };
    }
    return test;
  }

  private nested<T>(fn: () => T): T {
    this.enter();
    try {
      return fn();
    } finally {
      this.leave();
    }
  }

  private binaryLevel(t: Token): number {
    if (t.kind === 'punct') return BINARY_LEVELS.get(t.text) ?? 0;
    if (t.kind === 'keyword' && (t.text === 'in' || t.text === 'instanceof' || t.text === 'as')) return RELATIONAL;
    return 0;
  }

  private isRelational(e: A.Expression): boolean {
    return (e.type === 'Binary' && RELATIONAL_OPS.has(e.operator)) || e.type === 'InstanceOf' || (e.type === 'Cast' && e.form === 'as');
  }

  /** Binary operators by precedence climbing; only the leftmost operand keeps the statement context. */
  private parseBinary(minLevel: number, lc: number): A.Expression {
    let left = this.parseMultiplicativeOperand(lc);
    for (;;) {
      const t = this.peek();
      const level = this.binaryLevel(t);
      if (level === 0 || level < minLevel) break;
      if (level === RELATIONAL && this.isRelational(left)) break;
      this.next();
      this.nls();
      if (t.kind === 'keyword' && t.text !== 'in') {
        const typeRef = this.parseType();
        left = t.text === 'as'
          ? { type: 'Cast', start: left.start, end: this.lastEnd, expression: left, typeRef, form: 'as' }
          : { type: 'InstanceOf', start: left.start, end: this.lastEnd, expression: left, typeRef };
        continue;
      }
      const right = level === MULTIPLICATIVE ? this.parsePower(LC_NONE) : this.parseBinary(level + 1, LC_NONE);
      left = { type: 'Binary', start: left.start, end: this.lastEnd, operator: t.text, left, right };
    }
    return left;
  }

  private isPrefixOperator(t: Token): boolean {
    return t.kind === 'punct' && (t.text === '++' || t.text === '--' || t.text === '-' || t.text === '+');
  }

  /** First operand of `*`: an optional sign or ++/-- applying to a power expression. */
  private parseMultiplicativeOperand(lc: number): A.Expression {
    const t = this.peek();
    if (this.isPrefixOperator(t)) {
      this.next();
      this.nls();
      const operand = this.nested(() => this.parsePowerNotPlusMinus(LC_NONE));
      return { type: 'Unary', start: t.start, end: this.lastEnd, operator: t.text, prefix: true, operand };
    }
    return this.parsePowerNotPlusMinus(lc);
  }

  private parsePowerNotPlusMinus(lc: number): A.Expression {
    let left = this.parseUnaryNotPlusMinus(lc);
    while (this.at('**')) {
      this.next();
      this.nls();
      const right = this.parseUnary(LC_NONE);
      left = { type: 'Binary', start: left.start, end: this.lastEnd, operator: '**', left, right };
    }
    return left;
  }

  private parsePower(lc: number): A.Expression {
    let left = this.parseUnary(lc);
    while (this.at('**')) {
      this.next();
      this.nls();
      const right = this.parseUnary(LC_NONE);
      left = { type: 'Binary', start: left.start, end: this.lastEnd, operator: '**', left, right };
    }
    return left;
  }

  private parseUnary(lc: number): A.Expression {
    const t = this.peek();
    if (this.isPrefixOperator(t)) {
      this.next();
      this.nls();
      const operand = this.nested(() => this.parseUnary(LC_NONE));
      return { type: 'Unary', start: t.start, end: this.lastEnd, operator: t.text, prefix: true, operand };
    }
    return this.parseUnaryNotPlusMinus(lc);
  }

  private parseUnaryNotPlusMinus(lc: number): A.Expression {
    const t = this.peek();
    if (t.kind === 'punct' && (t.text === '!' || t.text === '~')) {
      this.next();
      this.nls();
      const operand = this.nested(() => this.parseUnary(LC_NONE));
      return { type: 'Unary', start: t.start, end: this.lastEnd, operator: t.text, prefix: true, operand };
    }
    if (t.kind === 'punct' && t.text === '(') {
      const cast = this.castAhead();
      if (cast !== null) {
        this.next();
        const typeRef = this.parseType();
        this.expect(')');
        const expression = this.nested(() => (cast === 'primitive' ? this.parseUnary(LC_NONE) : this.parseUnaryNotPlusMinus(LC_NONE)));
        return { type: 'Cast', start: t.start, end: this.lastEnd, expression, typeRef, form: 'paren' };
      }
    }
    const e = this.parsePathExpression(lc);
    const p = this.peek();
    if (p.kind === 'punct' && (p.text === '++' || p.text === '--')) {
      this.next();
      return { type: 'Unary', start: e.start, end: p.end, operator: p.text, prefix: false, operand: e };
    }
    return e;
  }

  /** `(Type) x` is a cast when a type fills the parentheses and an operand follows (Groovy's rule). */
  private castAhead(): 'primitive' | 'class' | null {
    const close = this.scanType(this.pos + 1);
    if (close < 0 || !this.punctAt(close, ')')) return null;
    const after = this.tokenAt(close + 1);
    if (this.isTypeKeyword(this.tokenAt(this.pos + 1))) {
      return this.isExpressionStart(after) ? 'primitive' : null;
    }
    if (this.isPrimaryStart(after) || (after.kind === 'punct' && (after.text === '!' || after.text === '~'))) return 'class';
    return null;
  }

  private isPathElementStart(): boolean {
    const t = this.peek();
    if (t.kind === 'punct') return DOT_OPS.has(t.text) || t.text === '(' || t.text === '[' || t.text === '{';
    if (t.kind === 'newline') {
      const n = this.peek(1);
      return n.kind === 'punct' && DOT_OPS.has(n.text);
    }
    return false;
  }

  private parsePathExpression(lc: number): A.Expression {
    const primary = this.parsePrimary();
    const result = this.parsePathElements(primary, lc);
    this.lastPath = result;
    return result;
  }

  /** `.name`, `?.name`, `(args)`, `{ closure }`, `[index]`... after a primary. */
  private parsePathElements(prefix: A.Expression, lc: number): A.Expression {
    for (;;) {
      const t = this.peek();
      if (t.kind === 'newline') {
        const n = this.peek(1);
        if (n.kind === 'punct' && DOT_OPS.has(n.text)) {
          this.next();
          continue;
        }
        if (lc === LC_STMT && n.kind === 'punct' && n.text === '{') {
          this.next();
          prefix = this.appendClosure(prefix, this.parseClosure());
          continue;
        }
        break;
      }
      if (t.kind !== 'punct') break;
      if (DOT_OPS.has(t.text)) {
        this.next();
        this.nls();
        if (this.at('<')) this.skipTypeArguments();
        prefix = this.parseNamePart(prefix, t.text as A.DotOperator);
      } else if (t.text === '(') {
        prefix = this.makeCall(prefix, this.parseArgs());
      } else if (t.text === '{') {
        prefix = this.appendClosure(prefix, this.parseClosure());
      } else if (t.text === '[') {
        const { items } = this.parseArgs();
        prefix = { type: 'Index', start: prefix.start, end: this.lastEnd, object: prefix, index: items };
      } else break;
    }
    return prefix;
  }

  private parseNamePart(object: A.Expression, operator: A.DotOperator): A.PropertyAccess {
    let attribute = false;
    if (this.at('@')) {
      this.next();
      attribute = true;
    }
    const t = this.peek();
    const named = this.consumeName();
    let property: A.Expression;
    let name: string | null = null;
    if (named) {
      property = named.node;
      name = named.name;
    } else if (t.kind === 'punct' && t.text === '(') {
      property = this.parseParenthesized();
    } else if (t.kind === 'punct' && t.text === '{') {
      property = this.parseClosure();
    } else throw this.unexpected();
    return { type: 'PropertyAccess', start: object.start, end: this.lastEnd, object, operator, attribute, property, name };
  }

  /**
   * A call of `head`: a method of an object (`a.b(...)`), a name (`sh '...'`), or any expression called.
   * Built as one object literal, so that every call has one shape (a spread would give each a new one).
   */
  private methodCall(
    head: A.Expression,
    end: number,
    args: A.Expression[],
    namedArgs: A.MapEntry[],
    closures: A.Closure[],
    argsSpan: A.Span | null,
    parenless: boolean,
    command: boolean,
  ): A.MethodCall {
    let object: A.Expression | null = head;
    let method: A.MethodCall['method'] = null;
    let name: string | null = null;
    let operator: A.DotOperator | null = null;
    if (head.type === 'PropertyAccess' && head.operator !== '.&') {
      ({ object, property: method, name, operator } = head);
    } else if (head.type === 'Identifier' || (head.type === 'StringLiteral' && head.value !== null)) {
      object = null;
      method = head;
      name = head.type === 'Identifier' ? head.name : head.value;
    }
    return {
      type: 'MethodCall', object, method, name, operator, safe: operator === '?.', spread: operator === '*.',
      start: head.start, end, args, namedArgs, closures, argsSpan, parenless, command,
    };
  }

  private makeCall(head: A.Expression, argList: ArgItems): A.MethodCall {
    const args: A.Expression[] = [];
    const namedArgs: A.MapEntry[] = [];
    for (const item of argList.items) {
      if (item.type === 'MapEntry') namedArgs.push(item);
      else args.push(item);
    }
    const argsSpan = { start: argList.open.start, end: this.lastEnd };
    this.checkDuplicateNames(namedArgs);
    return this.methodCall(head, this.lastEnd, args, namedArgs, [], argsSpan, false, false);
  }

  private appendClosure(head: A.Expression, closure: A.Closure): A.MethodCall {
    if (head.type === 'MethodCall' && !head.command) {
      const { object, method, name, operator, safe, spread, start, args, namedArgs, argsSpan, parenless, command } = head;
      const closures = [...head.closures, closure];
      return { type: 'MethodCall', object, method, name, operator, safe, spread, start, end: closure.end, args, namedArgs, closures, argsSpan, parenless, command };
    }
    return this.methodCall(head, closure.end, [], [], [closure], null, true, false);
  }

  /** `( ... )` or `[ ... ]` argument lists: named arguments, spreads, a trailing comma. */
  private parseArgs(): ArgItems {
    const openIndex = this.pos;
    const open = this.next();
    const closer = CLOSER_OF[open.text]!;
    const items: (A.Expression | A.MapEntry)[] = [];
    this.nested(() => {
      while (!this.at(closer)) {
        items.push(this.parseArgument());
        if (this.at(':')) throw this.fail('illegal colon after argument expression');
        if (this.at(';')) throw this.fail('closure lists are not supported here');
        if (!this.at(',')) break;
        this.next();
      }
    });
    this.expectCloser(open, openIndex);
    return { items, open };
  }

  private parseArgument(): A.Expression | A.MapEntry {
    if (this.isLabelAhead()) return this.parseLabeledArgument(() => this.parseStrictExpression(true), false);
    if (this.at('*')) {
      const star = this.next();
      const map = this.at(':');
      if (map) this.next();
      const argument = this.parseStrictExpression(true);
      return { type: 'Spread', start: star.start, end: this.lastEnd, map, argument };
    }
    return this.parseStrictExpression(true);
  }

  /** What may stand inside parentheses: also a declaration, `return`..., or an annotation. */
  private parseStrictExpression(allowDeclaration: boolean): A.Expression {
    if (allowDeclaration && this.isDeclarationStart(this.pos)) return this.parseSingleDeclaration();
    const t = this.peek();
    if (t.kind === 'keyword' && ['return', 'break', 'continue', 'throw', 'assert'].includes(t.text)) return this.parseBranch();
    if (t.kind === 'punct' && t.text === '@') return this.parseAnnotation();
    return this.parseExpression(LC_NONE);
  }

  private parsePrimary(): A.Expression {
    const t = this.peek();
    switch (t.kind) {
      case 'ident':
        this.next();
        return { type: 'Identifier', start: t.start, end: t.end, name: t.text };
      case 'number':
        this.next();
        return { type: 'NumberLiteral', start: t.start, end: t.end, raw: t.text };
      case 'string':
        this.next();
        return this.stringLiteral(t);
      case 'keyword':
        switch (t.text) {
          case 'true':
          case 'false':
            this.next();
            return { type: 'BooleanLiteral', start: t.start, end: t.end, value: t.text === 'true' };
          case 'null':
            this.next();
            return { type: 'NullLiteral', start: t.start, end: t.end };
          case 'this':
          case 'super':
            this.next();
            return { type: 'Identifier', start: t.start, end: t.end, name: t.text };
          case 'new':
            return this.nested(() => this.parseNew());
        }
        if (BUILTIN_TYPES.has(t.text)) {
          this.next();
          return { type: 'Identifier', start: t.start, end: t.end, name: t.text };
        }
        throw this.unexpected();
      case 'punct':
        if (t.text === '(') return this.guarded(() => this.parseParenthesized());
        if (t.text === '{') return this.guarded(() => this.parseClosure());
        if (t.text === '[') return this.guarded(() => this.parseListOrMap());
        throw this.unexpected();
      default:
        throw this.unexpected();
    }
  }

  /** Parses a bracketed construct, or past MAX_DEPTH skips it whole as an Opaque node. */
  private guarded(fn: () => A.Expression): A.Expression {
    if (this.depth >= MAX_DEPTH) {
      const m = this.match[this.pos]!;
      if (m < 0) throw new TooDeep();
      const start = this.peek().start;
      const end = this.tokenAt(m).end;
      this.pos = m + 1;
      this.lastEnd = end;
      const opaque: A.Opaque = { type: 'Opaque', start, end, reason: 'nested too deeply', recovered: [] };
      this.noteTooDeep(opaque);
      return opaque;
    }
    return this.nested(fn);
  }

  private parseParenthesized(): A.Expression {
    const openIndex = this.pos;
    const open = this.next();
    const first = this.peek();
    const expression = this.parseStrictExpression(true);
    if (expression.type === 'VariableDecl') throw this.unexpected(first);
    if (this.at(';')) throw this.fail('closure lists are not supported here');
    this.expectCloser(open, openIndex);
    return { type: 'Parenthesized', start: open.start, end: this.lastEnd, expression };
  }

  private parseListOrMap(): A.ListLiteral | A.MapLiteral {
    const open = this.peek();
    if (this.at(':', 1) && this.at(']', 2)) {
      this.next();
      this.next();
      const close = this.next();
      return { type: 'MapLiteral', start: open.start, end: close.end, entries: [] };
    }
    const { items } = this.parseArgs();
    const end = this.lastEnd;
    const isMap = items.some((i) => i.type === 'MapEntry' || (i.type === 'Spread' && i.map));
    if (!isMap) return { type: 'ListLiteral', start: open.start, end, elements: items as A.Expression[] };
    const entries: (A.MapEntry | A.Spread)[] = [];
    for (const item of items) {
      if (item.type === 'MapEntry' || (item.type === 'Spread' && item.map)) entries.push(item);
      else {
        this.report(
          item.type === 'Spread'
            ? 'Unexpected node type: SPREAD_ARG found when expecting type: SPREAD_MAP_ARG'
            : 'Unexpected node type: EXPR found when expecting type: LABELED_ARG',
          item,
        );
      }
    }
    return { type: 'MapLiteral', start: open.start, end, entries };
  }

  private parseNew(): A.New {
    const start = this.next().start;
    this.nls();
    if (this.at('<')) this.skipTypeArguments();
    const t = this.peek();
    let typeRef: A.TypeRef;
    if (this.isTypeKeyword(t)) {
      this.next();
      typeRef = { type: 'TypeRef', start: t.start, end: t.end, name: t.text };
    } else {
      let name = this.expectName();
      if (this.at('<')) this.skipTypeArguments();
      while (this.at('.') && this.peek(1).kind === 'ident') {
        this.next();
        name += `.${this.next().text}`;
        if (this.at('<')) this.skipTypeArguments();
      }
      typeRef = { type: 'TypeRef', start: t.start, end: this.lastEnd, name };
    }
    if (this.atNewline() && this.at('(', 1)) this.next();
    if (this.at('(')) {
      const argList = this.parseArgs();
      const args: A.Expression[] = [];
      const namedArgs: A.MapEntry[] = [];
      for (const item of argList.items) {
        if (item.type === 'MapEntry') namedArgs.push(item);
        else args.push(item);
      }
      const argsSpan = { start: argList.open.start, end: this.lastEnd };
      this.checkDuplicateNames(namedArgs);
      let classBody: A.Statement[] | null = null;
      if (this.at('{')) {
        const openIndex = this.pos;
        const open = this.next();
        const end = this.match[openIndex]! >= 0 ? this.match[openIndex]! : this.toks.length - 1;
        classBody = this.parseStatements({ end, allowMethods: true, classBody: true });
        this.expectCloser(open, openIndex);
      }
      return { type: 'New', start, end: this.lastEnd, typeRef, args, namedArgs, argsSpan, dimensions: null, classBody };
    }
    if (this.at('[')) {
      const dimensions: (A.Expression | null)[] = [];
      while (this.at('[')) {
        this.next();
        dimensions.push(this.at(']') ? null : this.parseExpression(LC_NONE));
        this.expect(']');
      }
      return { type: 'New', start, end: this.lastEnd, typeRef, args: [], namedArgs: [], argsSpan: null, dimensions, classBody: null };
    }
    throw this.fail(`expecting '(', found ${describe(this.peek())}`);
  }

  /** After `{` and newlines: whether `params ->` follows. */
  private hasClosureParams(): boolean {
    const t = this.peek();
    if (this.at('->')) return true;
    const candidate = t.kind === 'ident' || this.isTypeKeyword(t) || (t.kind === 'punct' && t.text === '@') ||
      (t.kind === 'keyword' && (t.text === 'def' || t.text === 'final'));
    return candidate && this.lookahead(() => {
      this.parseParameterList();
      this.nls();
      return this.at('->');
    });
  }

  private parseParameterList(): A.Parameter[] {
    if (this.at('->')) return [];
    const params = [this.parseParameter()];
    while (this.at(',')) {
      this.next();
      this.nls();
      params.push(this.parseParameter());
    }
    return params;
  }

  /** After `{` and newlines: `params ->` if present (consumed), else null (nothing consumed). */
  private tryClosureParams(): A.Parameter[] | null {
    if (!this.hasClosureParams()) return null;
    const params = this.parseParameterList();
    this.nls();
    this.expect('->');
    this.nls();
    return params;
  }

  private parseClosure(): A.Closure {
    const openIndex = this.pos;
    const open = this.next();
    const end = this.match[openIndex]! >= 0 ? this.match[openIndex]! : this.toks.length - 1;
    if (this.speculating > 0 && this.match[openIndex]! >= 0) {
      // While looking ahead, a closure's inside does not matter: skip it (keeps lookahead linear).
      this.pos = end + 1;
      this.lastEnd = this.tokenAt(end).end;
      return { type: 'Closure', start: open.start, end: this.lastEnd, params: null, body: [] };
    }
    this.nls();
    const params = this.tryClosureParams();
    const body = this.parseStatements({ end, allowMethods: false });
    this.expectCloser(open, openIndex);
    return { type: 'Closure', start: open.start, end: this.lastEnd, params, body };
  }

  // ---------------------------------------------------------------- strings

  private stringLiteral(t: Token): A.StringLiteral {
    const s: StringToken = t.str!;
    const parts: A.StringPart[] = [];
    let literal = true;
    for (const part of s.parts) {
      if (part.kind === 'segment') {
        const segment: A.StringSegment = { type: 'StringSegment', start: part.start, end: part.end, value: part.value };
        parts.push(part.offsets ? { ...segment, offsets: part.offsets } : segment);
      } else if (part.kind === 'path') {
        literal = false;
        let expression: A.Expression | null = null;
        for (const n of part.names) {
          const id: A.Identifier = { type: 'Identifier', start: n.start, end: n.end, name: n.name };
          expression = expression === null
            ? id
            : { type: 'PropertyAccess', start: expression.start, end: n.end, object: expression, operator: '.', attribute: false, property: id, name: n.name };
        }
        const e = expression!;
        parts.push({ type: 'Interpolation', start: part.start, end: part.end, form: 'path', expression: e, body: [e], innerStart: e.start, innerEnd: e.end });
      } else {
        literal = false;
        const body = this.nested(() => this.withTokens(part.tokens, () => this.parseInterpolationBody()));
        const only = body.length === 1 ? body[0]! : null;
        const expression = only !== null && isExpressionNode(only) ? only : null;
        parts.push({
          type: 'Interpolation', start: part.start, end: part.end, form: 'block', expression, body,
          innerStart: part.innerStart, innerEnd: part.innerEnd,
        });
      }
    }
    const open = s.quote.length;
    const close = s.terminated ? (s.quote === '$/' ? 2 : s.quote.length) : 0;
    return {
      type: 'StringLiteral', start: t.start, end: t.end, quote: s.quote,
      value: literal ? parts.map((p) => (p.type === 'StringSegment' ? p.value : '')).join('') : null,
      parts, contentStart: t.start + open, contentEnd: t.end - close, terminated: s.terminated,
    };
  }

  private parseInterpolationBody(): A.Statement[] {
    this.nls();
    const start = this.peek().start;
    const params = this.tryClosureParams();
    const statements = this.parseStatements({ end: this.toks.length - 1, allowMethods: false });
    if (params === null) return statements;
    return [{ type: 'Closure', start, end: Math.max(this.lastEnd, start), params, body: statements }];
  }
}

/** A safety net for input nested too deeply to parse: brackets must still pair up. */
function firstUnbalancedBracket(tokens: readonly Token[], match: Int32Array): Token | null {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && '()[]{}'.includes(t.text) && match[i] === -1) return t;
  }
  return null;
}

/**
 * Parses Groovy source (a Jenkinsfile, a shared-library `vars/*.groovy`). Never throws: syntax errors are
 * returned with their spans, and unparseable statements become Opaque nodes.
 */
export function parseGroovy(text: string): GroovyParseResult {
  const lexed = lexGroovy(text);
  const match = matchBrackets(lexed.tokens);
  const parser = new Parser(lexed.tokens, match);
  let ast: A.Script;
  try {
    ast = parser.parseScript();
    if (lexed.errors.length === 0 && parser.errors.length === 0) {
      const unbalanced = firstUnbalancedBracket(lexed.tokens, match);
      if (unbalanced) parser.errors.push({ message: `unbalanced '${unbalanced.text}'`, start: unbalanced.start, end: unbalanced.end });
    }
  } catch (e) {
    // A parser bug must not take the linter down: keep the whole file as one opaque statement.
    const message = e instanceof Error ? e.message : String(e);
    parser.errors.push({ message: `internal parser error: ${message}`, start: 0, end: text.length });
    const opaque: A.Opaque = { type: 'Opaque', start: 0, end: text.length, reason: 'internal parser error', recovered: [] };
    ast = { type: 'Script', start: 0, end: text.length, statements: [opaque] };
  }
  const seen = new Set<string>();
  const errors = [...lexed.errors, ...parser.errors]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .filter((e) => {
      const key = `${e.start}:${e.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return { ast, errors, tokens: lexed.tokens, tooDeep: parser.tooDeep };
}
