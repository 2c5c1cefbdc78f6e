import type { ModelIssue } from '../../model/pipeline.js';
import { asScalar, getEntry, type TEntry, type TMap, type Tree } from '../../model/tree.js';
import {
  CONTAINER_KEYWORDS,
  DEFAULTABLE_KEYWORDS,
  GLOBAL_KEYWORDS,
  JOB_KEYWORDS,
  LEGACY_GLOBAL_DEFAULTS,
  MAX_EXTENDS_DEPTH,
  MAX_REFERENCE_DEPTH,
} from './keywords.js';
import { deepMerge, withoutKeys } from './merge.js';
import { MAX_EXPANDED_NODES } from '../yaml/load.js';

/** A top-level job or hidden job with its effective configuration. */
export interface ResolvedJob {
  entry: TEntry;
  hidden: boolean;
  /** `extends` applied, then `default:` keys the job inherits. */
  config: TMap;
  /**
   * The global variables this job inherits (after `inherit: variables:`). Shared by every job that
   * inherits all of them: not to be changed.
   */
  globalVariables: readonly TEntry[];
}

export interface Resolution {
  /** Includes merged, `extends` applied and `!reference` tags replaced. */
  merged: TMap;
  jobs: ResolvedJob[];
  templates: ResolvedJob[];
  /** Key entries of hidden jobs used through `extends`, `!reference` or a YAML alias. */
  usedHidden: Set<TEntry>;
  issues: ModelIssue[];
}

export function resolvePipeline(config: TMap, aliasTargets: ReadonlySet<Tree>): Resolution {
  const issues: ModelIssue[] = [];
  const usedHidden = new Set<TEntry>();
  for (const e of config.entries) {
    if (isHiddenKey(e.key) && aliasTargets.has(e.value)) usedHidden.add(e);
  }
  // GitLab applies `extends` to every entry first and resolves `!reference` tags afterwards
  // (Gitlab::Ci::Config#build_config), so a reference sees keys a template got through `extends`, and
  // while extending, a reference is an opaque value that replaces a hash rather than merging with it.
  const merged = resolveReferences(applyExtends(config, issues, usedHidden), issues, usedHidden);
  const defaults = collectDefaults(merged);
  const globalVars = asMapEntries(getEntry(merged, 'variables')?.value);
  const jobs: ResolvedJob[] = [];
  const templates: ResolvedJob[] = [];
  for (const entry of merged.entries) {
    if (GLOBAL_KEYWORDS.has(entry.key) || entry.value.kind !== 'map') continue;
    const hidden = isHiddenKey(entry.key);
    if (hidden && !hasJobKeyword(entry.value)) continue;
    const config = applyDefaults(entry.value, defaults);
    const job: ResolvedJob = { entry, hidden, config, globalVariables: inheritedVariables(config, globalVars) };
    (hidden ? templates : jobs).push(job);
  }
  return { merged, jobs, templates, usedHidden, issues };
}

function applyExtends(config: TMap, issues: ModelIssue[], usedHidden: Set<TEntry>): TMap {
  const extender = new Extender(config, issues, usedHidden);
  const entries = config.entries.map((e) => {
    if (GLOBAL_KEYWORDS.has(e.key) || e.value.kind !== 'map') return e;
    const value = extender.resolve(e.key, []);
    return value && value !== e.value ? { ...e, value } : e;
  });
  return { ...config, entries };
}

export function isHiddenKey(key: string): boolean {
  return key.startsWith('.');
}

function hasJobKeyword(map: TMap): boolean {
  // A service or image kept under a hidden key for a YAML alias (`- *dind-service`) is no template,
  // whatever `variables:` it has.
  if (getEntry(map, 'name') && map.entries.every((e) => CONTAINER_KEYWORDS.has(e.key))) return false;
  return map.entries.some((e) => JOB_KEYWORDS.has(e.key));
}

function asMapEntries(t: Tree | undefined): TEntry[] {
  return t?.kind === 'map' ? [...t.entries] : [];
}

/**
 * Replaces every `!reference [...]` by the value it names, as GitLab does right after merging includes.
 *
 * A reference copies its target, references in it included, so ten levels of references, ten to a
 * list, would stand for 10^10 script lines. The copies are counted as they are made (one per value), and
 * past MAX_EXPANDED_NODES, as for YAML aliases, no more references are replaced: the one where the count
 * ran out is reported, and the others stay as written.
 */
function resolveReferences(root: TMap, issues: ModelIssue[], used: Set<TEntry>): TMap {
  let copied = 0;
  let exhausted = false;
  let reported = false;
  const visit = (t: Tree, depth: number, chain: string[]): Tree => {
    if (exhausted) return t;
    if (depth > 0 && t.kind !== 'ref' && ++copied > MAX_EXPANDED_NODES) {
      exhausted = true;
      return t;
    }
    switch (t.kind) {
      case 'scalar':
        return t;
      case 'seq': {
        let changed = false;
        const items = t.items.map((i) => {
          const r = visit(i, depth, chain);
          if (r !== i) changed = true;
          return r;
        });
        return changed ? { ...t, items } : t;
      }
      case 'map': {
        let changed = false;
        const entries = t.entries.map((e) => {
          const v = visit(e.value, depth, chain);
          if (v === e.value) return e;
          changed = true;
          return { ...e, value: v };
        });
        return changed ? { ...t, entries } : t;
      }
      case 'ref': {
        const names = t.path.map((p) => p.text);
        const label = `!reference [${names.join(', ')}]`;
        if (depth >= MAX_REFERENCE_DEPTH || chain.includes(label)) {
          issues.push({
            kind: 'bad-reference',
            span: t.span,
            message: `${label} ${chain.includes(label) ? 'refers to itself' : `nests deeper than ${MAX_REFERENCE_DEPTH} levels`}`,
          });
          return t;
        }
        const target = lookup(root, names, used);
        if (!target) {
          issues.push({ kind: 'bad-reference', span: t.span, message: `${label} names nothing in the configuration` });
          return t;
        }
        const value = visit(target, depth + 1, [...chain, label]);
        if (!exhausted) return value;
        // The innermost reference being replaced when the count ran out says so; it and the ones around
        // it stay as written.
        if (!reported) {
          reported = true;
          issues.push({
            kind: 'bad-reference',
            span: t.span,
            message: `${label}: the references expand the configuration to more than ${MAX_EXPANDED_NODES.toLocaleString('en')} values; cilint replaces no more of them`,
          });
        }
        return t;
      }
    }
  };
  return visit(root, 0, []) as TMap;
}

