/**
 * Generates `docs/rules/<slug>.md` and the rule list in README.md from the rule files, so that the doc
 * comment above each `defineRule(...)` stays the only place a rule is documented.
 *
 * The rule files are read as source text (ts-morph, no type checking), never imported: the docs show
 * exactly what is written, and generating them runs no rule code.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Node, Project, type Expression, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';

export const RULES_DIR = 'rules';
export const RULE_DOCS_DIR = 'docs/rules';
export const README = 'README.md';
export const README_START = '<!-- rules:start -->';
export const README_END = '<!-- rules:end -->';
export const REQUIRED_SECTIONS = ['What it does', 'Why is this bad?', 'How to fix'] as const;

export interface ExampleSource {
  readonly platform: string;
  readonly bad?: string;
  readonly good?: string;
  /** Extra files next to the pipeline, `[path, text]`, in the order the rule lists them. */
  readonly files: readonly (readonly [string, string])[];
}

export interface RuleSource {
  /** Relative to the root, `/`-separated. */
  readonly file: string;
  readonly slug: string;
  readonly severity: string;
  readonly summary: string;
  /** The doc comment as Markdown: comment delimiters and leading ` * ` removed. */
  readonly doc: string;
  /** The doc comment's `## ` sections, heading → body. */
  readonly sections: ReadonlyMap<string, string>;
  readonly examples: readonly ExampleSource[];
}

/** Every rule file's metadata and docs, sorted by slug. */
export function readRuleSources(rootDir: string): RuleSource[] {
  const project = new Project({ useInMemoryFileSystem: true });
  return readdirSync(join(rootDir, RULES_DIR))
    .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
    .map((name) => {
      const file = `${RULES_DIR}/${name}`;
      const text = readFileSync(join(rootDir, file), 'utf8');
      return parseRuleSource(file, project.createSourceFile(file, text, { overwrite: true }));
    })
    .sort((a, b) => compare(a.slug, b.slug));
}

/** Every generated file, relative path → full content: one page per rule, then README.md. */
export function renderRuleDocs(rootDir: string): Map<string, string> {
  const rules = readRuleSources(rootDir);
  const out = new Map<string, string>();
  for (const rule of rules) out.set(docPath(rule.slug), renderRulePage(rule));
  const readme = readFileSync(join(rootDir, README), 'utf8');
  out.set(README, replaceBetweenMarkers(readme, renderReadmeSection(rules)));
  out.set(RULES_JSON, renderRulesJson(rules));
  return out;
}

/** What `cilint rules`, `cilint explain` and the SARIF report read at run time. */
export const RULES_JSON = 'docs/rules.json';

function renderRulesJson(rules: readonly RuleSource[]): string {
  const data = rules.map((r) => ({
    slug: r.slug,
    severity: r.severity,
    summary: r.summary,
    platforms: [...new Set(r.examples.map((e) => e.platform))].sort(),
    doc: r.doc,
    examples: r.examples.map((e) => ({ platform: e.platform, bad: e.bad, good: e.good, files: Object.fromEntries(e.files) })),
  }));
  return JSON.stringify(data, null, 2) + '\n';
}

/** Writes what `renderRuleDocs` returns and deletes files in docs/rules that no rule generates. */
export function writeRuleDocs(rootDir: string): string[] {
  const files = renderRuleDocs(rootDir);
  const changed: string[] = [];
  mkdirSync(join(rootDir, RULE_DOCS_DIR), { recursive: true });
  for (const name of readdirSync(join(rootDir, RULE_DOCS_DIR))) {
    const path = `${RULE_DOCS_DIR}/${name}`;
    if (!files.has(path)) {
      rmSync(join(rootDir, path), { recursive: true });
      changed.push(`deleted ${path}`);
    }
  }
  for (const [path, content] of files) {
    if (readOrUndefined(join(rootDir, path)) === content) continue;
    writeFileSync(join(rootDir, path), content);
    changed.push(`wrote ${path}`);
  }
  return changed;
}

export function docPath(slug: string): string {
  return `${RULE_DOCS_DIR}/${slug}.md`;
}

function parseRuleSource(file: string, source: SourceFile): RuleSource {
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  const statement = source.getExportAssignment((s) => !s.isExportEquals());
  if (!statement) return fail('no `export default defineRule({...})`');
  const call = statement.getExpression();
  const arg = Node.isCallExpression(call) && call.getExpression().getText() === 'defineRule' ? call.getArguments()[0] : undefined;
  if (!arg || !Node.isObjectLiteralExpression(arg)) return fail('the default export is not `defineRule({...})`');

  const comment = statement
    .getLeadingCommentRanges()
    .map((range) => range.getText())
    .filter((text) => text.startsWith('/**'))
    .at(-1);
  if (comment === undefined) return fail('no doc comment above `export default defineRule(...)`');
  const doc = docCommentMarkdown(comment);

  const required = (name: string): string => stringProperty(arg, name, fail) ?? fail(`\`${name}\` is missing`);
  const examplesNode = propertyValue(arg, 'examples');
  if (!examplesNode || !Node.isArrayLiteralExpression(examplesNode)) return fail('`examples` is not an array literal');
  const examples = examplesNode.getElements().map((element, i) => {
    if (!Node.isObjectLiteralExpression(element)) return fail(`examples[${i}] is not an object literal`);
    return parseExample(element, (what) => fail(`examples[${i}]: ${what}`));
  });

  return {
    file,
    slug: required('slug'),
    severity: required('severity'),
    summary: required('summary'),
    doc,
    sections: docSections(doc),
    examples,
  };
}

