import { parseGroovy, walk, type StringLiteral } from '../../../src/parsers/jenkins/groovy/index.js';
import type { QuoteKind } from '../../../src/parsers/jenkins/groovy/index.js';
import {
  escapeFor,
  literalText,
  sourceRange,
  stripIndent,
  stripMargin,
  trimText,
  type GroovyText,
} from '../../../src/parsers/jenkins/strings.js';

function firstLiteral(source: string): StringLiteral {
  let found: StringLiteral | undefined;
  walk(parseGroovy(source).ast, (n) => {
    if (found) return false;
    if (n.type === 'StringLiteral') found = n;
    return undefined;
  });
  if (!found) throw new Error(`no string literal in ${source}`);
  return found;
}

function textOf(source: string): GroovyText {
  return literalText(firstLiteral(source), source);
}

/** The source text each code unit of the value is read from. */
function origins(t: GroovyText, source: string): string[] {
  return [...t.text].map((_, i) => source.slice(t.offsets[i], t.offsets[i + 1]));
}

describe('literalText', () => {
  it('maps every code unit of an escape-free string to itself', () => {
    const source = "sh 'docker build -t app .'";
    const t = textOf(source);
    expect(t.text).toBe('docker build -t app .');
    expect(t.exact).toBe(true);
    expect(source.slice(t.offsets[0], t.offsets[t.text.length])).toBe(t.text);
  });

  it('maps decoded escapes to the escape sequence that wrote them', () => {
    const source = "sh 'a\\tb \\u00e9 \\'q\\' \\\\ end'";
    const t = textOf(source);
    expect(t.text).toBe("a\tb é 'q' \\ end");
    expect(t.exact).toBe(false);
    expect(origins(t, source)).toEqual(['a', '\\t', 'b', ' ', '\\u00e9', ' ', "\\'", 'q', "\\'", ' ', '\\\\', ' ', 'e', 'n', 'd']);
  });

  it('reads CRLF line breaks as one \\n that still stands where it is written', () => {
    const source = "sh '''\r\n  docker info\r\n'''";
    const t = textOf(source);
    expect(t.text).toBe('\n  docker info\n');
    expect(t.exact).toBe(true);
    expect(origins(t, source)[0]).toBe('\r\n');
  });

  it('keeps interpolations as their source text, as holes', () => {
    const source = 'sh "docker push ${IMAGE}:$TAG \\$HOME"';
    const t = textOf(source);
    expect(t.text).toBe('docker push ${IMAGE}:$TAG $HOME');
    expect(t.holes.map((h) => t.text.slice(h.start, h.end))).toEqual(['${IMAGE}', '$TAG']);
    expect(t.exact).toBe(false);
  });

  it('drops line continuations, mapping the next character past them', () => {
    const source = "sh 'docker build \\\n  -t app .'";
    const t = textOf(source);
    expect(t.text).toBe('docker build   -t app .');
    const range = sourceRange(t, t.text.indexOf('-t'), t.text.indexOf('-t') + 2);
    expect(source.slice(range.start, range.end)).toBe('-t');
  });
});

describe('string methods', () => {
  it('stripIndent removes the common indentation and keeps mapping to the lines as written', () => {
    const source = "sh '''\n    set -e\n      docker info\n\n    docker build .\n  '''.stripIndent()";
    const t = stripIndent(textOf(source), source.length);
    expect(t.text).toBe('\nset -e\n  docker info\n\ndocker build .\n');
    const at = t.text.indexOf('docker build');
    const range = sourceRange(t, at, at + 'docker build'.length);
    expect(source.slice(range.start, range.end)).toBe('docker build');
    expect(t.exact).toBe(false);
  });

  it('stripMargin and trim', () => {
    const source = "x = '''\n    |one\n    |two\n  '''";
    expect(stripMargin(textOf(source), source.length).text).toBe('\none\ntwo\n  ');
    expect(trimText(textOf("x = '  a b  '"), 0).text).toBe('a b');
  });
});

describe('escapeFor', () => {
  const samples = ["printf '%s\\n' \"$PASS\" | ", 'a\\b', "'''x'''", '"""y"""', '$HOME and ${x}', 'slash / here'];
  const quotes: QuoteKind[] = ["'", "'''", '"', '"""', '$/'];
  it.each(quotes)('writes text that a %s string reads back unchanged', (quote) => {
    const close = quote === '$/' ? '/$' : quote;
    for (const sample of samples) {
      const written = escapeFor(quote, sample);
      expect(written).toBeDefined();
      const source = `x = ${quote}${written}${close}`;
      const parsed = parseGroovy(source);
      expect([sample, parsed.errors]).toEqual([sample, []]);
      expect(firstLiteral(source).value).toBe(sample);
    }
  });

  it('refuses what a slashy string cannot hold', () => {
    expect(escapeFor('/', 'a$b')).toBeUndefined();
    expect(escapeFor('/', 'a/b')).toBe('a\\/b');
  });
});
