import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { validateCilintConfig } from '../generated/cilint-config.js';
import type { Executor } from '../docker/hostnames.js';
import { makeSourceFile, positionAt, type SourceFile } from '../model/source.js';
import type { Span } from '../model/span.js';
import { walkPointer } from '../model/pointer.js';
import { getEntry, toPlain, type Tree } from '../model/tree.js';
import { closest } from '../parsers/runner/suggest.js';
import { loadYaml } from '../parsers/yaml/load.js';
import { UsageError } from './discover.js';
import { describeFsError, IS_A_DIRECTORY, readRegularFile, sniffText } from './fs-host.js';
import type { BuilderImages, Severity, Strategy } from './rule.js';

export type RuleSetting = Severity | 'off';

/** A loaded cilint configuration; every path in it is absolute. */
export interface Config {
  /** The file it came from, for messages; undefined for the built-in defaults. */
  file?: string;
  /** The folder relative paths and globs in the file start from. */
  baseDir: string;
  rules: Record<string, RuleSetting>;
  ignore: string[];
  /** Runner config glob → pipeline globs, both relative to `baseDir`; undefined: every runner runs every pipeline. */
  runners?: Record<string, string[]>;
  executor?: Executor;
  failOn?: Severity;
  fix: { strategy?: Strategy; images: BuilderImages };
}

export const CONFIG_NAMES = ['.cilint.yml', '.cilint.yaml'] as const;

export function defaultConfig(baseDir: string): Config {
  return { baseDir, rules: {}, ignore: [], fix: { images: {} } };
}

/**
 * The configuration for a run: `--config FILE` if given, else the first `.cilint.yml`, `.cilint.yaml`
 * or `package.json` with a `cilint` key found walking up from `start`.
 */
export function findConfig(start: string, explicit?: string, cwd = start): Config {
  const shown = (p: string) => relative(cwd, p) || p;
  if (explicit) {
    if (!existsSync(explicit)) throw new UsageError(`${shown(explicit)}: no such configuration file`);
    return loadConfigFile(explicit, shown(explicit), { pipe: true });
  }
  let dir = start;
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return loadConfigFile(candidate, shown(candidate));
    }
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && packageJsonHasConfig(pkg)) return loadConfigFile(pkg, shown(pkg));
    if (existsSync(join(dir, '.git'))) break;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return defaultConfig(start);
}

function packageJsonHasConfig(path: string): boolean {
  const text = sniffText(path, 'utf8');
  if (text === undefined) return false;
  try {
    const data = JSON.parse(text) as Record<string, unknown>;
    return typeof data === 'object' && data !== null && 'cilint' in data;
  } catch {
    return false;
  }
}

/**
 * `path` as it is shown in messages (relative to the working directory). `pipe`: the file was named
 * by the user (`--config <(...)`), so a named pipe is read; one found in a repository is refused.
 */
export function loadConfigFile(abs: string, path: string = abs, opts: { pipe?: boolean } = {}): Config {
  let read: ReturnType<typeof readRegularFile>;
  try {
    read = readRegularFile(abs, opts);
  } catch (e) {
    throw new UsageError(`${path}: cannot read the configuration file (${describeFsError(e)})`);
  }
  if ('error' in read) {
    throw new UsageError(read.error === IS_A_DIRECTORY ? `${path}: is a directory, not a configuration file` : `${path}: cannot read the configuration file: ${read.error}`);
  }
  const text = read.text;
  const file = makeSourceFile(abs, path, text);
  const tree = abs.endsWith('package.json') ? packageJsonTree(file, path) : yamlTree(file, path);
  const data = tree ? (toPlain(tree) as Record<string, unknown> | null) : {};
  // YAML 1.1 (which cilint reads, as GitLab does) makes a bare `off` the boolean false.
  const ruleMap = data?.rules;
  if (ruleMap && typeof ruleMap === 'object' && !Array.isArray(ruleMap)) {
    for (const [slug, v] of Object.entries(ruleMap)) if (v === false) (ruleMap as Record<string, unknown>)[slug] = 'off';
  }
  if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
    throw new UsageError(`${path}:1:1: the configuration must be a mapping of settings`);
  }
  const validate = validator();
  if (!validate(data ?? {})) {
    const err = firstError(validate.errors ?? []);
    const at = tree ? spanAt(tree, err) : undefined;
    const pos = at ? positionAt(at.file, at.start) : { line: 1, column: 1 };
    throw new UsageError(`${path}:${pos.line}:${pos.column}: ${describeError(err)}`);
  }
  return fromData((data ?? {}) as RawConfig, abs, dirname(abs));
}

