import type * as A from '../../../src/parsers/jenkins/groovy/ast.js';
import { parseGroovy } from '../../../src/parsers/jenkins/groovy/parser.js';
import { walk } from '../../../src/parsers/jenkins/groovy/visit.js';

type Of<T extends A.NodeType> = Extract<A.Node, { type: T }>;

/** Parses text that must be valid and returns its statements. */
function ok(text: string): readonly A.Statement[] {
  const { ast, errors } = parseGroovy(text);
  expect(errors).toEqual([]);
  return ast.statements;
}

function all<T extends A.NodeType>(root: A.Node | readonly A.Node[], type: T): Of<T>[] {
  const found: Of<T>[] = [];
  for (const r of Array.isArray(root) ? root : [root]) {
    walk(r as A.Node, (n) => {
      if (n.type === type) found.push(n as Of<T>);
    });
  }
  return found;
}

function first<T extends A.NodeType>(root: A.Node | readonly A.Node[], type: T): Of<T> {
  const found = all(root, type);
  expect(found.length).toBeGreaterThan(0);
  return found[0]!;
}

function only<T extends A.NodeType>(text: string, type: T): Of<T> {
  const statements = ok(text);
  expect(statements).toHaveLength(1);
  expect(statements[0]!.type).toBe(type);
  return statements[0] as Of<T>;
}

const slice = (text: string, node: A.Span) => text.slice(node.start, node.end);
const errorsOf = (text: string) => parseGroovy(text).errors.map((e) => e.message);

describe('method calls', () => {
  it('with parentheses: positional and named arguments, each with its span', () => {
    const text = "sh(script: 'make', returnStdout: true, 'x')";
    const call = only(text, 'MethodCall');
    expect(call.name).toBe('sh');
    expect(call.object).toBeNull();
    expect(call.namedArgs.map((a) => [a.keyName, slice(text, a.value)])).toEqual([['script', "'make'"], ['returnStdout', 'true']]);
    expect(call.args.map((a) => slice(text, a))).toEqual(["'x'"]);
    expect(slice(text, call.argsSpan!)).toBe("(script: 'make', returnStdout: true, 'x')");
    expect(call.parenless).toBe(false);
  });

  it('without parentheses (command expressions)', () => {
    const text = "sh script: 'make', returnStdout: true";
    const call = only(text, 'MethodCall');
    expect([call.name, call.command, call.parenless, call.argsSpan]).toEqual(['sh', true, true, null]);
    expect(call.namedArgs.map((a) => a.keyName)).toEqual(['script', 'returnStdout']);
    expect(slice(text, call)).toBe(text);
  });

  it('command chains: `foo a b c` is foo(a).b(c)', () => {
    const text = 'foo a b c';
    const outer = only(text, 'MethodCall');
    expect(outer.name).toBe('b');
    expect(outer.args.map((a) => slice(text, a))).toEqual(['c']);
    expect(outer.object?.type === 'MethodCall' && outer.object.name).toBe('foo');
  });

  it('trailing closures: foo(a) { }, foo { }, foo(a) { } { }', () => {
    const a = only("stage('Build') { sh 'make' }", 'MethodCall');
    expect([a.name, a.args.length, a.closures.length, a.parenless]).toEqual(['stage', 1, 1, false]);
    expect(first(a.closures[0]!, 'MethodCall').name).toBe('sh');
    const b = only('node { }', 'MethodCall');
    expect([b.closures.length, b.parenless, b.argsSpan]).toEqual([1, true, null]);
    expect(only('foo(a) { } { }', 'MethodCall').closures).toHaveLength(2);
  });

  it('a closure on the next line still belongs to the call at statement start (Groovy 2.4)', () => {
    const call = only("stage('Build')\n{\n  sh 'make'\n}", 'MethodCall');
    expect(call.closures).toHaveLength(1);
    const init = first(ok('def x = foo(a)\n{ -> }'), 'MethodCall');
    expect(init.closures).toHaveLength(1);
  });

  it('but not after a command argument or return: there it is an ambiguous block', () => {
    expect(errorsOf("sh 'make'\n{ }")[0]).toMatch(/^Ambiguous expression/);
    expect(errorsOf('return x\n{ }')[0]).toMatch(/^Ambiguous expression/);
  });

  it('receivers, ?. safe calls, *. spread calls and chains across lines', () => {
    const text = "docker.image('docker:27-dind')\n  .withRun('--privileged') { c -> }\n  ?.id*.trim()";
    const call = only(text, 'MethodCall');
    expect([call.name, call.spread]).toEqual(['trim', true]);
    const names = all(call, 'MethodCall').map((c) => [c.name, c.safe]);
    expect(names).toEqual([['trim', false], ['withRun', false], ['image', false]]);
    const id = first(call, 'PropertyAccess');
    expect([id.name, id.operator]).toEqual(['id', '?.']);
    expect(only('a?.b()', 'MethodCall').safe).toBe(true);
  });

  it('calls through strings and expressions', () => {
    expect(only("'echo' 'hi'", 'MethodCall').name).toBe('echo');
    const call = only('closures[0](1)', 'MethodCall');
    expect([call.name, call.method, call.object?.type]).toEqual([null, null, 'Index']);
  });
});

