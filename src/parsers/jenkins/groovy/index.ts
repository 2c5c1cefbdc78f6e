/** Groovy (2.4) syntax for Jenkinsfiles: lexer, error-tolerant parser with exact spans, tree walker. */
export type * from './ast.js';
export { lexGroovy, type Comment, type LexError, type LexResult, type QuoteKind, type StringToken, type Token } from './lexer.js';
export { parseGroovy, type GroovyParseResult } from './parser.js';
export { children, walk } from './visit.js';
