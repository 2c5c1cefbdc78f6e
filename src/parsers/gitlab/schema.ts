import type { ErrorObject, ValidateFunction } from 'ajv';
import {
  schema as gitlabSchema,
  validateHeader,
  validateInclude,
  validatePartialJob,
  validatePipeline,
} from '../../generated/gitlab-ci.js';
import type { Span } from '../../model/span.js';
import { sameSpan, spanKey } from '../../model/span.js';
import { getEntry, toPlain, type PlainMemo, type TEntry, type TMap, type Tree } from '../../model/tree.js';
import { closest } from '../runner/suggest.js';
import type { FileDocuments } from './include.js';
import { GLOBAL_KEYWORDS } from './keywords.js';
import { isHiddenKey, type Resolution } from './resolve.js';
import { walkPointer, type PointerStep } from '../../model/pointer.js';

export interface SchemaFinding {
  readonly span: Span;
  readonly message: string;
}

/**
 * Checks a pipeline against `schemas/gitlab-ci.schema.json` (compiled at build time) and reports each
 * mistake once, in plain words, where it is written.
 *
 * What is checked: each file's header (`spec:`) and `include:` entries as written; the top level of the
 * merged configuration; every job as resolved (includes, `extends`, `default:` and `!reference`
 * applied, so a `script` a job inherits counts); and hidden jobs with job keywords, as templates that may
 * lack `script`. Other hidden keys may hold any YAML and are not checked.
 *
 * Where: a value keeps the span where it is written, so a mistake in a template, an anchor, `default:`
 * or an included file is reported there, and named after the job, template or keyword whose text holds
 * it, with a route such as "`pull_policy` of item 2 of `services` of job `build`".
 */
export function validateGitlabConfig(documents: readonly FileDocuments[], resolution: Resolution): SchemaFinding[] {
  const locator = new Locator(documents);
  const runs: Run[] = [];
  for (const d of documents) {
    if (d.header) runs.push({ validate: validateHeader, root: d.header, fallback: (route) => ({ owner: { kind: 'header' }, route }) });
    const include = d.config?.kind === 'map' ? getEntry(d.config, 'include') : undefined;
    if (include) {
      runs.push({ validate: validateInclude, root: include.value, fallback: (route) => ({ owner: { kind: 'keyword' }, route: ['include', ...route] }) });
    }
  }
  runs.push({ validate: validatePipeline, root: resolvedRoot(resolution), fallback: topLevelPlace });
  for (const t of resolution.templates) {
    runs.push({ validate: validatePartialJob, root: t.config, fallback: (route) => ({ owner: ownerOf(t.entry.key), route }) });
  }
  const findings: SchemaFinding[] = [];
  const seen = new Set<string>();
  // Jobs share what they inherit (templates, `default:`, anchors) with each other and the templates.
  const memo: PlainMemo = new Map();
  for (const run of runs) {
    for (const f of check(run, locator, memo)) {
      // One finding per place: a value in a template or `default:` is checked with every job using it.
      const key = spanKey(f.span);
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(f);
    }
  }
  return findings.sort(bySpan);
}

function bySpan(a: SchemaFinding, b: SchemaFinding): number {
  const [fa, fb] = [a.span.file.path, b.span.file.path];
  return fa !== fb ? (fa < fb ? -1 : 1) : a.span.start - b.span.start;
}

/**
 * Far more values than any real pipeline holds (a 10,000-line file has some tens of thousands); a
 * document that expands beyond it through aliases is not worth validating value by value.
 */
const MAX_VALIDATED_NODES = 250_000;

/** One validation: a tree, the validator for it, and how to name a place when its text cannot be found. */
interface Run {
  readonly validate: ValidateFunction;
  readonly root: Tree;
  readonly fallback: (route: Route) => Place;
}

/**
 * The merged configuration with each job replaced by its effective configuration; hidden keys and the
 * top-level keywords stay as merged.
 */
function resolvedRoot(resolution: Resolution): TMap {
  const effective = new Map<TEntry, TMap>(resolution.jobs.map((j) => [j.entry, j.config]));
  const entries = resolution.merged.entries.map((e) => {
    const config = effective.get(e);
    return config ? { ...e, value: config } : e;
  });
  return { ...resolution.merged, entries };
}