function yamlTree(file: SourceFile, path: string): Tree | undefined {
  const loaded = loadYaml(file);
  const problem = loaded.problems.find((p) => p.kind === 'parse-error');
  if (problem) {
    const pos = positionAt(file, problem.span.start);
    throw new UsageError(`${path}:${pos.line}:${pos.column}: ${problem.message}`);
  }
  return loaded.documents[0];
}

/** package.json is JSON, which is YAML: read it with the same machinery to get positions. */
function packageJsonTree(file: SourceFile, path: string): Tree | undefined {
  const root = yamlTree(file, path);
  return root?.kind === 'map' ? root.entries.find((e) => e.key === 'cilint')?.value : undefined;
}

interface RawConfig {
  rules?: Record<string, RuleSetting>;
  ignore?: string[];
  runners?: Record<string, string[]>;
  executor?: Executor;
  'fail-on'?: Severity;
  fix?: { strategy?: Config['fix']['strategy']; images?: Config['fix']['images'] };
}

function fromData(raw: RawConfig, file: string, baseDir: string): Config {
  return {
    file,
    baseDir,
    rules: raw.rules ?? {},
    ignore: raw.ignore ?? [],
    runners: raw.runners,
    executor: raw.executor,
    failOn: raw['fail-on'],
    fix: { strategy: raw.fix?.strategy, images: raw.fix?.images ?? {} },
  };
}

/** Compiled at build time (scripts/compile-schemas.mjs), so start-up compiles no schema. */
function validator(): ValidateFunction {
  return validateCilintConfig;
}

const KNOWN_KEYS: Record<string, string[]> = {
  '': ['rules', 'ignore', 'runners', 'executor', 'fail-on', 'fix'],
  '/fix': ['strategy', 'images'],
  '/fix/images': ['buildah', 'buildkit', 'kaniko'],
};

function firstError(errors: readonly ErrorObject[]): ErrorObject {
  return errors.find((e) => e.keyword === 'additionalProperties') ?? errors.find((e) => e.keyword === 'enum') ?? errors[0];
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath ? ` in \`${e.instancePath.slice(1).split('/').join('.')}\`` : '';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const guess = closest(key, KNOWN_KEYS[e.instancePath] ?? []);
      return `unknown setting \`${key}\`${where}${guess ? `; did you mean \`${guess}\`?` : ''}`;
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.join(', ');
      return `\`${e.instancePath.slice(1).split('/').join('.')}\` must be one of ${allowed}`;
    }
    case 'type':
      return `\`${e.instancePath.slice(1).split('/').join('.') || 'the configuration'}\` must be ${(e.params as { type: string }).type === 'array' ? 'a list' : `a ${(e.params as { type: string }).type}`}`;
    default:
      return `${e.instancePath.slice(1).split('/').join('.') || 'the configuration'} ${e.message ?? 'is invalid'}`;
  }
}

/** The span of the value (or, for an unknown key, the key) an ajv error is about. */
function spanAt(root: Tree, e: ErrorObject): Span | undefined {
  const steps = walkPointer(root, e.instancePath);
  const last = steps?.at(-1);
  if (!last) return undefined;
  if (e.keyword === 'additionalProperties' && last.node.kind === 'map') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    return getEntry(last.node, key)?.keySpan ?? last.node.span;
  }
  return last.node.span;
}