function lookup(root: TMap, names: string[], used: Set<TEntry>): Tree | undefined {
  if (names.length === 0) return undefined;
  let current: Tree | undefined = root;
  names.forEach((name, i) => {
    if (current?.kind !== 'map') {
      current = undefined;
      return;
    }
    const entry = getEntry(current, name);
    if (i === 0 && entry && isHiddenKey(name)) used.add(entry);
    current = entry?.value;
  });
  return current;
}

class Extender {
  private readonly memo = new Map<string, TMap | undefined>();

  constructor(
    private readonly merged: TMap,
    private readonly issues: ModelIssue[],
    private readonly used: Set<TEntry>,
  ) {}

  resolve(name: string, stack: string[]): TMap | undefined {
    if (this.memo.has(name)) return this.memo.get(name);
    const entry = getEntry(this.merged, name);
    if (!entry || entry.value.kind !== 'map') return undefined;
    const own = entry.value;
    const ext = getEntry(own, 'extends');
    let result: TMap;
    if (!ext) result = own;
    else {
      let base: TMap | undefined;
      for (const parent of extendsNames(ext.value)) {
        const resolved = this.parent(parent.name, parent.span, [...stack, name]);
        if (resolved) base = base ? deepMerge(base, resolved) : resolved;
      }
      const rest = withoutKeys(own, ['extends']);
      result = base ? deepMerge(base, rest) : rest;
    }
    this.memo.set(name, result);
    return result;
  }

  private parent(name: string, span: TEntry['keySpan'], stack: string[]): TMap | undefined {
    if (stack.includes(name)) {
      this.issues.push({ kind: 'bad-reference', span, message: `circular extends: ${[...stack, name].join(' → ')}` });
      return undefined;
    }
    if (stack.length >= MAX_EXTENDS_DEPTH) {
      this.issues.push({
        kind: 'bad-reference',
        span,
        message: `extends nests deeper than ${MAX_EXTENDS_DEPTH} levels: ${[...stack, name].join(' → ')}`,
      });
      return undefined;
    }
    const entry = getEntry(this.merged, name);
    if (!entry || entry.value.kind !== 'map') {
      this.issues.push({
        kind: 'bad-reference',
        span,
        message: `extends \`${name}\`, which is not a job or template in this pipeline (after includes)`,
      });
      return undefined;
    }
    if (isHiddenKey(name)) this.used.add(entry);
    return this.resolve(name, stack);
  }
}

function extendsNames(t: Tree): { name: string; span: TEntry['keySpan'] }[] {
  const items = t.kind === 'seq' ? t.items : [t];
  const out: { name: string; span: TEntry['keySpan'] }[] = [];
  for (const i of items) {
    const s = asScalar(i);
    if (s && s.value !== null) out.push({ name: s.text, span: s.span });
  }
  return out;
}

/** `default:` keys, over the deprecated top-level ones. */
function collectDefaults(merged: TMap): Map<string, TEntry> {
  const out = new Map<string, TEntry>();
  for (const key of LEGACY_GLOBAL_DEFAULTS) {
    const e = getEntry(merged, key);
    if (e) out.set(key, e);
  }
  const def = getEntry(merged, 'default')?.value;
  if (def?.kind === 'map') {
    for (const key of DEFAULTABLE_KEYWORDS) {
      const e = getEntry(def, key);
      if (e) out.set(key, e);
    }
  }
  return out;
}

/** `inherit:` leaves everything to the job (the predicate is this one object, so callers can tell). */
const INHERIT_ALL = (): boolean => true;

/** Reads `inherit: <key>:` — true, false, or a list of names; absent means true. */
function inheritFilter(config: TMap, key: 'default' | 'variables'): (name: string) => boolean {
  const inherit = getEntry(config, 'inherit')?.value;
  if (inherit?.kind !== 'map') return INHERIT_ALL;
  const setting = getEntry(inherit, key)?.value;
  if (!setting) return INHERIT_ALL;
  if (setting.kind === 'scalar') return setting.value !== false ? INHERIT_ALL : () => false;
  if (setting.kind === 'seq') {
    const names = new Set(setting.items.map((i) => asScalar(i)?.text));
    return (name) => names.has(name);
  }
  return INHERIT_ALL;
}

function applyDefaults(job: TMap, defaults: Map<string, TEntry>): TMap {
  const allowed = inheritFilter(job, 'default');
  const added: TEntry[] = [];
  for (const [key, entry] of defaults) {
    if (!getEntry(job, key) && allowed(key)) added.push(entry);
  }
  return added.length ? { ...job, entries: [...job.entries, ...added] } : job;
}

/** The global variables a job inherits: the one array of them all, shared, unless `inherit:` picks. */
function inheritedVariables(job: TMap, globals: TEntry[]): readonly TEntry[] {
  const allowed = inheritFilter(job, 'variables');
  return allowed === INHERIT_ALL ? globals : globals.filter((e) => allowed(e.key));
}
