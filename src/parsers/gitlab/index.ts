import type { Container, Job, Pipeline, ScriptStep, Variable, Variables } from '../../model/pipeline.js';
import { memoForGroup } from '../../model/memo.js';
import { layered } from '../../model/variables.js';
import type { Located } from '../../model/span.js';
import { asScalar, getEntry, type TEntry, type Tree, type TScalar } from '../../model/tree.js';
import type { FileHost } from '../host.js';
import { sourceOffsetOf } from '../../model/scalar-offsets.js';
import { loadWithIncludes } from './include.js';
import { resolvePipeline, type ResolvedJob } from './resolve.js';
import { validateGitlabConfig } from './schema.js';
import { templateId } from '../../model/pipeline.js';

export { isHiddenKey } from './resolve.js';

const SCRIPT_SECTIONS = ['before_script', 'script', 'after_script'] as const;
/** GitLab flattens nested script arrays up to this depth. */
const MAX_SCRIPT_NESTING = 10;

export interface GitlabParseOptions {
  /**
   * Check the configuration against GitLab's schema (`schema` issues); default true. A lint whose
   * `schema` rule is off skips it: nothing else reads those issues.
   */
  schema?: boolean;
}

/** Reads a `.gitlab-ci.yml` and what it includes, and resolves it the way GitLab does. */
export function parseGitlabPipeline(rootRel: string, host: FileHost, options: GitlabParseOptions = {}): Pipeline & { included: ReadonlySet<string> } {
  const loaded = loadWithIncludes(rootRel, host);
  const root = loaded.files[0];
  if (!loaded.config) {
    return {
      platform: 'gitlab',
      root,
      files: loaded.files,
      jobs: [],
      templates: [],
      usedTemplates: new Set(),
      issues: loaded.issues,
      merged: undefined,
      included: loaded.included,
    };
  }
  const res = resolvePipeline(loaded.config, loaded.aliasTargets);
  const schemaIssues = options.schema === false ? [] : validateGitlabConfig(loaded.documents, res).map((f) => ({ kind: 'schema' as const, ...f }));
  // One step object per scalar and section, so a template's script is parsed once for all its jobs.
  const steps = new StepTable();
  const jobs = res.jobs.map((j) => toJob(j, steps));
  const templates = res.templates.map((j) => toJob(j, steps));
  const usedTemplates = new Set([...res.usedHidden].map((e) => templateId({ nameSpan: e.keySpan })));
  return {
    platform: 'gitlab',
    root,
    files: loaded.files,
    jobs,
    templates,
    usedTemplates,
    issues: [...loaded.issues, ...res.issues, ...schemaIssues],
    merged: res.merged,
    included: loaded.included,
  };
}

function toJob(job: ResolvedJob, steps: StepTable): Job {
  const { config } = job;
  const own = new Map<string, Variable>();
  for (const e of mapEntries(getEntry(config, 'variables')?.value)) addVariable(own, e);
  const variables = layered(globalVariables(job.globalVariables), own);
  const imageEntry = getEntry(config, 'image');
  return {
    platform: 'gitlab',
    name: job.entry.key,
    nameSpan: job.entry.keySpan,
    hidden: job.hidden,
    image: imageEntry ? toContainer(imageEntry.value, 'image') : undefined,
    services: seqItems(getEntry(config, 'services')?.value)
      .map((s) => toContainer(s, 'service'))
      .filter((c): c is Container => c !== undefined),
    variables,
    scripts: SCRIPT_SECTIONS.flatMap((section) => steps.of(section, getEntry(config, section)?.value)),
    config,
  };
}

function mapEntries(t: Tree | undefined): readonly TEntry[] {
  return t?.kind === 'map' ? t.entries : [];
}

function seqItems(t: Tree | undefined): readonly Tree[] {
  if (!t) return [];
  return t.kind === 'seq' ? t.items : [t];
}

