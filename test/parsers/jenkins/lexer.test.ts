import { lexGroovy, type StringPartToken, type Token } from '../../../src/parsers/jenkins/groovy/lexer.js';

const lex = (text: string) => lexGroovy(text);
const kinds = (text: string) => lex(text).tokens.map((t) => (t.kind === 'punct' || t.kind === 'keyword' ? t.text : t.kind));

function onlyString(text: string): Token {
  const strings = lex(text).tokens.filter((t) => t.kind === 'string');
  expect(strings).toHaveLength(1);
  return strings[0]!;
}

/** Parts as [kind, source slice, decoded value or names]. */
function parts(text: string, token: Token): [string, string, string][] {
  return token.str!.parts.map((p: StringPartToken) => [
    p.kind,
    text.slice(p.start, p.end),
    p.kind === 'segment' ? p.value : p.kind === 'path' ? p.names.map((n) => n.name).join('.') : text.slice(p.innerStart, p.innerEnd),
  ]);
}

describe('string literals', () => {
  it('single-quoted: escapes decoded, no interpolation, span includes the quotes', () => {
    const text = String.raw`x = 'it\'s $HOME \t \u00e9 \101'`;
    const s = onlyString(text);
    expect(text.slice(s.start, s.end)).toBe(String.raw`'it\'s $HOME \t \u00e9 \101'`);
    expect(s.str!.quote).toBe("'");
    expect(parts(text, s)).toEqual([['segment', String.raw`it\'s $HOME \t \u00e9 \101`, "it's $HOME \t é A"]]);
  });

  it('double-quoted: $x, $x.y.z and ${...} interpolations between literal segments', () => {
    const text = 'sh "run $IMAGE on ${env.HOST}: $a.b.c. \\$NOT"';
    const s = onlyString(text);
    expect(parts(text, s)).toEqual([
      ['segment', 'run ', 'run '],
      ['path', '$IMAGE', 'IMAGE'],
      ['segment', ' on ', ' on '],
      ['block', '${env.HOST}', 'env.HOST'],
      ['segment', ': ', ': '],
      ['path', '$a.b.c', 'a.b.c'],
      ['segment', '. \\$NOT', '. $NOT'],
    ]);
    const block = s.str!.parts[3]!;
    expect(block.kind === 'block' && block.tokens.map((t) => t.text)).toEqual(['env', '.', 'HOST', '']);
  });

  it('triple-quoted strings span lines; CRLF becomes \\n in the value but not in the span', () => {
    const text = "sh '''\r\n  docker run ''quoted'' \\\r\n  --privileged\r\n'''";
    const s = onlyString(text);
    expect(s.end).toBe(text.length);
    expect(parts(text, s)[0]![2]).toBe("\n  docker run ''quoted''   --privileged\n");
    const gs = onlyString('x = """a "quoted" ${b}"""');
    expect(gs.str!.quote).toBe('"""');
    expect(gs.str!.parts.map((p) => p.kind)).toEqual(['segment', 'block']);
  });

  it('slashy strings: only \\/ is an escape, $ interpolates when followed by a name', () => {
    const text = String.raw`x = /C:\dir\/sub $name 5$ /`;
    const s = onlyString(text);
    expect(s.str!.quote).toBe('/');
    expect(parts(text, s)).toEqual([
      ['segment', String.raw`C:\dir\/sub `, 'C:\\dir/sub '],
      ['path', '$name', 'name'],
      ['segment', ' 5$ ', ' 5$ '],
    ]);
  });

  it('dollar-slashy strings: $$ and $/ escape, / needs none', () => {
    const text = 'x = $/a/b $$HOME $/ ${c}/$';
    const s = onlyString(text);
    expect(s.str!.quote).toBe('$/');
    expect(text.slice(s.start, s.end)).toBe('$/a/b $$HOME $/ ${c}/$');
    expect(parts(text, s)).toEqual([
      ['segment', 'a/b $$HOME $/ ', 'a/b $HOME / '],
      ['block', '${c}', 'c'],
    ]);
  });

  it('nests strings inside interpolations', () => {
    const text = `x = "a \${ "b \${ 'c' }" } d"`;
    const outer = onlyString(text);
    const block = outer.str!.parts[1]!;
    expect(block.kind).toBe('block');
    const inner = block.kind === 'block' ? block.tokens.find((t) => t.kind === 'string')! : undefined;
    expect(text.slice(inner!.start, inner!.end)).toBe(`"b \${ 'c' }"`);
  });

  it('spans are UTF-16 offsets: an emoji counts two', () => {
    const text = "x = '🐳' + y";
    const s = onlyString(text);
    expect([s.start, s.end]).toEqual([4, 8]);
    expect(lex(text).tokens.find((t) => t.text === 'y')!.start).toBe(11);
  });
});

describe('slashy string or division', () => {
  it('divides after a name, literal or closing bracket', () => {
    expect(kinds('a / b / c')).toEqual(['ident', '/', 'ident', '/', 'ident', 'eof']);
    expect(kinds('f() / 2 /= 3')).toEqual(['ident', '(', ')', '/', 'number', '/=', 'number', 'eof']);
  });

  it('starts a string after an operator, a comma or an opening bracket', () => {
    expect(kinds('x = /re/')).toEqual(['ident', '=', 'string', 'eof']);
    expect(kinds('f(/re/, /x/)')).toEqual(['ident', '(', 'string', ',', 'string', ')', 'eof']);
    expect(kinds('a ==~ /re/')).toEqual(['ident', '==~', 'string', 'eof']);
  });

  it('`echo /x/` is a division, as in Groovy', () => {
    expect(kinds('echo /x/')).toEqual(['ident', '/', 'ident', '/', 'eof']);
  });
});

