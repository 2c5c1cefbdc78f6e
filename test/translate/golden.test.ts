import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../rules/index.js';
import { fixLoop, type FixResult } from '../../src/engine/fix.js';
import { lintFiles } from '../../src/engine/lint.js';
import { MEMORY_ROOT } from '../../src/engine/memory-host.js';
import { STRATEGIES, type Finding, type FixSettings, type Strategy } from '../../src/engine/rule.js';

/**
 * Golden files for the build translations: each `test/fixtures/translate/<case>/input/` repository
 * is fixed with each strategy and must give `expected-<strategy>/` byte for byte.
 * `UPDATE_GOLDEN=1 npm test -- test/translate/golden.test.ts` rewrites the expected trees (review the diff).
 */

const root = fileURLToPath(new URL('../fixtures/translate/', import.meta.url));
const cases = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory()).sort();

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const abs = join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else out[relative(dir, abs).split('\\').join('/')] = readFileSync(abs, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function fix(files: Record<string, string>, strategy: Strategy): { out: Record<string, string>; result: FixResult<{ findings: Finding[] }> } {
  const settings: FixSettings = { strategy, images: {} };
  const result = fixLoop((overrides) => ({ findings: lintFiles(files, RULES, 'docker', overrides, settings) }), { unsafe: false, strategy });
  const out = { ...files };
  for (const c of result.changes) out[c.path.slice(MEMORY_ROOT.length + 1)] = c.after;
  return { out, result };
}

/** The rules a translation fixes: none of their findings may remain for a translated job. */
const FIXED_RULES = ['privileged-dind', 'missing-tls-certdir', 'tls-disabled', 'docker-host-mismatch', 'dind-not-allowed', 'certs-volume-missing'];

describe.each(cases)('translation golden files: %s', (name) => {
  const input = readTree(join(root, name, 'input'));
  it.each(STRATEGIES)('%s', (strategy) => {
    const { out, result } = fix(input, strategy);
    const expectedDir = join(root, name, `expected-${strategy}`);
    if (process.env.UPDATE_GOLDEN) {
      rmSync(expectedDir, { recursive: true, force: true });
      for (const [rel, text] of Object.entries(out)) {
        mkdirSync(dirname(join(expectedDir, rel)), { recursive: true });
        writeFileSync(join(expectedDir, rel), text);
      }
    }
    expect(out).toEqual(readTree(expectedDir));
    expect(result.unconverged).toEqual([]);
    expect(result.skipped.filter((s) => /did not parse/.test(s.reason))).toEqual([]);

    // The output re-parses and validates, every `!reference` still finds its value, and what the
    // translation fixed is gone.
    const after = lintFiles(out, RULES);
    const broken = ['schema', 'parse-error', 'runner-schema', 'bad-reference'];
    expect(after.filter((f) => broken.includes(f.rule)).map((f) => f.message)).toEqual([]);
    const skippedJobs = new Set(result.skipped.flatMap((s) => [...s.reason.matchAll(/job `([^`]+)`/g)].map((m) => m[1])));
    if (skippedJobs.size === 0) expect(after.filter((f) => FIXED_RULES.includes(f.rule)).map((f) => `${f.rule}: ${f.message}`)).toEqual([]);

    // Jenkins is translated to buildah and kaniko only; the other strategies say so in the summary.
    if (name.startsWith('jenkins-') && (strategy === 'buildkit' || strategy === 'socket')) {
      expect(result.skipped.map((s) => s.reason)).toContainEqual(expect.stringMatching(/not supported for Jenkins yet/));
    }

    // fix(fix(x)) == fix(x)
    expect(fix(out, strategy).result.changes).toEqual([]);
  });
});