describe('literals', () => {
  it('maps: names, strings, numbers and (expressions) as keys; [:]', () => {
    const text = "[image: 'x', 'app.kubernetes.io/name': 'y', 1: 2, (k): 3, *:m]";
    const map = only(text, 'MapLiteral');
    expect(map.entries.map((e) => (e.type === 'MapEntry' ? e.keyName : '*:'))).toEqual(['image', 'app.kubernetes.io/name', '1', null, '*:']);
    expect(only('[:]', 'MapLiteral').entries).toEqual([]);
  });

  it('lists, spread, trailing comma', () => {
    const list = only('[1, *rest, 3,]', 'ListLiteral');
    expect(list.elements.map((e) => e.type)).toEqual(['NumberLiteral', 'Spread', 'NumberLiteral']);
  });

  it('a literal mixing list elements and map entries is an error, as in Groovy', () => {
    expect(errorsOf('x = [1, a: 2]')).toEqual(['Unexpected node type: EXPR found when expecting type: LABELED_ARG']);
  });

  it('string values: known when literal, null with an interpolation', () => {
    const literal = only("'docker:27-dind'", 'StringLiteral');
    expect([literal.quote, literal.value]).toEqual(["'", 'docker:27-dind']);
    const text = 'x = "${env.REGISTRY}/app:$TAG"';
    const g = first(ok(text), 'StringLiteral');
    expect(g.value).toBeNull();
    expect(g.parts.map((p) => [p.type, slice(text, p)])).toEqual([
      ['Interpolation', '${env.REGISTRY}'],
      ['StringSegment', '/app:'],
      ['Interpolation', '$TAG'],
    ]);
    const registry = g.parts[0] as A.Interpolation;
    expect(registry.expression?.type === 'PropertyAccess' && registry.expression.name).toBe('REGISTRY');
    expect(slice(text, { start: registry.innerStart, end: registry.innerEnd })).toBe('env.REGISTRY');
  });

  it('every string kind', () => {
    const text = "a('x', \"y\", '''z''', \"\"\"w\"\"\", /v/, $/u/$)";
    expect(all(ok(text), 'StringLiteral').map((s) => [s.quote, s.value, slice(text, s)])).toEqual([
      ["'", 'x', "'x'"],
      ['"', 'y', '"y"'],
      ["'''", 'z', "'''z'''"],
      ['"""', 'w', '"""w"""'],
      ['/', 'v', '/v/'],
      ['$/', 'u', '$/u/$'],
    ]);
  });

  it('numbers, booleans, null', () => {
    const [n, t, z] = only('[1.5e3, true, null]', 'ListLiteral').elements;
    expect([n!.type, t!.type, z!.type]).toEqual(['NumberLiteral', 'BooleanLiteral', 'NullLiteral']);
  });
});

describe('closures', () => {
  it('with typed parameters and defaults', () => {
    const c = first(ok('def f = { String a, int b = 2 -> a * b }'), 'Closure');
    expect(c.params!.map((p) => [p.name, p.typeRef?.name ?? null, p.defaultValue?.type ?? null])).toEqual([
      ['a', 'String', null],
      ['b', 'int', 'NumberLiteral'],
    ]);
  });

  it('implicit `it`, empty ->, parameters on their own line', () => {
    expect(first(ok('list.each { println it }'), 'Closure').params).toBeNull();
    expect(first(ok('def f = { -> 1 }'), 'Closure').params).toEqual([]);
    expect(first(ok('def f = {\n  a, b ->\n  a\n}'), 'Closure').params!.map((p) => p.name)).toEqual(['a', 'b']);
  });
});