function check(run: Run, locator: Locator, memo: PlainMemo): SchemaFinding[] {
  let data: unknown;
  try {
    data = toPlain(run.root, { nodes: MAX_VALIDATED_NODES }, memo);
  } catch {
    return []; // A document that expands to more values than that through aliases.
  }
  if (run.validate(data)) return [];
  const findings: SchemaFinding[] = [];
  for (const error of mistakes(run.validate.errors ?? [])) {
    const finding = describe(error, run, locator);
    if (finding) findings.push(finding);
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------
// From ajv's errors to one error per mistake

type Schema = Record<string, unknown>;

interface Nested {
  readonly error: ErrorObject;
  readonly children: readonly Nested[];
}

/**
 * Turns ajv's errors (every branch of every failed `anyOf`, every `if`) into the mistakes a person made:
 * the branch of an `anyOf` that fits the value's type speaks for it, one error per value or key.
 */
function mistakes(errors: readonly ErrorObject[]): ErrorObject[] {
  const resolved = nest(errors).flatMap(resolveAlternatives).filter(isRelevant);
  return onePerMistake(resolved);
}

/**
 * Groups each failed `anyOf` with the errors of its branches. ajv reports a branch's errors just before
 * the `anyOf` error, at or below its value; the first error of the group is the earliest one raised by a
 * branch itself (its `parentSchema` is one of the `anyOf`'s subschemas). Errors before that come from the
 * branch that fits the value's type and are kept as they are.
 */
function nest(errors: readonly ErrorObject[]): Nested[] {
  const out: Nested[] = [];
  for (const error of errors) {
    if (error.keyword !== 'anyOf' || !Array.isArray(error.schema)) {
      out.push({ error, children: [] });
      continue;
    }
    const branches: unknown[] = error.schema;
    let start = out.length;
    for (let i = out.length - 1; i >= 0 && isAtOrBelow(out[i].error.instancePath, error.instancePath); i--) {
      if (branches.includes(out[i].error.parentSchema)) start = i;
    }
    out.push({ error, children: out.splice(start) });
  }
  return out;
}

function isAtOrBelow(path: string, base: string): boolean {
  return path === base || path.startsWith(base + '/');
}

function resolveAlternatives(node: Nested): ErrorObject[] {
  const { error, children } = node;
  if (error.keyword !== 'anyOf' || !Array.isArray(error.schema)) return [error];
  const branches = error.schema as Schema[];
  const branchOf = (c: Nested): number => branches.indexOf(c.error.parentSchema as Schema);
  const fitting = branches.map((b, i) => (acceptsType(b, error.data) ? i : -1)).filter((i) => i >= 0);
  if (fitting.length === 0) {
    const types = [...new Set(branches.flatMap(branchTypes))];
    return [{ ...error, keyword: 'type', params: { type: types } }];
  }
  if (fitting.length === 1) {
    return children.filter((c) => branchOf(c) === -1 || branchOf(c) === fitting[0]).flatMap(resolveAlternatives);
  }
  // Alternatives of the same type (a mapping needs `local` or `remote` or ...).
  if (children.length > 0 && children.every((c) => c.error.keyword === 'required' && c.error.instancePath === error.instancePath)) {
    const missing = [...new Set(children.map((c) => String(c.error.params.missingProperty)))];
    return [{ ...error, keyword: 'required', params: { missingProperty: missing } }];
  }
  const byBranch = new Map<number, Nested[]>();
  let current = fitting[0];
  for (const c of children) {
    const b = branchOf(c);
    if (b >= 0) current = b;
    if (!fitting.includes(current)) continue;
    byBranch.set(current, [...(byBranch.get(current) ?? []), c]);
  }
  const best = [...byBranch.values()].sort((a, b) => a.length - b.length)[0] ?? [];
  return best.flatMap(resolveAlternatives);
}

function branchTypes(branch: Schema): string[] {
  const type = resolveRef(branch).type ?? branch.type;
  if (Array.isArray(type)) return type.map(String);
  return typeof type === 'string' ? [type] : [];
}

function acceptsType(branch: Schema, data: unknown): boolean {
  const types = branchTypes(branch);
  if (types.length === 0) return true;
  const actual = jsonType(data);
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

function jsonType(data: unknown): string {
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'array';
  if (typeof data === 'number') return Number.isInteger(data) ? 'integer' : 'number';
  return typeof data;
}

/** A `$ref` within gitlab-ci.schema.json, followed. */
function resolveRef(s: Schema): Schema {
  const ref = s.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return s;
  const defs = gitlabSchema.$defs as Record<string, Schema>;
  return defs[ref.slice('#/$defs/'.length)] ?? s;
}

/** `if` errors only say that a `then` failed; a null value is a keyword left unset, as in GitLab. */
function isRelevant(e: ErrorObject): boolean {
  if (e.keyword === 'if') return false;
  const nullable = !(e.parentSchema as Schema | undefined)?.['x-not-null'];
  return !(e.data === null && nullable && ['type', 'enum', 'const', 'pattern'].includes(e.keyword));
}

/**
 * One error per value or key: a wrong type hides the enum error for the same value, and a key missing
 * next to a misspelt one (`scirpt` for `script`) is the misspelling's consequence, not a mistake of its own.
 */
function onePerMistake(errors: readonly ErrorObject[]): ErrorObject[] {
  const rank = (e: ErrorObject): number => (e.keyword === 'type' ? 0 : e.keyword === 'enum' ? 1 : 2);
  const slot = (e: ErrorObject): string => {
    if (e.keyword === 'additionalProperties') return `${e.instancePath}\0key\0${String(e.params.additionalProperty)}`;
    if (e.keyword === 'required' || e.keyword === 'dependentRequired') return `${e.instancePath}\0required`;
    return e.instancePath;
  };
  const chosen = new Map<string, ErrorObject>();
  for (const e of errors) {
    const current = chosen.get(slot(e));
    if (!current || rank(e) < rank(current)) chosen.set(slot(e), e);
  }
  const unknownKeys = new Map<string, string[]>();
  for (const e of chosen.values()) {
    if (e.keyword === 'additionalProperties') {
      unknownKeys.set(e.instancePath, [...(unknownKeys.get(e.instancePath) ?? []), String(e.params.additionalProperty)]);
    }
  }
  return [...chosen.values()].filter((e) => {
    if (e.keyword !== 'required') return true;
    const missing = missingList(e);
    return !(unknownKeys.get(e.instancePath) ?? []).some((key) => meant(key, missing) !== undefined);
  });
}

/**
 * The allowed key an unknown one most likely stands for: a near miss (`servics`), or a longer or shorter
 * spelling of it (`audience` for `aud`).
 */
function meant(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  return (
    closest(key, allowed) ??
    allowed.find((a) => {
      const other = a.toLowerCase();
      return Math.min(lower.length, other.length) >= 3 && (lower.startsWith(other) || other.startsWith(lower));
    })
  );
}

function missingList(e: ErrorObject): string[] {
  const m = e.params.missingProperty;
  return Array.isArray(m) ? m.map(String) : [String(m)];
}

// ---------------------------------------------------------------------------------------------------
// Where a mistake is, and how to name it

type Step = PointerStep;

type Route = (string | number)[];

/**
 * Whose text holds a value: a job, a hidden job, a top-level keyword (the route then starts with it) or
 * the header document.
 */
type Owner = { kind: 'job' | 'hidden'; name: string } | { kind: 'keyword' } | { kind: 'header' };

interface Place {
  readonly owner: Owner;
  readonly route: Route;
}

function ownerOf(key: string): Owner {
  if (isHiddenKey(key)) return { kind: 'hidden', name: key };
  if (GLOBAL_KEYWORDS.has(key)) return { kind: 'keyword' };
  return { kind: 'job', name: key };
}

/** A place named by its route from the top of the configuration. */
function topLevelPlace(route: Route): Place {
  const [first, ...rest] = route;
  if (typeof first !== 'string') return { owner: { kind: 'keyword' }, route };
  const owner = ownerOf(first);
  return owner.kind === 'keyword' ? { owner, route } : { owner, route: rest };
}

/** "`pull_policy` of item 2 of `services` of job `build`", "`default:image`", "item 1 of `include`". */
function phrase(place: Place): string {
  const { owner, route } = place;
  const path = routePhrase(route);
  switch (owner.kind) {
    case 'job':
    case 'hidden': {
      const who = `${owner.kind === 'job' ? 'job' : 'hidden job'} \`${owner.name}\``;
      return path ? `${path} of ${who}` : who;
    }
    case 'header':
      return path || 'the header';
    case 'keyword':
      return path || 'the configuration';
  }
}

/** Keys joined GitLab's way (`artifacts:reports:junit`), list positions as "item N of". */
function routePhrase(route: Route): string {
  const parts: string[] = [];
  let keys: string[] = [];
  const flush = (): void => {
    if (keys.length > 0) parts.push(`\`${keys.join(':')}\``);
    keys = [];
  };
  for (const segment of [...route].reverse()) {
    if (typeof segment === 'number') {
      flush();
      parts.push(`item ${segment + 1}`);
    } else {
      keys.unshift(segment);
    }
  }
  flush();
  return parts.join(' of ');
}

/**
 * Finds where a node or key is written: the top-level entry (or header) of its file whose text holds it,
 * and the route to it from there, through the trees as each file was read.
 */
class Locator {
  private readonly byFile = new Map<string, FileDocuments>();

  constructor(documents: readonly FileDocuments[]) {
    for (const d of documents) this.byFile.set(d.file.path, d);
  }

  /** Whether the file a span is in has a header (`spec:`): its `$[[ inputs ]]` are interpolated. */
  hasHeader(span: Span): boolean {
    return this.byFile.get(span.file.path)?.header !== undefined;
  }

  /** The place of a key (an entry) or of a value (a node). */
  locate(target: { entry: TEntry } | { node: Tree }): Place | undefined {
    const span = 'entry' in target ? target.entry.keySpan : target.node.span;
    const docs = this.byFile.get(span.file.path);
    if (!docs) return undefined;
    const matches = (candidate: { entry?: TEntry; node: Tree }): boolean =>
      'entry' in target
        ? candidate.entry !== undefined && sameSpan(candidate.entry.keySpan, span)
        : candidate.node.kind === target.node.kind && sameSpan(candidate.node.span, span);
    if (docs.header && within(docs.header.span, span)) {
      const route = findRoute(docs.header, matches);
      return route && { owner: { kind: 'header' }, route };
    }
    if (docs.config?.kind !== 'map') return undefined;
    for (const e of docs.config.entries) {
      if (!(e.keySpan.start <= span.start && span.start < Math.max(e.value.span.end, e.keySpan.end + 1))) continue;
      const route = matches({ entry: e, node: e.value }) ? [] : findRoute(e.value, matches);
      if (!route) return undefined;
      const owner = ownerOf(e.key);
      return owner.kind === 'keyword' ? { owner, route: [e.key, ...route] } : { owner, route };
    }
    return undefined;
  }
}

/** A scalar that is one `$[[ ... ]]` interpolation block and nothing else. */
function isWholeInterpolation(node: Tree): boolean {
  return node.kind === 'scalar' && typeof node.value === 'string' && /^\s*\$\[\[[^\]]*\]\]\s*$/.test(node.value);
}

function within(outer: Span, inner: Span): boolean {
  return outer.file.path === inner.file.path && outer.start <= inner.start && inner.end <= outer.end;
}

/** Depth-first search for the route to a matching node, bounded so that aliases cannot make it explode. */
function findRoute(root: Tree, matches: (c: { entry?: TEntry; node: Tree }) => boolean): Route | undefined {
  let budget = 100_000;
  const search = (node: Tree, route: Route): Route | undefined => {
    if (--budget < 0) return undefined;
    if (node.kind === 'map') {
      for (const e of node.entries) {
        const here = [...route, e.key];
        if (matches({ entry: e, node: e.value })) return here;
        const found = search(e.value, here);
        if (found) return found;
      }
    } else if (node.kind === 'seq') {
      for (const [i, item] of node.items.entries()) {
        const here = [...route, i];
        if (matches({ node: item })) return here;
        const found = search(item, here);
        if (found) return found;
      }
    }
    return undefined;
  };
  return matches({ node: root }) ? [] : search(root, []);
}

function routeOf(steps: readonly Step[]): Route {
  return steps.slice(1).map((s) => (s.index !== undefined ? s.index : (s.entry?.key ?? '')));
}

// ---------------------------------------------------------------------------------------------------
// Messages

function describe(error: ErrorObject, run: Run, locator: Locator): SchemaFinding | undefined {
  const steps = walkPointer(run.root, error.instancePath);
  // A `!reference` that names nothing is reported by bad-reference; its place holds no value to check.
  if (!steps || steps.some((s) => s.node.kind === 'ref')) return undefined;
  const here = steps[steps.length - 1];
  if (isWholeInterpolation(here.node) && locator.hasHeader(here.node.span) && !['additionalProperties', 'required', 'not'].includes(error.keyword)) {
    return undefined; // `$[[ inputs.x ]]` as a whole value takes the input's type, known only when included.
  }
  const placeOf = (target: { entry: TEntry } | { node: Tree }, fallbackSteps: readonly Step[]): Place =>
    locator.locate(target) ?? run.fallback(routeOf(fallbackSteps));
  const parent = (error.parentSchema ?? {}) as Schema;

  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    const entry = here.node.kind === 'map' ? getEntry(here.node, key) : undefined;
    if (!entry) return undefined;
    const place = placeOf({ entry }, [...steps, { node: entry.value, entry }]);
    const container = phrase({ owner: place.owner, route: place.route.slice(0, -1) });
    return { span: entry.keySpan, message: unknownKeyMessage(key, container, parent) };
  }

  // Errors about a mapping's keys point at the key that holds the mapping; value errors at the value.
  const keyed = ['required', 'dependentRequired', 'not'].includes(error.keyword) || here.node.span.end === here.node.span.start;
  const place = keyed && here.entry ? placeOf({ entry: here.entry }, steps) : placeOf({ node: here.node }, steps);
  const span = keyed && here.entry ? here.entry.keySpan : here.node.span;
  const subject = phrase(place);
  const custom = typeof parent['x-message'] === 'string' ? parent['x-message'] : undefined;
  return { span, message: custom ? `${subject} ${custom}` + suggestion(error, parent) : valueMessage(error, subject, here.node, parent) };
}

function valueMessage(error: ErrorObject, subject: string, node: Tree, parent: Schema): string {
  switch (error.keyword) {
    case 'type':
      return `${subject} must be ${expectedWords(error, parent)}, not ${actualWords(node)}` + typeHint(error, node, parent);
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const value = node.kind === 'scalar' ? node.text : undefined;
      const hints = parent['x-hints'] as Record<string, string> | undefined;
      const hint = value !== undefined ? hints?.[value] : undefined;
      const guess = value !== undefined ? closest(value, allowed) : undefined;
      const expected = typeof parent['x-expected'] === 'string' ? parent['x-expected'] : `one of ${allowed.join(', ')}`;
      return `${subject} must be ${expected}` + (hint ? `: ${hint}` : guess ? `; did you mean \`${guess}\`?` : '');
    }
    case 'const':
      return `${subject} must be \`${String(error.params.allowedValue)}\``;
    case 'required': {
      const missing = missingList(error);
      return missing.length === 1
        ? `${subject} has no \`${missing[0]}\``
        : `${subject} needs one of ${missing.map((m) => `\`${m}\``).join(', ')}`;
    }
    case 'dependentRequired':
      return `${subject} has \`${String(error.params.property)}\` but no \`${String(error.params.missingProperty)}\``;
    case 'minimum':
      return `${subject} must be at least ${String(error.params.limit)}`;
    case 'maximum':
      return `${subject} must be at most ${String(error.params.limit)}`;
    case 'minItems':
    case 'minProperties':
    case 'minLength':
      return Number(error.params.limit) === 1 ? `${subject} must not be empty` : `${subject} is too short (at least ${String(error.params.limit)})`;
    case 'maxItems':
      return `${subject} has too many items (at most ${String(error.params.limit)})`;
    case 'maxLength':
      return `${subject} is too long (at most ${String(error.params.limit)} characters)`;
    case 'not':
      return `${subject} is not allowed here`;
    default:
      return `${subject} ${error.message ?? 'is not valid'}`;
  }
}

