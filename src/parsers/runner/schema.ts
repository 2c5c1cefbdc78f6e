import type { ErrorObject, ValidateFunction } from 'ajv';
import { schema as runnerSchema, validateRunnerConfig as validateAgainstSchema } from '../../generated/runner-config.js';
import type { Span } from '../../model/span.js';
import { asScalar, get, getEntry, toPlain, type TMap, type Tree } from '../../model/tree.js';
import { closest } from './suggest.js';
import { escapePointer, walkPointer, type PointerStep } from '../../model/pointer.js';

export interface SchemaFinding {
  readonly span: Span;
  readonly message: string;
}

/**
 * Checks a GitLab Runner config.toml (as a value tree) against `schemas/runner-config.schema.json` and
 * reports each mistake once, in plain words, where it is written: unknown keys at the key, wrong types
 * and values at the value. Messages never quote a value from the file, so tokens, passwords and keys
 * cannot leak into reports; only table and key names, and the runner's `name`, appear.
 */
export function validateRunnerConfig(root: TMap): SchemaFinding[] {
  const schema = compiledSchema();
  if (schema.validate(toPlain(root))) return [];
  const findings: SchemaFinding[] = [];
  for (const error of oneErrorPerMistake(collapseAlternatives(schema.validate.errors ?? []))) {
    const finding = describe(root, error, schema);
    if (finding) findings.push(finding);
  }
  return findings.sort((a, b) => a.span.start - b.span.start);
}

/** For each key the schema knows, the tables that accept it: `privileged` → [runners.docker], …. */
type KeyHomes = ReadonlyMap<string, readonly Home[]>;

interface Home {
  readonly table: string;
  readonly depth: number;
}

interface CompiledSchema {
  readonly validate: ValidateFunction;
  readonly homes: KeyHomes;
  /** A subschema with its `$ref` followed. */
  readonly resolve: (schema: JsonSchema) => JsonSchema;
}

let compiled: CompiledSchema | undefined;

/**
 * The validator compiled at build time from schemas/runner-config.schema.json (scripts/compile-schemas.mjs,
 * with `verbose`: errors carry their schema, so an unknown key can be matched against the keys its table
 * allows).
 */
function compiledSchema(): CompiledSchema {
  if (!compiled) {
    const root = runnerSchema as JsonSchema;
    const resolve = (s: JsonSchema): JsonSchema => (s.$ref?.startsWith('#/$defs/') ? resolve(root.$defs?.[s.$ref.slice(8)] ?? {}) : s);
    compiled = { validate: validateAgainstSchema, homes: keyHomes(root, resolve), resolve };
  }
  return compiled;
}

interface JsonSchema {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
}

function keyHomes(root: JsonSchema, resolve: (s: JsonSchema) => JsonSchema): KeyHomes {
  const homes = new Map<string, Home[]>();
  const visit = (schema: JsonSchema, path: readonly string[], arrayOfTables: boolean): void => {
    const s = resolve(schema);
    if (s.items) visit(s.items, path, true);
    if (!s.properties) return;
    const table = path.length === 0 ? 'the global section' : arrayOfTables ? `[[${path.join('.')}]]` : `[${path.join('.')}]`;
    for (const [key, value] of Object.entries(s.properties)) {
      homes.set(key, [...(homes.get(key) ?? []), { table, depth: path.length }]);
      visit(value, [...path, key], false);
    }
  };
  visit(root, [], false);
  return homes;
}

/**
 * Replaces each failed anyOf/oneOf and the errors of its branches by what the user needs to hear: the
 * errors of the branch whose type matches the value (a misspelt pull policy is an enum mistake, not a
 * type mistake), or one type error naming every accepted type when no branch matches.
 */
