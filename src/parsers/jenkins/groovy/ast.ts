/**
 * The Groovy syntax tree for Jenkinsfiles. Every node has a `type` and a half-open `[start, end)` span of
 * UTF-16 offsets into the source text, so `text.slice(node.start, node.end)` is exactly the node's source:
 * a fix can rewrite one argument in place.
 *
 * Statements and expressions share one union (`Node`): a Groovy statement is often just an expression
 * (a method call, an assignment). Anything the parser could not make sense of is an `Opaque` node that
 * still covers its text, so no block is ever lost.
 */
import type { QuoteKind } from './lexer.js';

export type { QuoteKind };

export interface Span {
  readonly start: number;
  readonly end: number;
}

interface NodeBase extends Span {
  readonly type: string;
}

export interface Script extends NodeBase {
  readonly type: 'Script';
  readonly statements: readonly Statement[];
}

/** `{ ... }` used as a statement body (if/for/while/try/method/class), never a closure. */
export interface Block extends NodeBase {
  readonly type: 'Block';
  readonly statements: readonly Statement[];
}

export interface Identifier extends NodeBase {
  readonly type: 'Identifier';
  /** The name, also for `this`, `super` and primitive type names used as values (`int.class`). */
  readonly name: string;
}

export interface NumberLiteral extends NodeBase {
  readonly type: 'NumberLiteral';
  readonly raw: string;
}

export interface BooleanLiteral extends NodeBase {
  readonly type: 'BooleanLiteral';
  readonly value: boolean;
}

export interface NullLiteral extends NodeBase {
  readonly type: 'NullLiteral';
}

/**
 * Any Groovy string. The span includes the delimiters. `value` is the decoded text when the string has
 * no interpolation; a GString (`"${env.X}"`) has `value: null`: its value is unknown until run time.
 */
export interface StringLiteral extends NodeBase {
  readonly type: 'StringLiteral';
  readonly quote: QuoteKind;
  readonly value: string | null;
  /** Literal segments and interpolations in source order (empty for `''`). */
  readonly parts: readonly StringPart[];
  /** Span of the text between the delimiters. */
  readonly contentStart: number;
  readonly contentEnd: number;
  /** False when the closing delimiter is missing (a syntax error was reported). */
  readonly terminated: boolean;
}

export type StringPart = StringSegment | Interpolation;

/** Literal text of a string; `value` has escapes decoded and line breaks normalised to `\n`. */
export interface StringSegment extends NodeBase {
  readonly type: 'StringSegment';
  readonly value: string;
  /**
   * Where each code unit of `value` is written: `offsets[i]` is the file offset of `value[i]`'s source
   * (the backslash of an escape, the CR of a CRLF). Absent when `value` is exactly the source text.
   */
  readonly offsets?: readonly number[];
}

/**
 * `$x`, `$x.y.z` or `${ ... }` inside a GString: an opaque placeholder for a run-time value. The parsed
 * expression is kept for rules that want to look at it (`"${env.DOCKER_HOST}"`), never evaluated.
 */
export interface Interpolation extends NodeBase {
  readonly type: 'Interpolation';
  readonly form: 'path' | 'block';
  /** The single expression inside, when there is one (`$a.b`, `${a.b}`); null for `${}` or several statements. */
  readonly expression: Expression | null;
  /** Everything inside `${ ... }` (for a path, the one expression). */
  readonly body: readonly Statement[];
  /** Span between `${` and `}` (for a path: the path itself). */
  readonly innerStart: number;
  readonly innerEnd: number;
}

export interface ListLiteral extends NodeBase {
  readonly type: 'ListLiteral';
  readonly elements: readonly Expression[];
}

export interface MapLiteral extends NodeBase {
  readonly type: 'MapLiteral';
  readonly entries: readonly (MapEntry | Spread)[];
}

/** `key: value` in a map literal, or a named argument of a method call. */
export interface MapEntry extends NodeBase {
  readonly type: 'MapEntry';
  readonly key: Expression;
  /** The key as a string when it is written literally (`image:`, `'image':`, `1:`); null when computed. */
  readonly keyName: string | null;
  readonly value: Expression;
}