/** "did you mean" for a pattern with a list of usual values (`x-choices`). */
function suggestion(error: ErrorObject, parent: Schema): string {
  const choices = parent['x-choices'];
  if (error.keyword !== 'pattern' || !Array.isArray(choices) || typeof error.data !== 'string') return '';
  const guess = closest(error.data, choices.map(String));
  return guess ? `; did you mean \`${guess}\`?` : '';
}

function unknownKeyMessage(key: string, container: string, parent: Schema): string {
  const allowed = Object.keys((parent.properties as Schema | undefined) ?? {});
  const guess = meant(key, allowed);
  if (guess) return `unknown key \`${key}\` in ${container}; did you mean \`${guess}\`?`;
  const explanation = parent['x-unknown-key'];
  const homes = keyHomes().get(key);
  if (typeof explanation === 'string') {
    return homes ? `\`${key}\` cannot be used in ${container}: ${explanation}` : `unknown key \`${key}\` in ${container}: ${explanation}`;
  }
  return `unknown key \`${key}\` in ${container}` + belongsIn(homes);
}

/** Where a key known elsewhere belongs, when that is three places or fewer. */
function belongsIn(homes: ReadonlySet<string> | undefined): string {
  if (!homes || homes.size === 0 || homes.size > 3) return '';
  const where = [...homes].map((h) => (h === '' ? 'at the top level' : h === 'job' ? 'in a job' : `in \`${h}\``));
  return `; it belongs ${where.join(' or ')}`;
}

