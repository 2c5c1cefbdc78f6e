import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../rules/index.js';
import { lintFiles } from '../../src/engine/lint.js';
import type { RuleExample } from '../../src/engine/rule.js';
import { fixLoop } from '../../src/engine/fix.js';
import { MEMORY_ROOT } from '../../src/engine/memory-host.js';

const rulesDir = fileURLToPath(new URL('../../rules/', import.meta.url));

const MAIN_FILE: Record<RuleExample['platform'], string> = { gitlab: '.gitlab-ci.yml', runner: 'config.toml', jenkins: 'Jenkinsfile' };

function lintExample(example: RuleExample, text: string) {
  return lintFiles({ ...example.files, [MAIN_FILE[example.platform]]: text }, RULES);
}

describe('rule registry', () => {
  it('lists every rule file exactly once, under its own slug', () => {
    const files = readdirSync(rulesDir)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(RULES.map((r) => r.slug)).toEqual(files);
  });

  it('gives every rule at least one bad and one good example', () => {
    for (const rule of RULES) {
      expect([rule.slug, rule.examples.some((e) => e.bad !== undefined)]).toEqual([rule.slug, true]);
      expect([rule.slug, rule.examples.some((e) => e.good !== undefined)]).toEqual([rule.slug, true]);
    }
  });
});

const cases = RULES.flatMap((rule) =>
  rule.examples.map((example, i) => ({ slug: rule.slug, i, example })),
);

describe.each(cases)('$slug example $i', ({ slug, example }) => {
  if (example.bad !== undefined) {
    it('fires on the bad example', () => {
      const hits = lintExample(example, example.bad!).filter((f) => f.rule === slug);
      expect(hits.length).toBeGreaterThan(0);
      for (const f of hits) expect(f.span.end).toBeGreaterThanOrEqual(f.span.start);
    });
  }
  if (example.fixed !== undefined) {
    it('is fixed to exactly the expected text, which then lints clean for this rule', () => {
      const main = MAIN_FILE[example.platform];
      const files = { ...example.files, [main]: example.bad! };
      // Like ESLint's RuleTester: only this rule's fixes, unsafe ones included.
      const only = RULES.filter((r) => r.slug === slug);
      const result = fixLoop((overrides) => ({ findings: lintFiles(files, only, 'docker', overrides) }), { unsafe: true });
      const fixedMain = result.changes.find((c) => c.path === `${MEMORY_ROOT}/${main}`)?.after;
      expect(fixedMain).toBe(example.fixed);
      expect(result.unconverged).toEqual([]);
      expect(result.remaining.findings.filter((f) => f.rule === slug).map((f) => f.message)).toEqual([]);
      // Fixing the fixed text changes nothing: fix(fix(x)) == fix(x).
      const again = fixLoop((o) => ({ findings: lintFiles({ ...example.files, [main]: example.fixed! }, only, 'docker', o) }), { unsafe: true });
      expect(again.changes.filter((c) => c.path === `${MEMORY_ROOT}/${main}`)).toEqual([]);
    });
  }
  if (example.good !== undefined) {
    it('stays silent on the good example', () => {
      const hits = lintExample(example, example.good!).filter((f) => f.rule === slug);
      expect(hits.map((f) => f.message)).toEqual([]);
    });
  }
});