function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  if (combinators.length === 0) return [...errors];
  const dropped = new Set<ErrorObject>();
  const added: ErrorObject[] = [];
  for (const combinator of combinators) {
    dropped.add(combinator);
    const prefix = combinator.schemaPath + '/';
    const branches = new Map<string, ErrorObject[]>();
    const under = (e: ErrorObject): boolean =>
      e.instancePath === combinator.instancePath || e.instancePath.startsWith(combinator.instancePath + '/');
    for (const e of errors) {
      // Every use of a shared definition has the same schemaPath; the instancePath tells them apart.
      if (!e.schemaPath.startsWith(prefix) || !under(e)) continue;
      dropped.add(e);
      const branch = e.schemaPath.slice(prefix.length).split('/')[0];
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    const mistypes = (list: ErrorObject[]): ErrorObject | undefined =>
      list.find((e) => e.keyword === 'type' && e.instancePath === combinator.instancePath);
    const fitting = [...branches.values()].find((list) => !mistypes(list));
    if (fitting) {
      for (const e of fitting) dropped.delete(e);
      continue;
    }
    const types = [...branches.values()].flatMap((list) => typeList(mistypes(list)?.params.type));
    added.push({ ...combinator, keyword: 'type', params: { type: [...new Set(types)] } });
  }
  return [...errors.filter((e) => !dropped.has(e)), ...added];
}

function typeList(type: unknown): string[] {
  if (Array.isArray(type)) return type.map(String);
  return typeof type === 'string' ? type.split(',') : [];
}

/**
 * Keeps one error per key (or array item): a wrong type hides the enum error ajv also reports for the
 * same value, and an unknown key is its own mistake.
 */
function oneErrorPerMistake(errors: readonly ErrorObject[]): ErrorObject[] {
  const rank = (e: ErrorObject): number => (e.keyword === 'type' ? 0 : e.keyword === 'enum' ? 1 : 2);
  const chosen = new Map<string, ErrorObject>();
  for (const e of errors) {
    const slot = e.keyword === 'additionalProperties' ? `${e.instancePath}/${escapePointer(String(e.params.additionalProperty))}` : e.instancePath;
    const current = chosen.get(slot);
    if (!current || rank(e) < rank(current)) chosen.set(slot, e);
  }
  return [...chosen.values()];
}

/** One step of the walk from the root to an error's place. */
type Step = PointerStep;

function describe(root: TMap, error: ErrorObject, schema: CompiledSchema): SchemaFinding | undefined {
  const steps = walkPointer(root, error.instancePath);
  if (!steps) return undefined;
  const here = steps[steps.length - 1];
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    const entry = here.node.kind === 'map' ? getEntry(here.node, key) : undefined;
    if (!entry) return undefined;
    const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    const suggestion = closest(key, allowed);
    const hint = suggestion ? `; did you mean \`${suggestion}\`?` : belongsIn(schema.homes.get(key));
    return { span: entry.keySpan, message: `unknown key \`${key}\` in ${tableName(steps)}${hint}` };
  }
  const { subject, table } = subjectOf(steps);
  const where = table.length > 1 ? ` in ${tableName(table)}` : '';
  const span = here.node.span;
  switch (error.keyword) {
    case 'type': {
      const expected = typeList(error.params.type);
      const items = (error.parentSchema as JsonSchema | undefined)?.items;
      if (expected.includes('array') && here.node.kind === 'map' && items && schema.resolve(items).type === 'object') {
        return { span, message: `${subject}${where} must be an array of tables, written [[${dottedKeys(steps)}]], not a single table` };
      }
      return { span, message: `${subject}${where} must be ${expected.map(typeWords).join(' or ')}, not ${actualWords(here.node)}` };
    }
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).filter((v): v is string => typeof v === 'string' && v !== '');
      const value = here.node.kind === 'scalar' ? here.node.value : undefined;
      // A suggestion is derived from the value, so none is made for keys that may hold secrets.
      const suggestion = typeof value === 'string' && !steps.some(isSensitiveStep) ? closest(value, allowed) : undefined;
      return {
        span,
        message: `${subject}${where} must be one of ${allowed.join(', ')}` + (suggestion ? `; did you mean \`${suggestion}\`?` : ''),
      };
    }
    case 'minimum':
      return { span, message: `${subject}${where} must be at least ${String(error.params.limit)}` };
    default:
      return { span, message: `${subject}${where} ${error.message ?? 'is not valid'}` };
  }
}