let homesCache: Map<string, Set<string>> | undefined;

/** For each key the schema knows, the keywords whose mappings accept it ('' for the top level, 'job' for jobs). */
function keyHomes(): Map<string, Set<string>> {
  if (homesCache) return homesCache;
  const homes = new Map<string, Set<string>>();
  const visited = new Set<string>();
  const defs = gitlabSchema.$defs as Record<string, Schema>;
  const visit = (s: unknown, parentKey: string): void => {
    if (!s || typeof s !== 'object') return;
    const schema = s as Schema;
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.slice('#/$defs/'.length);
      const id = `${name}\0${parentKey}`;
      if (!visited.has(id)) {
        visited.add(id);
        visit(defs[name], name === 'job' ? 'job' : parentKey);
      }
    }
    for (const [key, value] of Object.entries((schema.properties as Schema | undefined) ?? {})) {
      homes.set(key, (homes.get(key) ?? new Set()).add(parentKey));
      visit(value, key);
    }
    for (const k of ['anyOf', 'allOf']) for (const sub of (schema[k] as unknown[] | undefined) ?? []) visit(sub, parentKey);
    for (const k of ['then', 'else', 'items', 'additionalProperties']) visit(schema[k], parentKey);
  };
  visit(gitlabSchema, '');
  homesCache = homes;
  return homes;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'empty',
};

