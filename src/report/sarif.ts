import type { Edit, Finding, Fix, Severity } from '../engine/rule.js';
import { positionAt } from '../model/source.js';
import { docSection, type RuleDoc } from '../engine/rule-docs.js';
import { fingerprints } from './fingerprint.js';
import { displayPath, locate } from './location.js';
import type { ReportInput } from './summary.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifTool {
  version: string;
  /** Where the rule docs live: `<repository>/blob/main/docs/rules/<slug>.md`. */
  repositoryUrl: string;
  rules: readonly RuleDoc[];
}

/** The first paragraph of a Markdown text, as plain one-line text. */
function firstParagraph(md: string | undefined): string | undefined {
  const p = md?.split(/\n\s*\n/)[0]?.replace(/\s*\n\s*/g, ' ').trim();
  return p ? (/[.!?]$/.test(p) ? p : `${p}.`) : undefined;
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * SARIF 2.1.0 (GitHub code scanning, GitLab and IDE viewers): one run with the rules' metadata and one
 * result per finding; suppressed findings are results with an in-source suppression.
 */
export function formatSarif(input: ReportInput, tool: SarifTool): string {
  const all: { f: Finding; suppressed: boolean }[] = [
    ...input.findings.map((f) => ({ f, suppressed: false })),
    ...input.suppressed.map((f) => ({ f, suppressed: true })),
  ];
  const rules = tool.rules;
  const index = new Map(rules.map((r, i) => [r.slug, i]));
  const prints = fingerprints(
    all.map((x) => x.f),
    (f) => displayPath(f.span.file.path, input.cwd),
  );
  const results = all.map(({ f, suppressed }, i) => {
    const loc = locate(f, input.cwd);
    const result: Record<string, unknown> = {
      ruleId: f.rule,
      level: LEVEL[f.severity],
      message: { text: sentence(f.message) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(loc.file), uriBaseId: 'SRCROOT' },
            region: { startLine: loc.line, startColumn: loc.column, endLine: loc.endLine, endColumn: loc.endColumn },
          },
        },
      ],
      partialFingerprints: { 'cilintFingerprint/v1': prints[i] },
    };
    if (index.has(f.rule)) result.ruleIndex = index.get(f.rule);
    if (f.fix && !suppressed) result.fixes = [sarifFix(f.fix, input.cwd)];
    if (suppressed) {
      const reason = (f as Finding & { reason?: string }).reason;
      result.suppressions = [{ kind: 'inSource', ...(reason ? { justification: reason } : {}) }];
    }
    return result;
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cilint',
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: tool.repositoryUrl,
            rules: rules.map((r) => ({
              id: r.slug,
              name: r.slug
                .split('-')
                .map((w) => w[0].toUpperCase() + w.slice(1))
                .join(''),
              shortDescription: { text: sentence(r.summary) },
              fullDescription: { text: firstParagraph(docSection(r.doc, 'What it does')) ?? sentence(r.summary) },
              help: { text: firstParagraph(docSection(r.doc, 'How to fix')) ?? sentence(r.summary), markdown: r.doc },
              helpUri: `${tool.repositoryUrl}/blob/main/docs/rules/${r.slug}.md`,
              defaultConfiguration: { level: LEVEL[r.severity as Severity] ?? 'warning' },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToUri(input.cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

/** A fix as SARIF replacements: each edit's deleted region and inserted text, per file. */
function sarifFix(fix: Fix, cwd: string): Record<string, unknown> {
  const byFile = new Map<string, Edit[]>();
  for (const e of fix.edits) byFile.set(e.file.path, [...(byFile.get(e.file.path) ?? []), e]);
  return {
    description: { text: sentence(fix.title) },
    artifactChanges: [...byFile.values()].map((edits) => ({
      artifactLocation: { uri: encodeURI(displayPath(edits[0].file.path, cwd)), uriBaseId: 'SRCROOT' },
      replacements: edits.map((e) => {
        const start = positionAt(e.file, e.start);
        const end = positionAt(e.file, e.end);
        return {
          deletedRegion: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
          insertedContent: { text: e.text },
        };
      }),
    })),
  };
}

function pathToUri(dir: string): string {
  const withSlash = dir.endsWith('/') ? dir : `${dir}/`;
  return `file://${encodeURI(withSlash.split('\\').join('/'))}`;
}