/** Where a key known elsewhere belongs: the shallowest tables that accept it, at most three. */
function belongsIn(homes: readonly Home[] | undefined): string {
  if (!homes || homes.length === 0) return '';
  const depth = Math.min(...homes.map((h) => h.depth));
  const tables = [...new Set(homes.filter((h) => h.depth === depth).map((h) => h.table))].slice(0, 3);
  return `; it belongs in ${tables.join(' or ')}`;
}


/** What the message talks about (`key`, or item n of `key`) and the steps to the table holding it. */
function subjectOf(steps: readonly Step[]): { subject: string; table: readonly Step[] } {
  const last = steps[steps.length - 1];
  if (last.index === undefined) return { subject: `\`${last.entry?.key}\``, table: steps.slice(0, -1) };
  const owner = steps[steps.length - 2];
  const item = `item ${last.index + 1}`;
  return { subject: owner.entry === undefined ? item : `${item} of \`${owner.entry.key}\``, table: steps.slice(0, -2) };
}

/**
 * A table named the way TOML writes its header: `[runners.docker] of runner "build-1"`,
 * `[[runners]] #2`, `[[runners.kubernetes.volumes.host_path]] "certs"`.
 */
function tableName(steps: readonly Step[]): string {
  if (steps.length === 1) return 'the global section';
  const runner = steps[1].entry?.key === 'runners' ? steps[2] : undefined;
  if (!runner || runner.index === undefined) return header(steps);
  const name = nameOf(runner.node);
  if (steps.length === 3) return `[[runners]] ${name === undefined ? `#${runner.index + 1}` : `"${name}"`}`;
  return `${header(steps)} of ${name === undefined ? `[[runners]] #${runner.index + 1}` : `runner "${name}"`}`;
}

function header(steps: readonly Step[]): string {
  const last = steps[steps.length - 1];
  if (last.index === undefined) return `[${dottedKeys(steps)}]`;
  const name = steps.some(isSensitiveStep) ? undefined : nameOf(last.node);
  return `[[${dottedKeys(steps)}]] ${name === undefined ? `#${last.index + 1}` : `"${name}"`}`;
}

function dottedKeys(steps: readonly Step[]): string {
  return steps
    .flatMap((s) => (s.entry ? [s.entry.key] : []))
    .map((key) => (/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key)))
    .join('.');
}

function nameOf(node: Tree): string | undefined {
  const name = node.kind === 'map' ? asScalar(get(node, 'name'))?.value : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Keys whose values are credentials: never quoted, never the source of a suggestion. */
function isSensitiveKey(key: string): boolean {
  return /token|password|secret|key/i.test(key);
}

function isSensitiveStep(step: Step): boolean {
  return step.entry !== undefined && isSensitiveKey(step.entry.key);
}

function typeWords(type: string): string {
  switch (type) {
    case 'boolean':
      return 'true or false';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'array':
      return 'an array';
    case 'object':
      return 'a table';
    default:
      return type;
  }
}

function actualWords(node: Tree): string {
  switch (node.kind) {
    case 'map':
      return 'a table';
    case 'seq':
      return 'an array';
    case 'ref':
      return 'a reference';
    case 'scalar':
      switch (typeof node.value) {
        case 'boolean':
          return 'a boolean';
        case 'number':
          return Number.isInteger(node.value) ? 'a number' : 'a fractional number';
        case 'string':
          // Dates and times are the only unquoted TOML values that load as strings.
          return node.style === 'plain' ? 'a date' : 'a string';
        default:
          return 'empty';
      }
  }
}
