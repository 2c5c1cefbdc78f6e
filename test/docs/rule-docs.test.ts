import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  README,
  REQUIRED_SECTIONS,
  RULE_DOCS_DIR,
  readRuleSources,
  renderRuleDocs,
} from '../../scripts/gen-rule-docs.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const STALE = 'is out of date: run `npm run docs` (docs are generated from the doc comments in rules/*.ts)';

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A short description of the first difference, so the failure says where without a full dump. */
function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  const i = a.findIndex((line, n) => line !== e[n]);
  const at = i < 0 ? a.length : i;
  return `line ${at + 1}: expected ${JSON.stringify(e[at])}, found ${JSON.stringify(a[at])}`;
}

describe('committed rule docs', () => {
  const rendered = renderRuleDocs(root);

  it.each([...rendered.keys()])('%s matches the rule files', (path) => {
    const actual = readOrUndefined(join(root, path));
    const expected = rendered.get(path)!;
    if (actual === undefined) throw new Error(`${path} is missing: run \`npm run docs\``);
    if (actual !== expected) throw new Error(`${path} ${STALE}\n${firstDifference(actual, expected)}`);
  });

  it(`has no file in ${RULE_DOCS_DIR}/ that no rule generates`, () => {
    const stray = readdirSync(join(root, RULE_DOCS_DIR)).filter((name) => !rendered.has(`${RULE_DOCS_DIR}/${name}`));
    if (stray.length > 0) throw new Error(`stray files in ${RULE_DOCS_DIR}/: ${stray.join(', ')}; run \`npm run docs\``);
  });

  it('documents every rule with what it does, why it is bad and how to fix it', () => {
    for (const rule of readRuleSources(root)) {
      const missing = REQUIRED_SECTIONS.filter((heading) => !rule.sections.get(heading));
      expect([rule.file, missing]).toEqual([rule.file, []]);
    }
  });
});

describe('renderRuleDocs', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cilint-docs-'));
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'index.ts'), 'export const RULES = [];\n');
    writeFileSync(
      join(dir, 'rules', 'sample-rule.ts'),
      [
        "import { defineRule } from '../src/engine/rule.js';",
        '',
        '/**',
        ' * ## What it does',
        ' * Flags things:',
        ' * - one',
        ' *   continued',
        ' *',
        ' * ## Why is this bad?',
        " * It's bad.",
        ' *',
        ' * ## How to fix',
        ' * Do this:',
        ' * ```yaml',
        ' * ## not a heading',
        ' * ```',
        ' */',
        'export default defineRule({',
        "  slug: 'sample-rule',",
        "  severity: 'info',",
        "  summary: 'A | in the summary.',",
        '  examples: [',
        "    { platform: 'gitlab', bad: 'a: \"x\"\\nb: \\'y\\'\\n', files: { 'ci/x.yml': `x: 1\\n` } },",
        "    { platform: 'gitlab', good: 'c: 1\\n' },",
        "    { platform: 'jenkins', good: 'node { }\\n' },",
        "    { platform: 'runner', good: '[[runners]]\\n', files: { 'ci/pod.yaml': 'spec: {}\\n' } },",
        '  ],',
        '  check() {},',
        '});',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, README), '# t\n\n<!-- rules:start -->\nold\n<!-- rules:end -->\n\nafter\n');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('renders a page per rule with the doc comment and evaluated examples', () => {
    const page = renderRuleDocs(dir).get(`${RULE_DOCS_DIR}/sample-rule.md`)!;
    expect(page).toContain('# sample-rule\n');
    expect(page).toContain('**info** · A | in the summary.');
    expect(page).toContain('## What it does\nFlags things:\n- one\n  continued\n\n## Why is this bad?\nIt\'s bad.');
    expect(page).toContain('### Reported\n\n`.gitlab-ci.yml`:\n\n```yaml\na: "x"\nb: \'y\'\n```\n\n`ci/x.yml`:\n\n```yaml\nx: 1\n```');
    expect(page).toContain('### Not reported\n\n```yaml\nc: 1\n```\n\n```groovy\nnode { }\n```\n');
    expect(page).toContain('`config.toml`:\n\n```toml\n[[runners]]\n```\n\n`ci/pod.yaml`:\n\n```yaml\nspec: {}\n```\n');
  });

  it('rewrites only the README section between the markers', () => {
    const readme = renderRuleDocs(dir).get(README)!;
    expect(readme.startsWith('# t\n\n<!-- rules:start -->\n')).toBe(true);
    expect(readme.endsWith('\n<!-- rules:end -->\n\nafter\n')).toBe(true);
    expect(readme).not.toContain('old');
    expect(readme).toContain('| [`sample-rule`](docs/rules/sample-rule.md) | info | A \\| in the summary. |');
    expect(readme).toContain('*What:* Flags things. *Why:* It\'s bad. *Fix:* Do this.');
  });

  it('keeps headings inside code blocks in their section', () => {
    const [rule] = readRuleSources(dir);
    expect([...rule.sections.keys()]).toEqual([...REQUIRED_SECTIONS]);
    expect(rule.sections.get('How to fix')).toBe('Do this:\n```yaml\n## not a heading\n```');
  });

  it('names the file when an example is not a string literal', () => {
    writeFileSync(
      join(dir, 'rules', 'sample-rule.ts'),
      "/** x */\nexport default defineRule({ slug: 's', severity: 'info', summary: 's', examples: [{ platform: 'gitlab', bad: 'a' + 'b' }] });\n",
    );
    expect(() => renderRuleDocs(dir)).toThrow('rules/sample-rule.ts: examples[0]: `bad` must be a string literal');
  });
});
