import { join, relative } from 'node:path';
import fc from 'fast-check';
import { repo, run } from '../cli/helpers.js';
import { corpus, mutate, mutation } from './mutations.js';

const files = corpus();

describe('mutated configurations', () => {
  // FUZZ_RUNS and FUZZ_SEED run more or other cases (e.g. FUZZ_RUNS=50000 FUZZ_SEED=7).
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
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1000), seed: Number(process.env.FUZZ_SEED ?? 20261123) },
    );
  });
});