describe('newlines, comments and layout', () => {
  it('a run of newlines, blanks and comments is one newline token', () => {
    expect(kinds('a\n\n  // c\n  /* d */\n\nb')).toEqual(['ident', 'newline', 'ident', 'eof']);
  });

  it('newlines are dropped inside ( ) and [ ], kept inside { } even within parentheses', () => {
    expect(kinds('f(a,\n b)')).toEqual(['ident', '(', 'ident', ',', 'ident', ')', 'eof']);
    expect(kinds('[1,\n2]')).toEqual(['[', 'number', ',', 'number', ']', 'eof']);
    expect(kinds('f({\n a\n})')).toEqual(['ident', '(', '{', 'newline', 'ident', 'newline', '}', ')', 'eof']);
  });

  it('a comment spanning lines is not a newline', () => {
    expect(kinds('a /* x\n y */ b')).toEqual(['ident', 'ident', 'eof']);
  });

  it('backslash-newline continues the line', () => {
    expect(kinds('a \\\n + b')).toEqual(['ident', '+', 'ident', 'eof']);
  });

  it('records comments and the shebang with their spans', () => {
    const text = '#!/usr/bin/env groovy\n// line\n/* block */ x';
    expect(lex(text).comments.map((c) => [c.kind, text.slice(c.start, c.end)])).toEqual([
      ['shebang', '#!/usr/bin/env groovy'],
      ['line', '// line'],
      ['block', '/* block */'],
    ]);
  });

  it('keywords next to a dot are names (`foo.def`, `import a.in.b`)', () => {
    expect(lex('x.as(y).in').tokens.filter((t) => t.kind === 'ident').map((t) => t.text)).toEqual(['x', 'as', 'y', 'in']);
  });
});

describe('numbers', () => {
  it.each(['0', '42', '1_000', '0x1F', '0b101', '0777', '1L', '2G', '1.5', '1.5e3d', '1E+5', '2e-3f', '1.0g'])('%s', (n) => {
    expect(lex(n).tokens.map((t) => [t.kind, t.text])).toEqual([['number', n], ['eof', '']]);
  });

  it('`08` is two numbers and `1.` a number and a dot, as in Groovy', () => {
    expect(lex('08').tokens.map((t) => t.text)).toEqual(['0', '8', '']);
    expect(lex('1..2').tokens.map((t) => t.text)).toEqual(['1', '..', '2', '']);
  });
});

describe('unicode escapes are decoded before lexing, as javac and groovyc do', () => {
  it('maps offsets back to the source', () => {
    const text = "x = '\\u0041' + y";
    const s = onlyString(text);
    expect(text.slice(s.start, s.end)).toBe("'\\u0041'");
    expect(parts(text, s)[0]![2]).toBe('A');
  });

  it('a \\u0027 escape is a real quote', () => {
    expect(lex("s = '\\u0027'").errors).not.toEqual([]);
  });

  it('an escaped backslash shields the u', () => {
    const text = "x = '\\\\u0041'";
    expect(lex(text).errors).toEqual([]);
    expect(parts(text, onlyString(text))[0]![2]).toBe('\\u0041');
  });

  it('a malformed escape is an error even in a comment', () => {
    const text = '// C:\\users\\ci\nx = 1';
    expect(lex(text).errors.map((e) => [e.message, e.start])).toEqual([['Did not find four digit hex character code', 5]]);
  });
});

describe('lexical errors', () => {
  const errors = (text: string) => lex(text).errors.map((e) => [e.message, text.slice(e.start, e.start + 1)]);

  it('a newline ends a single-line string', () => {
    expect(errors("x = 'abc\ny")).toEqual([["expecting ''', found '\\n'", '\n']]);
    expect(errors('x = "abc\ny')).toEqual([["expecting anything but ''\\n''; got it anyway", '\n']]);
  });

  it('a newline inside ${...} of a "..." string is an error', () => {
    expect(errors('x = "a ${\n b}"').map((e) => e[0])).toEqual([`end of line reached within a simple string 'x' or "x" or /x/`]);
  });

  it('$ must be followed by a name or { in a GString', () => {
    expect(errors('x = "costs $5"')).toEqual([['illegal string body character after dollar sign', '$']]);
  });

  it('unknown escapes and characters', () => {
    expect(errors("x = '\\q'")).toEqual([["unexpected char: '\\'", '\\']]);
    expect(errors('x = a # b')).toEqual([["unexpected char: '#'", '#']]);
  });

  it('unterminated strings and comments', () => {
    expect(errors("x = '''abc").map((e) => e[0])).toEqual(['unexpected char: 0xFFFF']);
    expect(errors('x = /abc').map((e) => e[0])).toEqual(['unexpected char: 0xFFFF']);
    expect(errors('/* abc').map((e) => e[0])).toEqual(["expecting '*', found '<EOF>'"]);
  });

  it('a / right after a single line break is an error unless it starts a comment (Groovy 2.4 quirk)', () => {
    expect(errors('x = 1\n/re/')).toEqual([["unexpected char: '/'", '/']]);
    expect(errors('x = 1\n\n/re/')).toEqual([]);
    expect(errors('x = 1\n  /re/')).toEqual([]);
    expect(errors('x = 1\n// c')).toEqual([]);
  });

  it('never throws, whatever the input', () => {
    for (const text of ['"${', '"${"${', "'''", '$/', '\\', '\\u', '0x', '1e', '"\\', '/*', '${}', '"$']) {
      expect(() => lex(text)).not.toThrow();
    }
  });
});