describe('operators', () => {
  const expr = (text: string) => {
    const s = only(`x = ${text}`, 'Assignment');
    return s.value;
  };
  const shape = (e: A.Node): unknown => {
    switch (e.type) {
      case 'Binary':
        return [shape(e.left), e.operator, shape(e.right)];
      case 'Unary':
        return e.prefix ? [e.operator, shape(e.operand)] : [shape(e.operand), e.operator];
      case 'Ternary':
        return e.elvis ? [shape(e.test), '?:', shape(e.alternate)] : [shape(e.test), '?', shape(e.consequent!), ':', shape(e.alternate)];
      case 'Identifier':
        return e.name;
      case 'NumberLiteral':
        return e.raw;
      case 'Parenthesized':
        return shape(e.expression);
      default:
        return e.type;
    }
  };

  it.each([
    ['a + b * c', ['a', '+', ['b', '*', 'c']]],
    ['a - b - c', [['a', '-', 'b'], '-', 'c']],
    ['a || b && !c', ['a', '||', ['b', '&&', ['!', 'c']]]],
    ['a == b ==~ c', [['a', '==', 'b'], '==~', 'c']],
    ['a =~ b && c', [['a', '=~', 'b'], '&&', 'c']],
    ['a ? b : c ?: d', ['a', '?', 'b', ':', ['c', '?:', 'd']]],
    ['a ?: b', ['a', '?:', 'b']],
    ['1..n', ['1', '..', 'n']],
    ['-a ** 2', ['-', ['a', '**', '2']]],
    ['a++ + --b', [['a', '++'], '+', ['--', 'b']]],
    ['a << 1 < b', [['a', '<<', '1'], '<', 'b']],
    ['(a + b) * c', [['a', '+', 'b'], '*', 'c']],
  ])('%s', (text, expected) => {
    expect(shape(expr(text))).toEqual(expected);
  });

  it('a ternary may continue on the next line; && may not', () => {
    expect(shape(expr('a\n  ? b\n  : c'))).toEqual(['a', '?', 'b', ':', 'c']);
    expect(errorsOf('x = a\n  && b')).toEqual(["unexpected token: '&&'"]);
  });

  it('index, casts, as, instanceof, new, method pointers, attributes', () => {
    expect(expr('a[0]').type).toBe('Index');
    const cast = expr('(String) a');
    expect(cast.type === 'Cast' && [cast.form, cast.typeRef.name]).toEqual(['paren', 'String']);
    const as = expr('a as List<String>');
    expect(as.type === 'Cast' && [as.form, as.typeRef.name]).toEqual(['as', 'List']);
    expect(expr('a instanceof Map').type).toBe('InstanceOf');
    const n = expr('new java.net.URL("https://x", port: 1)');
    expect(n.type === 'New' && [n.typeRef.name, n.args.length, n.namedArgs.length]).toEqual(['java.net.URL', 1, 1]);
    const pointer = expr('this.&helper');
    expect(pointer.type === 'PropertyAccess' && [pointer.operator, pointer.name]).toEqual(['.&', 'helper']);
    const field = expr('a.@b');
    expect(field.type === 'PropertyAccess' && field.attribute).toBe(true);
  });

  it('(a) - 1 is a subtraction, (a) b a cast', () => {
    expect(expr('(a) - 1').type).toBe('Binary');
    expect(expr('(a) b').type).toBe('Cast');
  });

  it('relational operators do not chain', () => {
    expect(errorsOf('a < b < c')).toEqual(["unexpected token: '<'"]);
  });
});

