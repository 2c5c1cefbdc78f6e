import { readFileSync } from 'node:fs';
import { packageFile } from './package-root.js';

/** A rule's documentation as `npm run docs` generates it into docs/rules.json from the rule files. */
export interface RuleDoc {
  slug: string;
  severity: string;
  summary: string;
  platforms: string[];
  /** The doc comment as Markdown (## What it does / ## Why is this bad? / ## How to fix ...). */
  doc: string;
  examples: { platform: string; bad?: string; good?: string; files: Record<string, string> }[];
}

let cache: RuleDoc[] | undefined;

export function ruleDocs(): RuleDoc[] {
  cache ??= JSON.parse(readFileSync(packageFile('docs/rules.json'), 'utf8')) as RuleDoc[];
  return cache;
}

/** A `## ` section of a rule's doc, without its heading. */
export function docSection(doc: string, heading: string): string | undefined {
  const parts = doc.split(/^## /m);
  const part = parts.find((p) => p.startsWith(heading));
  return part?.slice(heading.length).trim();
}