/** `*list` (spread) or `*:map` (spread map) in arguments, lists and maps. */
export interface Spread extends NodeBase {
  readonly type: 'Spread';
  readonly map: boolean;
  readonly argument: Expression;
}

export type DotOperator = '.' | '?.' | '*.' | '.&';

/** `a.b`, `a?.b`, `a*.b`, `a.&b` (method pointer), `a.@b` (field), `a.'b'`, `a."$b"`, `a.(b)`. */
export interface PropertyAccess extends NodeBase {
  readonly type: 'PropertyAccess';
  readonly object: Expression;
  readonly operator: DotOperator;
  /** `.@name`: direct field access. */
  readonly attribute: boolean;
  readonly property: Identifier | StringLiteral | Expression;
  /** The member name when it is written literally; null for `a."$b"` and `a.(b)`. */
  readonly name: string | null;
}

/**
 * A method call: `foo(a, b: 1) { ... }`, `obj.foo a, b` (command expression), `foo { ... }`,
 * `obj?.foo()`. Arguments are split by kind; each keeps its span, so their source order can be rebuilt.
 */
export interface MethodCall extends NodeBase {
  readonly type: 'MethodCall';
  /** The receiver; null for an implicit `this` call (`sh 'make'`). */
  readonly object: Expression | null;
  /** The method name as written; null when an expression is called (`closure()`, `x[0](1)`). */
  readonly method: Identifier | StringLiteral | Expression | null;
  /** The method name when it is written literally. */
  readonly name: string | null;
  readonly operator: DotOperator | null;
  /** Called with `?.`. */
  readonly safe: boolean;
  /** Called with `*.`. */
  readonly spread: boolean;
  readonly args: readonly Expression[];
  readonly namedArgs: readonly MapEntry[];
  /** Closures written after the arguments: `foo(a) { }`, `foo { } { }`. A closure inside the parentheses is in `args`. */
  readonly closures: readonly Closure[];
  /** Span of `( ... )`, parentheses included; null when the call has none. */
  readonly argsSpan: Span | null;
  /** Written without parentheses: a command expression or closures only. */
  readonly parenless: boolean;
  /** A command expression (`sh 'make'`, `echo "x"`, `foo a b c` chains). */
  readonly command: boolean;
}

export interface Index extends NodeBase {
  readonly type: 'Index';
  readonly object: Expression;
  readonly index: readonly (Expression | MapEntry)[];
}

export interface Parameter extends NodeBase {
  readonly type: 'Parameter';
  readonly id: Identifier;
  readonly name: string;
  readonly typeRef: TypeRef | null;
  readonly defaultValue: Expression | null;
  readonly varargs: boolean;
  readonly modifiers: readonly string[];
  readonly annotations: readonly Annotation[];
}

export interface Closure extends NodeBase {
  readonly type: 'Closure';
  /** Parameters before `->`; null when there is no `->` (implicit `it`). */
  readonly params: readonly Parameter[] | null;
  readonly body: readonly Statement[];
}

/** A type as written: `String`, `java.util.List<String>`, `String[]`, `int`. */
export interface TypeRef extends NodeBase {
  readonly type: 'TypeRef';
  /** The (possibly qualified) name without type arguments or array brackets. */
  readonly name: string;
}

export interface Binary extends NodeBase {
  readonly type: 'Binary';
  readonly operator: string;
  readonly left: Expression;
  readonly right: Expression;
}

export interface Unary extends NodeBase {
  readonly type: 'Unary';
  readonly operator: string;
  readonly prefix: boolean;
  readonly operand: Expression;
}

/** `a ? b : c`, or the elvis `a ?: c` (then `consequent` is null). */
export interface Ternary extends NodeBase {
  readonly type: 'Ternary';
  readonly test: Expression;
  readonly consequent: Expression | null;
  readonly alternate: Expression;
  readonly elvis: boolean;
}