/**
 * The global variables of a job as a table, one for all the jobs of a pipeline that inherit them all
 * (they share the array: see `inheritedVariables`), so that they are not copied into every job.
 */
const globalVariables = memoForGroup((entries: readonly TEntry[]): Variables => {
  const table = new Map<string, Variable>();
  for (const e of entries) addVariable(table, e);
  return table;
});

/** A variable is `NAME: value` or `NAME: {value: ..., description: ..., expand: ...}`. */
function addVariable(into: Map<string, Variable>, e: TEntry): void {
  const valueTree = e.value.kind === 'map' ? getEntry(e.value, 'value')?.value : e.value;
  const scalar = asScalar(valueTree);
  into.set(e.key, {
    name: e.key,
    value: scalar ? scalar.text : undefined,
    nameSpan: e.keySpan,
    span: scalar && scalar.span.end > scalar.span.start ? scalar.span : e.keySpan,
  });
}

function located(s: TScalar): Located<string> {
  return { value: s.text, span: s.span };
}

function scalarList(t: Tree | undefined): Located<string>[] {
  return seqItems(t)
    .map(asScalar)
    .filter((s): s is TScalar => s !== undefined && s.value !== null)
    .map(located);
}

function toContainer(t: Tree, role: Container['role']): Container | undefined {
  const scalar = asScalar(t);
  if (scalar) {
    if (scalar.value === null) return undefined;
    return { role, image: located(scalar), span: scalar.span, aliases: [], variables: new Map(), command: [], entrypoint: [], mounts: [], node: t };
  }
  if (t.kind !== 'map') return undefined;
  const name = asScalar(getEntry(t, 'name')?.value);
  if (!name || name.value === null) return undefined;
  const variables = new Map<string, Variable>();
  for (const e of mapEntries(getEntry(t, 'variables')?.value)) addVariable(variables, e);
  return {
    role,
    image: located(name),
    span: t.span,
    aliases: aliasList(getEntry(t, 'alias')?.value),
    variables,
    command: scalarList(getEntry(t, 'command')?.value),
    entrypoint: scalarList(getEntry(t, 'entrypoint')?.value),
    mounts: [],
    node: t,
  };
}

/** `alias: a,b` names two hostnames (GitLab splits on commas). */
function aliasList(t: Tree | undefined): Located<string>[] {
  const s = asScalar(t);
  if (!s || s.value === null) return [];
  return s.text
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '')
    .map((value) => ({ value, span: s.span }));
}

/**
 * The script steps of one pipeline's jobs, one object per scalar and section. Kept for one parse only:
 * another pipeline reads its files afresh, so it never meets these scalars, and a table that outlived
 * the parse would keep every step alive long enough to be promoted (see `memoForGroup`).
 */
class StepTable {
  private readonly steps = new Map<TScalar, Map<string, ScriptStep>>();

  /** The steps of a script section's value: scalars, or sequences of them nested up to GitLab's depth. */
  of(section: string, t: Tree | undefined): ScriptStep[] {
    const out: ScriptStep[] = [];
    const walk = (node: Tree | undefined, depth: number): void => {
      if (!node || depth > MAX_SCRIPT_NESTING) return;
      if (node.kind === 'seq') node.items.forEach((i) => walk(i, depth + 1));
      else if (node.kind === 'scalar' && node.value !== null) out.push(this.step(section, node));
    };
    walk(t, 0);
    return out;
  }

  private step(section: string, scalar: TScalar): ScriptStep {
    let bySection = this.steps.get(scalar);
    if (!bySection) this.steps.set(scalar, (bySection = new Map()));
    let step = bySection.get(section);
    if (!step) {
      step = {
        section,
        text: scalar.text,
        span: scalar.span,
        sourceOffset: (offset) => sourceOffsetOf(scalar, offset),
        editable: scalar.style === 'plain' || scalar.style === 'literal',
      };
      bySection.set(section, step);
    }
    return step;
  }
}