function parseExample(node: ObjectLiteralExpression, fail: (what: string) => never): ExampleSource {
  const filesNode = propertyValue(node, 'files');
  const files: [string, string][] = [];
  if (filesNode) {
    if (!Node.isObjectLiteralExpression(filesNode)) return fail('`files` is not an object literal');
    for (const prop of filesNode.getProperties()) {
      if (!Node.isPropertyAssignment(prop)) return fail('`files` may only hold `path: text` entries');
      const name = prop.getNameNode();
      const path = Node.isStringLiteral(name) ? name.getLiteralValue() : name.getText();
      files.push([path, literalText(prop.getInitializerOrThrow(), (what) => fail(`files[${path}]: ${what}`))]);
    }
  }
  const platform = stringProperty(node, 'platform', fail) ?? fail('`platform` is missing');
  return { platform, bad: stringProperty(node, 'bad', fail), good: stringProperty(node, 'good', fail), files };
}

function propertyValue(node: ObjectLiteralExpression, name: string): Expression | undefined {
  const prop = node.getProperty(name);
  return prop && Node.isPropertyAssignment(prop) ? prop.getInitializer() : undefined;
}

function stringProperty(node: ObjectLiteralExpression, name: string, fail: (what: string) => never): string | undefined {
  const value = propertyValue(node, name);
  return value && literalText(value, (what) => fail(`\`${name}\` ${what}`));
}

function literalText(node: Expression, fail: (what: string) => never): string {
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  return fail('must be a string literal, so that the docs can show it');
}

/** The Markdown inside a `/** ... *\/` comment; indentation after ` * ` is kept (lists, code). */
function docCommentMarkdown(comment: string): string {
  const lines = comment
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trimEnd());
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines.join('\n');
}

function docSections(doc: string): Map<string, string> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  let inFence = false;
  for (const line of doc.split('\n')) {
    if (line.trimStart().startsWith('```')) inFence = !inFence;
    const heading = inFence ? null : /^## (.+)$/.exec(line);
    if (heading) sections.set(heading[1].trim(), (current = []));
    else current?.push(line);
  }
  return new Map([...sections].map(([heading, body]) => [heading, body.join('\n').trim()]));
}

function renderRulePage(rule: RuleSource): string {
  const out = [
    `# ${rule.slug}`,
    '',
    `<!-- Generated by \`npm run docs\` from ${rule.file}: edit the doc comment there, not this file. -->`,
    '',
    `**${rule.severity}** · ${rule.summary}`,
    '',
    rule.doc,
    '',
    '## Examples',
  ];
  const bad = rule.examples.filter((e) => e.bad !== undefined);
  const good = rule.examples.filter((e) => e.good !== undefined);
  if (bad.length > 0) out.push('', '### Reported', ...bad.flatMap((e) => renderExample(e.platform, e.bad!, e.files)));
  if (good.length > 0) out.push('', '### Not reported', ...good.flatMap((e) => renderExample(e.platform, e.good!, e.files)));
  return `${out.join('\n')}\n`;
}

/** The file an example's text stands for, by platform (as the rule examples test lints it). */
const MAIN_FILE: Readonly<Record<string, string>> = { gitlab: '.gitlab-ci.yml', runner: 'config.toml', jenkins: 'Jenkinsfile' };

/** The example's main file, labelled with its name only when other files come with it. */
function renderExample(platform: string, main: string, files: ExampleSource['files']): string[] {
  const name = MAIN_FILE[platform] ?? '.gitlab-ci.yml';
  if (files.length === 0) return ['', ...codeBlock(name, main)];
  return [[name, main] as const, ...files].flatMap(([path, text]) => ['', `\`${path}\`:`, '', ...codeBlock(path, text)]);
}

function codeBlock(path: string, text: string): string[] {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  const language = path.endsWith('.toml') ? 'toml' : /(^|\/)Jenkinsfile|\.groovy$/.test(path) ? 'groovy' : 'yaml';
  return [`${fence}${language}`, ...text.replace(/\n$/, '').split('\n'), fence];
}

function renderReadmeSection(rules: readonly RuleSource[]): string {
  const link = (rule: RuleSource) => `[\`${rule.slug}\`](${docPath(rule.slug)})`;
  const rows = rules.map((rule) => `| ${link(rule)} | ${rule.severity} | ${rule.summary.replace(/\|/g, '\\|')} |`);
  const paragraphs = rules.map((rule) => {
    const [what, why, fix] = REQUIRED_SECTIONS.map((heading) => firstParagraph(rule.sections.get(heading) ?? ''));
    return `**${link(rule)}** — *What:* ${what} *Why:* ${why} *Fix:* ${fix}`;
  });
  return [
    '<!-- Generated by `npm run docs` from the doc comments in rules/*.ts: edit those, not this list. -->',
    '',
    '| rule | severity | summary |',
    '| --- | --- | --- |',
    ...rows,
    '',
    paragraphs.join('\n\n'),
    '',
  ].join('\n');
}

/**
 * A section's opening paragraph on one line: up to the first blank line, list or code block. A colon
 * that introduced the list or code becomes a full stop; the rule's page has the rest.
 */
function firstParagraph(body: string): string {
  const lines: string[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '' || /^\s*([-*+]|\d+\.)\s/.test(line) || line.trimStart().startsWith('```')) break;
    lines.push(line.trim());
  }
  return lines.join(' ').replace(/:$/, '.');
}

function replaceBetweenMarkers(text: string, section: string): string {
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END, start);
  if (start < 0 || end < 0) throw new Error(`${README}: expected ${README_START} followed by ${README_END}`);
  return `${text.slice(0, start + README_START.length)}\n${section}\n${text.slice(end)}`;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// `npm run docs` runs this from the package root (npm sets the working directory).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const changed = writeRuleDocs(process.cwd());
  console.log(changed.length > 0 ? changed.join('\n') : 'rule docs are up to date');
}