export interface Assignment extends NodeBase {
  readonly type: 'Assignment';
  readonly operator: string;
  /** The target; `(a, b) = ...` has a TupleTarget. */
  readonly target: Expression;
  readonly value: Expression;
}

/** `(a, b)` on the left of a multiple assignment. */
export interface TupleTarget extends NodeBase {
  readonly type: 'TupleTarget';
  readonly names: readonly Identifier[];
}

/** `(Type) expr` or `expr as Type`. */
export interface Cast extends NodeBase {
  readonly type: 'Cast';
  readonly expression: Expression;
  readonly typeRef: TypeRef;
  readonly form: 'paren' | 'as';
}

export interface InstanceOf extends NodeBase {
  readonly type: 'InstanceOf';
  readonly expression: Expression;
  readonly typeRef: TypeRef;
}

/** `new Type(args) { anonymous class }` or `new Type[n]`. */
export interface New extends NodeBase {
  readonly type: 'New';
  readonly typeRef: TypeRef;
  readonly args: readonly Expression[];
  readonly namedArgs: readonly MapEntry[];
  readonly argsSpan: Span | null;
  /** `new int[3][]`: the dimension expressions (null for `[]`); null when not an array. */
  readonly dimensions: readonly (Expression | null)[] | null;
  readonly classBody: readonly Statement[] | null;
}

export interface Parenthesized extends NodeBase {
  readonly type: 'Parenthesized';
  readonly expression: Expression;
}

/** Text the parser kept but did not analyse: a syntax error's extent, or input nested too deeply. */
export interface Opaque extends NodeBase {
  readonly type: 'Opaque';
  readonly reason: string;
  /** `{ ... }` regions inside the unparsed text, parsed on their own so the steps in them are not lost. */
  readonly recovered: readonly Block[];
}

export interface Annotation extends NodeBase {
  readonly type: 'Annotation';
  /** `Library`, `groovy.transform.Field`. */
  readonly name: string;
  /** `@Library('lib@1.0')`: the single value; null when absent or given as members. */
  readonly value: Expression | null;
  /** `@Foo(a = 1, b = 'x')`. */
  readonly members: readonly AnnotationMember[];
}

export interface AnnotationMember extends NodeBase {
  readonly type: 'AnnotationMember';
  readonly id: Identifier;
  readonly value: Expression;
}

/**
 * `def x = 1`, `String a, b = 'x'`, `def (a, b) = f()`, and `@Library('lib') _` (annotations on a
 * declaration of `_` with no value).
 */
export interface VariableDecl extends NodeBase {
  readonly type: 'VariableDecl';
  readonly modifiers: readonly string[];
  readonly annotations: readonly Annotation[];
  readonly typeRef: TypeRef | null;
  readonly declarators: readonly Declarator[];
  /** `def (a, b) = value`: the value (the declarators then have no init). */
  readonly tupleInit: Expression | null;
}

export interface Declarator extends NodeBase {
  readonly type: 'Declarator';
  readonly id: Identifier;
  /** Per-name type in `def (String a, int b) = ...`. */
  readonly typeRef: TypeRef | null;
  readonly init: Expression | null;
}

export interface MethodDecl extends NodeBase {
  readonly type: 'MethodDecl';
  readonly modifiers: readonly string[];
  readonly annotations: readonly Annotation[];
  readonly returnType: TypeRef | null;
  readonly id: Identifier | StringLiteral;
  readonly name: string;
  readonly params: readonly Parameter[];
  readonly body: Block | null;
}

export interface ClassDecl extends NodeBase {
  readonly type: 'ClassDecl';
  readonly kind: 'class' | 'interface' | 'enum' | 'trait' | '@interface';
  readonly id: Identifier;
  readonly modifiers: readonly string[];
  readonly annotations: readonly Annotation[];
  /** Members of a class, interface or trait; null for enums and annotation types (see `opaqueBody`). */
  readonly members: readonly Statement[] | null;
  readonly opaqueBody: Opaque | null;
}

