import type { ModelIssue } from '../../model/pipeline.js';
import { makeSourceFile, type SourceFile } from '../../model/source.js';
import type { Span } from '../../model/span.js';
import { asScalar, getEntry, type TMap, type Tree } from '../../model/tree.js';
import { tableForGroup } from '../../model/memo.js';
import { normalizeRelPath, type FileHost } from '../host.js';
import { loadYaml } from '../yaml/load.js';
import { MAX_INCLUDES } from './keywords.js';
import { deepMerge, withoutKeys } from './merge.js';

/** What reading a pipeline file and its local includes produced. */
export interface IncludeResult {
  /** The configuration with every readable include merged in (GitLab: includes first, the file on top). */
  config: TMap | undefined;
  files: SourceFile[];
  issues: ModelIssue[];
  /** Trees that YAML aliases point at, across every file read. */
  aliasTargets: Set<Tree>;
  /** Repository-relative paths of the files this pipeline includes (for discovery). */
  included: Set<string>;
  /** Each file read, with its documents as written (before includes are merged), for the schema check. */
  documents: FileDocuments[];
}

/** A file's header document (`spec:` before `---`), when it has one, and its configuration document. */
export interface FileDocuments {
  file: SourceFile;
  header: TMap | undefined;
  config: Tree | undefined;
}

interface IncludeItem {
  kind: 'local' | 'remote' | 'project' | 'template' | 'component' | 'unknown';
  /** For local includes: the path or glob as written. */
  target?: string;
  span: Span;
  description: string;
}

/** The pipeline file itself cannot be read (missing, no permission): a usage problem, not a finding. */
export class UnreadableFileError extends Error {}

export function loadWithIncludes(rootRel: string, host: FileHost): IncludeResult {
  const state: IncludeResult = {
    config: undefined,
    files: [],
    issues: [],
    aliasTargets: new Set(),
    included: new Set(),
    documents: [],
  };
  const counter: IncludeCounter = { count: 0, over: false };
  const read = host.read(rootRel);
  if ('error' in read) {
    if (read.reason === 'unreadable') throw new UnreadableFileError(`${rootRel}: ${read.error}`);
    const file = makeSourceFile(host.absolute(rootRel), rootRel, '');
    state.files.push(file);
    state.issues.push({ kind: 'parse-error', span: { file, start: 0, end: 0 }, message: `cannot lint this file: ${read.error}` });
    return state;
  }
  state.config = loadFile(read, host, state, [rootRel], counter);
  return state;
}

function loadFile(
  file: SourceFile,
  host: FileHost,
  state: IncludeResult,
  stack: string[],
  counter: IncludeCounter,
): TMap | undefined {
  state.files.push(file);
  const loaded = loadYaml(file);
  for (const p of loaded.problems) state.issues.push({ kind: p.kind, span: p.span, message: p.message });
  for (const t of loaded.aliasTargets) state.aliasTargets.add(t);
  const config = pickConfigDocument(loaded.documents);
  const header = config !== loaded.documents[0] && loaded.documents[0]?.kind === 'map' ? loaded.documents[0] : undefined;
  state.documents.push({ file, header, config });
  written.set(file, config ?? null);
  if (!config) return undefined;
  if (config.kind !== 'map') {
    if (!(config.kind === 'scalar' && config.value === null)) {
      state.issues.push({
        kind: 'parse-error',
        span: config.span,
        message: 'a GitLab CI configuration must be a mapping of keywords and jobs',
      });
    }
    return undefined;
  }
  const includeEntry = getEntry(config, 'include');
  if (!includeEntry) return config;
  let merged: TMap | undefined;
  for (const item of includeItems(includeEntry.value)) {
    for (const child of resolveItem(item, host, state, stack, counter)) {
      merged = merged ? deepMerge(merged, child) : child;
    }
  }
  const own = withoutKeys(config, ['include']);
  return merged ? deepMerge(merged, own) : own;
}

const written = tableForGroup<SourceFile, Tree | null>();

/**
 * The configuration document of a file read for a pipeline of the group being linted, as written
 * (null for none); undefined when no pipeline of the group has read the file.
 */
export function writtenConfig(file: SourceFile): Tree | null | undefined {
  return written.get(file);
}

/** A file may start with a `spec:` header document; the configuration is then the second document. */
export function pickConfigDocument(documents: Tree[]): Tree | undefined {
  if (documents.length === 0) return undefined;
  const first = documents[0];
  if (documents.length > 1 && first.kind === 'map' && first.entries.some((e) => e.key === 'spec')) {
    return documents[1];
  }
  return first;
}

function includeItems(value: Tree): IncludeItem[] {
  const list = value.kind === 'seq' ? value.items : [value];
  return list.map(describeItem);
}

