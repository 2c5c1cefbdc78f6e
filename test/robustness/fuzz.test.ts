import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { repo, run } from '../cli/helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

/** Every GitLab, runner and Jenkins file in the fixtures and examples, as [name cilint recognises, text]. */
function corpus(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (/\.ya?ml$/.test(name)) out.push(['.gitlab-ci.yml', readFileSync(abs, 'latin1')]);
      else if (/\.toml$/.test(name)) out.push(['config.toml', readFileSync(abs, 'latin1')]);
      else if (/^Jenkinsfile|\.groovy$/.test(name)) out.push(['Jenkinsfile', readFileSync(abs, 'latin1')]);
    }
  };
  walk(join(fixtures, 'gitlab'));
  walk(join(fixtures, 'runner'));
  walk(join(fixtures, 'jenkins', 'valid'));
  walk(examples);
  return out.sort((a, b) => (a[1] < b[1] ? -1 : 1));
}

const files = corpus();

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'bytes'; at: number; bytes: number[] }
  | { kind: 'indent'; at: number; delta: number }
  | { kind: 'tabs'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), delta: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('tabs' as const), at: fc.nat() }),
);

/** Applies a mutation to a file's bytes (latin1, so random bytes stay bytes). */
function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const i = lines.length ? m.at % lines.length : 0;
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
  }
}

describe('mutated configurations', () => {
  it('never crash: exit 0/1 with findings at valid positions, or exit 2 with one clear line', () => {
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, ms) => {
        const [name, text] = files[which];
        const mutated = ms.reduce(mutate, text);
        const dir = repo({ [name]: Buffer.from(mutated, 'latin1') });
        const r = run(['--format', 'json', '--no-config'], dir);
        if (r.code === 2) {
          expect(r.stderr).toMatch(/^cilint: [^\n]+\n$/);
          return;
        }
        expect([0, 1]).toContain(r.code);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
        if (r.stdout === '') {
          // A runner config mutated out of its [[runners]] table is no longer one of ours.
          expect(r.stderr).toMatch(/no CI configuration found/);
          return;
        }
        const report = JSON.parse(r.stdout) as { findings: { file: string; line: number; column: number; endLine: number; endColumn: number }[] };
        const lineCount = mutated.split(/\r\n|\r|\n/).length;
        for (const f of report.findings) {
          expect(relative(dir, join(dir, f.file)).startsWith('..')).toBe(false);
          expect(f.line).toBeGreaterThanOrEqual(1);
          expect(f.column).toBeGreaterThanOrEqual(1);
          expect(f.endLine).toBeGreaterThanOrEqual(f.line);
          if (f.file === name) expect(f.endLine).toBeLessThanOrEqual(lineCount);
        }
      }),
      { numRuns: 1000, seed: 20261123 },
    );
  });
});
