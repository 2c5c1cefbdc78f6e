// Random mutations of the fixtures and examples, for the robustness property tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A file's path from the repository root, to name it in examples. */
const source = (abs: string) => relative(repoRoot, abs).split(sep).join('/');

/**
 * Every GitLab, runner and Jenkins file in the fixtures and examples, as [name cilint recognises, text,
 * path from the repository root];
 * with `translations`, the inputs of the translation fixtures too (dind builds in every shape).
 */
export function corpus({ translations = false } = {}): [string, string, string][] {
  const out: [string, string, string][] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (/\.ya?ml$/.test(name)) out.push(['.gitlab-ci.yml', readFileSync(abs, 'latin1'), source(abs)]);
      else if (/\.toml$/.test(name)) out.push(['config.toml', readFileSync(abs, 'latin1'), source(abs)]);
      else if (/^Jenkinsfile|\.groovy$/.test(name)) out.push(['Jenkinsfile', readFileSync(abs, 'latin1'), source(abs)]);
    }
  };
  walk(join(fixtures, 'gitlab'));
  walk(join(fixtures, 'runner'));
  walk(join(fixtures, 'jenkins', 'valid'));
  walk(examples);
  if (translations) {
    const dir = join(fixtures, 'translate');
    for (const name of readdirSync(dir)) walk(join(dir, name, 'input'));
  }
  return out.sort((a, b) => (a[1] < b[1] ? -1 : 1));
}

export type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'bytes'; at: number; bytes: number[] }
  | { kind: 'indent'; at: number; delta: number }
  | { kind: 'tabs'; at: number }
  | { kind: 'crlf' }
  | { kind: 'bom' };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), delta: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('tabs' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('crlf' as const) }),
  fc.record({ kind: fc.constant('bom' as const) }),
);

/** Applies a mutation to a file's bytes (latin1, so random bytes stay bytes). */
export function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const i = lines.length && 'at' in m ? m.at % lines.length : 0;
  switch (m.kind) {
    case 'delete':
      lines.splice(i, 1);
      return lines.join('\n');
    case 'duplicate':
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    case 'truncate':
      return text.slice(0, text.length ? m.at % text.length : 0);
    case 'bytes': {
      const at = text.length ? m.at % text.length : 0;
      return text.slice(0, at) + String.fromCharCode(...m.bytes) + text.slice(at);
    }
    case 'indent':
      lines[i] = m.delta >= 0 ? ' '.repeat(m.delta) + (lines[i] ?? '') : (lines[i] ?? '').replace(new RegExp(`^ {0,${-m.delta}}`), '');
      return lines.join('\n');
    case 'tabs':
      lines[i] = (lines[i] ?? '').replace(/^( +)/, (s) => '\t'.repeat(Math.ceil(s.length / 2)));
      return lines.join('\n');
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'bom':
      // The UTF-8 byte order mark, as latin1 characters (the text stands for bytes).
      return text.startsWith('\xef\xbb\xbf') ? text : `\xef\xbb\xbf${text}`;
  }
}