function describeItem(item: Tree): IncludeItem {
  const scalar = asScalar(item);
  if (scalar) {
    const text = scalar.text.trim();
    if (/^https?:\/\//i.test(text)) {
      return { kind: 'remote', span: scalar.span, description: `remote include \`${text}\`` };
    }
    return { kind: 'local', target: text, span: scalar.span, description: `\`${text}\`` };
  }
  if (item.kind === 'map') {
    for (const kind of ['local', 'remote', 'project', 'template', 'component'] as const) {
      const entry = getEntry(item, kind);
      if (!entry) continue;
      const text = asScalar(entry.value)?.text ?? '';
      return {
        kind,
        target: kind === 'local' ? text.trim() : undefined,
        span: item.span,
        description: kind === 'local' ? `\`${text}\`` : `${kind} include \`${text}\``,
      };
    }
  }
  return { kind: 'unknown', span: item.span, description: 'include entry' };
}

/** Files included so far in one pipeline, and whether that passed GitLab's limit. */
interface IncludeCounter {
  count: number;
  over: boolean;
}

function resolveItem(
  item: IncludeItem,
  host: FileHost,
  state: IncludeResult,
  stack: string[],
  counter: IncludeCounter,
): TMap[] {
  if (item.kind === 'unknown') {
    state.issues.push({
      kind: 'include-error',
      span: item.span,
      message: 'this include entry names no `local`, `remote`, `project`, `template` or `component` file',
    });
    return [];
  }
  if (item.kind !== 'local') {
    state.issues.push({
      kind: 'include-unresolved',
      span: item.span,
      message: `${item.description} is not fetched (cilint reads only files in the repository); jobs it defines are not linted`,
    });
    return [];
  }
  const paths = expandLocal(item, host, state);
  const out: TMap[] = [];
  for (const rel of paths) {
    if (stack.includes(rel)) {
      state.issues.push({
        kind: 'include-error',
        span: item.span,
        message: `include cycle: ${[...stack.slice(stack.indexOf(rel)), rel].join(' → ')}`,
      });
      continue;
    }
    if (++counter.count > MAX_INCLUDES) {
      // Said once, where the count ran out: every include after it would say the same.
      if (!counter.over) {
        state.issues.push({
          kind: 'include-error',
          span: item.span,
          message: `more than ${MAX_INCLUDES} included files: GitLab refuses the pipeline; cilint reads the first ${MAX_INCLUDES}`,
        });
      }
      counter.over = true;
      return out;
    }
    const read = host.read(rel);
    if ('error' in read) {
      state.issues.push({ kind: 'include-error', span: item.span, message: `cannot include \`${rel}\`: ${read.error}` });
      continue;
    }
    state.included.add(rel);
    const child = loadFile(read, host, state, [...stack, rel], counter);
    if (child) out.push(child);
  }
  return out;
}

function expandLocal(item: IncludeItem, host: FileHost, state: IncludeResult): string[] {
  const written = item.target ?? '';
  if (written === '') {
    state.issues.push({ kind: 'include-error', span: item.span, message: 'empty local include path' });
    return [];
  }
  if (written.includes('$')) {
    state.issues.push({
      kind: 'include-unresolved',
      span: item.span,
      message: `include ${item.description} depends on a variable; it is not resolved`,
    });
    return [];
  }
  const rel = normalizeRelPath(written);
  if (rel === undefined || rel === '') {
    state.issues.push({
      kind: 'include-error',
      span: item.span,
      message: `include ${item.description} points outside the repository`,
    });
    return [];
  }
  if (!/\.ya?ml$/i.test(rel)) {
    state.issues.push({
      kind: 'include-error',
      span: item.span,
      message: `include ${item.description} must name a .yml or .yaml file`,
    });
    return [];
  }
  if (!rel.includes('*')) return [rel];
  const pattern = wildcardPathPattern(rel);
  const matches = host.filesStartingWith(rel.slice(0, rel.indexOf('*'))).filter((f) => pattern.test(f));
  if (matches.length === 0) {
    state.issues.push({
      kind: 'include-error',
      span: item.span,
      message: `include ${item.description} matches no file`,
    });
  }
  return matches;
}

// GitLab's wildcard grammar for local includes (Repository#search_files_by_wildcard_path), not a shell
// glob: `**` matches any characters including `/`, `*` any characters but `/`, and everything else is
// literal. So `ci/**.yml` reaches every depth below ci/, and `ci/**/*.yml` only subdirectories of ci/.
function wildcardPathPattern(path: string): RegExp {
  const literal = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = path
    .split('**')
    .map((part) => part.split('*').map(literal).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`);
}