describe('declarations and assignments', () => {
  it('def, typed, several names, tuple', () => {
    const d = only("String a, b = 'x'", 'VariableDecl');
    expect([d.typeRef?.name, d.declarators.map((x) => [x.id.name, x.init?.type ?? null])]).toEqual(['String', [['a', null], ['b', 'StringLiteral']]]);
    const t = only('def (a, b) = [1, 2]', 'VariableDecl');
    expect([t.declarators.map((x) => x.id.name), t.tupleInit?.type]).toEqual([['a', 'b'], 'ListLiteral']);
  });

  it('a capitalised name before a name declares; a lower-case one calls', () => {
    expect(only('Map config = [:]', 'VariableDecl').typeRef?.name).toBe('Map');
    expect(only('println config', 'MethodCall').name).toBe('println');
    expect(only('FOO = 1', 'Assignment').operator).toBe('=');
  });

  it('an initializer or assignment may be a command expression', () => {
    const d = only("def out = sh script: 'git rev-parse HEAD', returnStdout: true", 'VariableDecl');
    const init = d.declarators[0]!.init;
    expect(init?.type === 'MethodCall' && [init.name, init.command]).toEqual(['sh', true]);
    expect(only("env.X = sh 'x'", 'Assignment').value.type).toBe('MethodCall');
  });

  it('assignment operators and targets', () => {
    expect(ok('a += 1; a.b = 2; a[0] = 3; (x, y) = [1, 2]').map((s) => s.type === 'Assignment' && s.operator)).toEqual(['+=', '=', '=', '=']);
    expect(errorsOf('1 = 2')).toEqual(['Invalid left-hand side of an assignment']);
  });

  it('@Library(...) _ and other annotations', () => {
    const text = "@Library(['lib@v1', 'other']) _";
    const d = only(text, 'VariableDecl');
    expect([d.annotations.map((a) => a.name), d.declarators.map((x) => x.id.name)]).toEqual([['Library'], ['_']]);
    expect(slice(text, d.annotations[0]!.value!)).toBe("['lib@v1', 'other']");
    const m = only('@SuppressWarnings(value = "x", other = 1)\ndef x = 1', 'VariableDecl').annotations[0]!;
    expect(m.members.map((x) => x.id.name)).toEqual(['value', 'other']);
  });

  it('methods with default parameters and @NonCPS', () => {
    const m = only('@NonCPS\ndef build(String name, Map opts = [:], String... rest) {\n  return name\n}', 'MethodDecl');
    expect([m.name, m.annotations.map((a) => a.name), m.params.map((p) => [p.name, p.typeRef?.name, p.defaultValue?.type ?? null, p.varargs])]).toEqual([
      'build',
      ['NonCPS'],
      [['name', 'String', null, false], ['opts', 'Map', 'MapLiteral', false], ['rest', 'String', null, true]],
    ]);
    expect(first(m.body!, 'Return').argument?.type).toBe('Identifier');
  });

  it('methods are only allowed at script level and in classes, as in Groovy', () => {
    expect(errorsOf('node {\n  def f() { }\n}')[0]).toMatch(/^Method definition not expected here/);
    expect(ok('class A { def f() { 1 } }')[0]!.type).toBe('ClassDecl');
  });

  it('imports, classes, enums', () => {
    const [i1, i2, i3] = ok('import a.b.C\nimport static a.B.c\nimport a.b.* ; import a.B as D').filter((s) => s.type === 'Import') as A.Import[];
    expect([i1!.name, i2!.isStatic, i3!.star]).toEqual(['a.b.C', true, true]);
    const c = only('class Version implements Serializable {\n  int major\n  String toString() { "$major" }\n}', 'ClassDecl');
    expect([c.kind, c.id.name, c.members!.map((m) => m.type)]).toEqual(['class', 'Version', ['VariableDecl', 'MethodDecl']]);
    const e = only('enum Tier { DEV, PROD }', 'ClassDecl');
    expect([e.kind, e.opaqueBody?.reason]).toEqual(['enum', 'enum body']);
  });
});

