/**
 * Property test over every fixture: each node's span slices back to its source text. Spans are UTF-16
 * offsets, so `text.slice(node.start, node.end)` must be exactly what the node stands for: a name is its
 * name, a string literal includes its quotes, a call starts at its receiver, children sit inside their
 * parent in source order. On valid files, additionally nothing is lost: no Opaque node, and every string
 * the lexer saw (interpolations included) is a StringLiteral node with the same span.
 */
import { lexGroovy, type Token } from '../../../src/parsers/jenkins/groovy/lexer.js';
import { parseGroovy } from '../../../src/parsers/jenkins/groovy/parser.js';
import { walk } from '../../../src/parsers/jenkins/groovy/visit.js';
import { allGroovySources } from './fixtures.js';
import { checkSpans } from './span-check.js';

function stringTokens(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  const stack = [...tokens];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.kind !== 'string') continue;
    out.push(t);
    for (const part of t.str!.parts) if (part.kind === 'block') stack.push(...part.tokens);
  }
  return out;
}

const sources = allGroovySources();
const valid = sources.filter((s) => s.expect === 'valid');

describe('every node span slices back to its source', () => {
  it.each(sources.map((s) => [s.name, s] as const))('%s', (_name, source) => {
    expect(checkSpans(source.text)).toEqual([]);
  });
});

describe('valid Jenkinsfiles lose nothing', () => {
  it.each(valid.map((s) => [s.name, s] as const))('%s', (_name, source) => {
    const { ast, errors } = parseGroovy(source.text);
    expect(errors).toEqual([]);
    const opaque: string[] = [];
    const literals = new Set<string>();
    walk(ast, (node) => {
      // Enum bodies are kept whole on purpose (nothing in them matters to a pipeline).
      if (node.type === 'Opaque' && node.reason !== 'enum body') opaque.push(source.text.slice(node.start, node.end));
      if (node.type === 'StringLiteral') literals.add(`${node.start}:${node.end}`);
    });
    expect(opaque).toEqual([]);
    const missing = stringTokens(lexGroovy(source.text).tokens)
      .filter((t) => !literals.has(`${t.start}:${t.end}`))
      .map((t) => source.text.slice(t.start, t.end));
    expect(missing).toEqual([]);
  });
});