function expectedWords(error: ErrorObject, parent: Schema): string {
  if (typeof parent['x-expected'] === 'string') return parent['x-expected'];
  const type = error.params.type;
  const types = Array.isArray(type) ? type.map(String) : String(type).split(',');
  const words = types.map((t) => TYPE_WORDS[t] ?? t);
  return words.length <= 1 ? (words[0] ?? 'something else') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function actualWords(node: Tree): string {
  switch (node.kind) {
    case 'map':
      return 'a mapping';
    case 'seq':
      return 'a list';
    case 'ref':
      return 'a reference';
    case 'scalar':
      switch (typeof node.value) {
        case 'boolean':
          return `\`${node.text}\``;
        case 'number':
          return Number.isInteger(node.value) ? 'a number' : 'a fractional number';
        case 'string':
          return 'a string';
        default:
          return 'empty';
      }
  }
}

/** What to write instead, for the usual YAML surprises. */
function typeHint(error: ErrorObject, node: Tree, parent: Schema): string {
  const expects = (t: string): boolean => {
    const type = error.params.type;
    return (Array.isArray(type) ? type.map(String) : String(type).split(',')).includes(t);
  };
  if (node.kind === 'scalar' && (typeof node.value === 'boolean' || typeof node.value === 'number') && expects('string')) {
    return '; quote it to make it a string';
  }
  if (node.kind === 'map' && expects('string') && sameSchema(parent, (gitlabSchema.$defs as Record<string, Schema>).commandItem)) {
    return '; YAML reads an unquoted line with `: ` in it as a mapping, so quote the whole line';
  }
  return '';
}

/** The validators carry their own copies of the schema, so subschemas are compared by content. */
function sameSchema(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