export interface If extends NodeBase {
  readonly type: 'If';
  readonly test: Expression;
  readonly consequent: Statement;
  readonly alternate: Statement | null;
}

/** `for (init; test; update)`. */
export interface For extends NodeBase {
  readonly type: 'For';
  readonly init: Expression | VariableDecl | null;
  readonly test: Expression | null;
  readonly update: Expression | null;
  readonly body: Statement | null;
}

/** `for (x in xs)`, `for (String x : xs)`. */
export interface ForIn extends NodeBase {
  readonly type: 'ForIn';
  readonly variable: Parameter;
  readonly iterable: Expression;
  readonly body: Statement | null;
}

export interface While extends NodeBase {
  readonly type: 'While';
  readonly test: Expression | VariableDecl;
  readonly body: Statement | null;
}

export interface Switch extends NodeBase {
  readonly type: 'Switch';
  readonly discriminant: Expression | VariableDecl;
  readonly cases: readonly SwitchCase[];
}

/** One group of `case x:` / `default:` labels and the statements that follow them. */
export interface SwitchCase extends NodeBase {
  readonly type: 'SwitchCase';
  readonly tests: readonly Expression[];
  readonly isDefault: boolean;
  readonly body: readonly Statement[];
}

export interface Try extends NodeBase {
  readonly type: 'Try';
  readonly block: Block;
  readonly catches: readonly Catch[];
  readonly finalizer: Block | null;
}

export interface Catch extends NodeBase {
  readonly type: 'Catch';
  /** Declared exception types; empty for `catch (e)`. */
  readonly types: readonly TypeRef[];
  readonly param: Identifier;
  readonly body: Block;
}

export interface Return extends NodeBase {
  readonly type: 'Return';
  readonly argument: Expression | null;
}

export interface Break extends NodeBase {
  readonly type: 'Break';
  readonly label: Identifier | null;
}

export interface Continue extends NodeBase {
  readonly type: 'Continue';
  readonly label: Identifier | null;
}

export interface Throw extends NodeBase {
  readonly type: 'Throw';
  readonly argument: Expression;
}

export interface Assert extends NodeBase {
  readonly type: 'Assert';
  readonly test: Expression;
  readonly message: Expression | null;
}

export interface Synchronized extends NodeBase {
  readonly type: 'Synchronized';
  readonly lock: Expression | VariableDecl;
  readonly body: Block;
}

export interface Labeled extends NodeBase {
  readonly type: 'Labeled';
  readonly label: Identifier;
  readonly body: Statement;
}

export interface Import extends NodeBase {
  readonly type: 'Import';
  /** `foo.Bar`, `foo` for `import foo.*`. */
  readonly name: string;
  readonly isStatic: boolean;
  readonly star: boolean;
  readonly alias: Identifier | null;
  readonly annotations: readonly Annotation[];
}

export interface Package extends NodeBase {
  readonly type: 'Package';
  readonly name: string;
  readonly annotations: readonly Annotation[];
}

export type Expression =
  | Identifier
  | NumberLiteral
  | BooleanLiteral
  | NullLiteral
  | StringLiteral
  | ListLiteral
  | MapLiteral
  | Spread
  | PropertyAccess
  | MethodCall
  | Index
  | Closure
  | Binary
  | Unary
  | Ternary
  | Assignment
  | TupleTarget
  | Cast
  | InstanceOf
  | New
  | Parenthesized
  | Annotation
  | VariableDecl
  | Return
  | Break
  | Continue
  | Throw
  | Assert
  | Opaque;

export type Statement =
  | Expression
  | Block
  | MethodDecl
  | ClassDecl
  | If
  | For
  | ForIn
  | While
  | Switch
  | Try
  | Synchronized
  | Labeled
  | Import
  | Package;

export type Node =
  | Script
  | Statement
  | StringSegment
  | Interpolation
  | MapEntry
  | Parameter
  | TypeRef
  | AnnotationMember
  | Declarator
  | SwitchCase
  | Catch;

export type NodeType = Node['type'];

export interface ParseError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}