describe('control flow', () => {
  it('if / else if / else, with else on the next line', () => {
    const s = only("if (a) {\n  x()\n}\nelse if (b) y()\nelse {\n  z()\n}", 'If');
    expect([s.consequent.type, s.alternate?.type]).toEqual(['Block', 'If']);
  });

  it('try / catch (e) / catch (A | B e) / finally', () => {
    const t = only('try { a() } catch (e) { b() } catch (IOException | RuntimeException e) { } finally { c() }', 'Try');
    expect(t.catches.map((c) => [c.param.name, c.types.map((x) => x.name)])).toEqual([['e', []], ['e', ['IOException', 'RuntimeException']]]);
    expect(t.finalizer?.statements).toHaveLength(1);
    expect(errorsOf('try { a() }')).toEqual(['A try statement must have at least one catch or finally block.']);
  });

  it('for-in, classic for, for(;;), while', () => {
    const f = only('for (String s in list) { }', 'ForIn');
    expect([f.variable.name, f.variable.typeRef?.name]).toEqual(['s', 'String']);
    const c = only('for (int i = 0; i < 3; i++) echo i', 'For');
    expect([c.init?.type, c.test?.type, c.update?.type, c.body?.type]).toEqual(['VariableDecl', 'Binary', 'Unary', 'MethodCall']);
    expect(only('for (;;) { break }', 'For').test).toBeNull();
    expect(only('while (x < 3) x++', 'While').body?.type).toBe('Unary');
    expect(errorsOf('for (s : list) { }')).toEqual(['Java-style for-each statement requires a type declaration.']);
  });

  it('switch with grouped cases and default', () => {
    const s = only("switch (b) {\n  case 'main':\n    x(); break\n  case ~/r.*/:\n  case ['a', 'b']:\n    y()\n  default:\n    z()\n}", 'Switch');
    expect(s.cases.map((c) => [c.tests.length, c.isDefault, c.body.length])).toEqual([[1, false, 2], [2, false, 1], [0, true, 1]]);
  });

  it('return, throw, assert, labels', () => {
    expect(ok('return').map((s) => s.type)).toEqual(['Return']);
    expect(only("throw new Exception('x')", 'Throw').argument.type).toBe('New');
    expect(only("assert x : 'msg'", 'Assert').message?.type).toBe('StringLiteral');
    expect(only('outer: for (x in y) { continue outer }', 'Labeled').body.type).toBe('ForIn');
  });

  it('semicolons and newlines both separate statements', () => {
    expect(ok("echo 'a'; echo 'b'\necho 'c';;\n").map((s) => s.type)).toEqual(['MethodCall', 'MethodCall', 'MethodCall']);
  });
});

describe('a Jenkinsfile, end to end', () => {
  const text = [
    "@Library('ci-lib@v2') _",
    'pipeline {',
    "  agent { docker { image 'docker:27-cli'; args '--privileged' } }",
    "  environment { DOCKER_HOST = 'tcp://docker:2376' }",
    '  stages {',
    "    stage('Build') {",
    '      steps {',
    '        sh "docker build -t ${IMAGE} ."',
    "        containerTemplate(name: 'dind', image: 'docker:27-dind', privileged: true, envVars: [envVar(key: 'DOCKER_TLS_CERTDIR', value: '')])",
    '      }',
    '    }',
    '  }',
    '}',
  ].join('\n');

  it('finds every step with the exact span of each argument', () => {
    const calls = all(ok(text), 'MethodCall');
    expect(calls.map((c) => c.name)).toEqual([
      'pipeline', 'agent', 'docker', 'image', 'args', 'environment', 'stages', 'stage', 'steps', 'sh', 'containerTemplate', 'envVar',
    ]);
    const template = calls.find((c) => c.name === 'containerTemplate')!;
    const privileged = template.namedArgs.find((a) => a.keyName === 'privileged')!;
    expect(slice(text, privileged.value)).toBe('true');
    // A fix rewrites one argument in place.
    const fixed = text.slice(0, privileged.start) + text.slice(privileged.end + 2);
    const again = all(ok(fixed), 'MethodCall').find((c) => c.name === 'containerTemplate')!;
    expect(again.namedArgs.map((a) => a.keyName)).toEqual(['name', 'image', 'envVars']);
  });

  it('keeps ${...} in a GString as an unknown part', () => {
    const sh = all(ok(text), 'MethodCall').find((c) => c.name === 'sh')!;
    const arg = sh.args[0] as A.StringLiteral;
    expect(arg.value).toBeNull();
    expect(arg.parts.map((p) => (p.type === 'StringSegment' ? p.value : '<unknown>'))).toEqual(['docker build -t ', '<unknown>', ' .']);
  });
});
