/**
 * The parser never throws, never loses a block to one bad line, stays within the stack on deeply nested
 * input, and handles a 10,000-line Jenkinsfile.
 */
import type * as A from '../../../src/parsers/jenkins/groovy/ast.js';
import { parseGroovy } from '../../../src/parsers/jenkins/groovy/parser.js';
import { walk } from '../../../src/parsers/jenkins/groovy/visit.js';
import { wholeFileFixtures } from './fixtures.js';
import { checkSpans } from './span-check.js';

function callNames(root: A.Node): string[] {
  const names: string[] = [];
  walk(root, (n) => {
    if (n.type === 'MethodCall' && n.name) names.push(n.name);
  });
  return names;
}

function opaqueReasons(root: A.Node): string[] {
  const reasons: string[] = [];
  walk(root, (n) => {
    if (n.type === 'Opaque') reasons.push(n.reason);
  });
  return reasons;
}

describe('error recovery', () => {
  it('one bad line becomes an Opaque node; the rest of its block still parses', () => {
    const text = [
      'node {',
      "  stage('Build') {",
      "    sh 'docker build -t app .'",
      '    ) not groovy',
      "    sh 'docker push app'",
      '  }',
      "  stage('Test') { sh 'make test' }",
      '}',
    ].join('\n');
    const { ast, errors } = parseGroovy(text);
    expect(errors).toHaveLength(1);
    expect(callNames(ast)).toEqual(['node', 'stage', 'sh', 'sh', 'stage', 'sh']);
    const opaque: A.Opaque[] = [];
    walk(ast, (n) => {
      if (n.type === 'Opaque') opaque.push(n);
    });
    expect(opaque.map((o) => text.slice(o.start, o.end))).toEqual([') not groovy']);
  });

  it('a statement that fails keeps the blocks inside it', () => {
    const text = "stage('x' 'y') {\n  sh 'docker run --privileged dind'\n}\necho 'after'";
    const { ast, errors } = parseGroovy(text);
    expect(errors).toHaveLength(1);
    expect(callNames(ast)).toEqual(['sh', 'echo']);
  });

  it('an unclosed block keeps everything up to the end of the file', () => {
    const text = "node {\n  stage('a') {\n    sh 'one'\n  }\n  stage('b') {\n    sh 'two'\n";
    const { ast, errors } = parseGroovy(text);
    expect(errors).toHaveLength(1);
    expect(callNames(ast)).toEqual(['node', 'stage', 'sh', 'stage', 'sh']);
  });

  it('a stray closing brace does not end the enclosing blocks early', () => {
    const text = "node {\n  sh 'a' }\n  sh 'b'\n}\nsh 'c'";
    const { ast, errors } = parseGroovy(text);
    expect(errors.length).toBeGreaterThan(0);
    expect(callNames(ast)).toEqual(['node', 'sh', 'sh', 'sh']);
  });

  it('an unterminated string reports where it starts and keeps what came before', () => {
    const text = "sh 'one'\nsh '''never closed\nsh 'two'\n";
    const { ast, errors } = parseGroovy(text);
    expect(errors.map((e) => text.slice(0, e.start).split('\n').length)).toEqual([4]);
    expect(callNames(ast)).toEqual(['sh', 'sh']);
  });
});

describe('deep nesting', () => {
  it.each([
    ['parentheses', '('.repeat(20_000) + 'x' + ')'.repeat(20_000)],
    ['closures', 'a {'.repeat(20_000) + '}'.repeat(20_000)],
    ['lists', 'x = ' + '['.repeat(20_000) + ']'.repeat(20_000)],
    ['GStrings', '"${'.repeat(5_000) + 'x' + '}"'.repeat(5_000)],
    ['unary operators', 'x = ' + '!'.repeat(20_000) + 'y'],
    ['ternaries', 'x = ' + 'a ? b : '.repeat(5_000) + 'c'],
    ['assignments', 'a = '.repeat(20_000) + '1'],
  ])('%s: no stack overflow, the deep part kept as Opaque, no error for valid input', (_name, text) => {
    const { ast, errors, tooDeep } = parseGroovy(text);
    expect(errors).toEqual([]);
    expect(opaqueReasons(ast)).toContain('nested too deeply');
    expect(checkSpans(text)).toEqual([]);
    // Not a syntax error, but said: the model reports what it could not read.
    expect(tooDeep).toBeDefined();
    expect(tooDeep!.end).toBeGreaterThan(tooDeep!.start);
    expect(tooDeep!.end).toBeLessThanOrEqual(text.length);
  });

  it('deep and unbalanced: an error, not a crash', () => {
    const { errors } = parseGroovy('x = ' + '['.repeat(20_000));
    expect(errors.length).toBeGreaterThan(0);
  });

  it('long flat chains parse without nesting limits', () => {
    const text = 'x = ' + Array.from({ length: 20_000 }, (_, i) => `a${i}`).join(' + ') + '\ny = b' + '.c()'.repeat(20_000);
    const { ast, errors, tooDeep } = parseGroovy(text);
    expect(errors).toEqual([]);
    expect(opaqueReasons(ast)).toEqual([]);
    expect(tooDeep).toBeUndefined();
  });
});

describe('never throws', () => {
  /** A small deterministic PRNG (mulberry32), so a failure reproduces. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const pieces = ['{', '}', '(', ')', '[', ']', '"', "'", "'''", '"""', '/', '$/', '/$', '${', '$', '\\', '\n', '->', ':', ',', '?.', '//', '/*', '*/', '@', '#'];

  it.each(wholeFileFixtures().filter((f) => f.expect === 'valid').map((f) => [f.name, f.text] as const))('mutations of %s', (_name, text) => {
    const next = random(text.length);
    for (let round = 0; round < 40; round++) {
      let mutated = text;
      for (let k = 0; k < 3; k++) {
        const at = Math.floor(next() * mutated.length);
        const cut = Math.floor(next() * 4);
        const insert = next() < 0.7 ? pieces[Math.floor(next() * pieces.length)]! : '';
        mutated = mutated.slice(0, at) + insert + mutated.slice(at + cut);
      }
      expect(checkSpans(mutated)).toEqual([]);
    }
  });
});

describe('size', () => {
  it('parses a 10,000-line Jenkinsfile', () => {
    const stage = (i: number) => [
      `    stage('Build ${i}') {`,
      '      steps {',
      `        sh "docker build -t \${IMAGE}:${i} ."`,
      "        sh '''\n          docker run --privileged docker:27-dind\n        '''",
      '        script {',
      "          def v = sh(script: 'git rev-parse HEAD', returnStdout: true).trim()",
      "          if (v ==~ /^[0-9a-f]+$/) { echo \"ok ${v}\" } else { error 'bad' }",
      '        }',
      '      }',
      '    }',
    ].join('\n');
    const stages: string[] = [];
    for (let i = 0; stages.length * 12 < 10_000; i++) stages.push(stage(i));
    const text = `pipeline {\n  agent any\n  stages {\n${stages.join('\n')}\n  }\n}\n`;
    expect(text.split('\n').length).toBeGreaterThanOrEqual(10_000);
    const { ast, errors } = parseGroovy(text);
    expect(errors).toEqual([]);
    expect(callNames(ast).filter((n) => n === 'sh')).toHaveLength(stages.length * 3);
  });
});
