import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isJenkinsPipelineText } from '../parsers/jenkins/index.js';
import { isRunnerConfigText } from '../parsers/runner/index.js';
import { describeFsError, sniffText } from './fs-host.js';
import { posixRelative } from '../parsers/host.js';

export type FileKind = 'gitlab' | 'runner' | 'jenkins';

export interface Target {
  /** Absolute path of the file. */
  path: string;
  kind: FileKind;
  /** For runner configs: a config.toml, or a Helm chart's values.yaml holding one. */
  format?: 'toml' | 'helm';
  /** Named on the command line (linted whatever its name) rather than found in a directory. */
  explicit: boolean;
  /** Found by name pattern only (`*.gitlab-ci.yml`): linted on its own unless a pipeline includes it. */
  fragment: boolean;
  /** Its project root (see `projectRoot`), when a folder walk saw it on the way. */
  root?: string;
}

export class UsageError extends Error {}

const PIPELINE_NAMES = new Set(['.gitlab-ci.yml', '.gitlab-ci.yaml']);
const FRAGMENT_PATTERN = /\.gitlab-ci\.ya?ml$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

const HELM_VALUES_PATTERN = /^values[\w.-]*\.ya?ml$/;
/** Names that may hold a configuration cilint reads, depending on their content. */
const CANDIDATE_PATTERN = /(\.toml|^values[\w.-]*\.ya?ml|\.groovy)$/;

/** `Jenkinsfile`, `Jenkinsfile.release`, `Jenkinsfile_k8s`, `deploy.Jenkinsfile`, `build.jenkinsfile`. */
const JENKINSFILE_PATTERN = /^(Jenkinsfile([._].*)?|.+\.[Jj]enkinsfile)$/;

/** A runner config is a config.toml, or a Helm chart's values.yaml holding one. */
export function runnerFormat(path: string): 'toml' | 'helm' {
  return /\.ya?ml$/i.test(path) ? 'helm' : 'toml';
}

/** Whether a file name says it is a Jenkins pipeline (`*.groovy` files need a look at their text too). */
export function isJenkinsfileName(name: string): boolean {
  return JENKINSFILE_PATTERN.test(name);
}

/** What a file is, from its name and (for runner configs and Groovy files) a textual look at its content. */
export function classify(abs: string): Omit<Target, 'path' | 'explicit'> | undefined {
  const name = basename(abs);
  if (PIPELINE_NAMES.has(name)) return { kind: 'gitlab', fragment: false };
  if (FRAGMENT_PATTERN.test(name)) return { kind: 'gitlab', fragment: true };
  if (isJenkinsfileName(name)) return { kind: 'jenkins', fragment: false };
  if (name.endsWith('.groovy') && definesPipeline(abs)) return { kind: 'jenkins', fragment: false };
  if (name.endsWith('.toml') && hasRunnersLine(abs)) return { kind: 'runner', format: 'toml', fragment: false };
  if (HELM_VALUES_PATTERN.test(name) && hasRunnersLine(abs)) return { kind: 'runner', format: 'helm', fragment: false };
  return undefined;
}

/** Whether `classify` may take a file by this name: the files it does not are not looked at further. */
function mayClassify(name: string): boolean {
  return (
    PIPELINE_NAMES.has(name) ||
    FRAGMENT_PATTERN.test(name) ||
    isJenkinsfileName(name) ||
    name.endsWith('.groovy') ||
    name.endsWith('.toml') ||
    HELM_VALUES_PATTERN.test(name)
  );
}

function definesPipeline(abs: string): boolean {
  const text = sniffText(abs, 'utf8');
  return text !== undefined && isJenkinsPipelineText(text);
}

function hasRunnersLine(abs: string): boolean {
  const text = sniffText(abs, 'latin1');
  return text !== undefined && isRunnerConfigText(text);
}

/**
 * Finds what to lint under the given paths. Directories are walked (skipping `.git`, `node_modules`
 * and what `.gitignore` files ignore, and never following symlinked directories, so loops are
 * impossible); files are taken as named.
 */
export function discover(paths: readonly string[], cwd: string, kind?: FileKind, notes: string[] = []): Target[] {
  const targets = new Map<string, Target>();
  for (const p of paths.length ? paths : ['.']) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      throw new UsageError(`${p}: ${describeFsError(e)}`);
    }
    if (st.isDirectory()) {
      try {
        readdirSync(abs);
      } catch (e) {
        throw new UsageError(`${p}: ${describeFsError(e)}`);
      }
      walk(abs, [], targets, markedFolder(dirname(abs)), (link) => notes.push(symlinkNote(relative(cwd, link) || link)));
    } else {
      const c = classify(abs);
      if (!c && !kind && CANDIDATE_PATTERN.test(basename(abs))) {
        // A hook passes every .toml, values.yaml or .groovy file it sees: most are not ours.
        notes.push(
          abs.endsWith('.groovy')
            ? `${p}: not a Jenkins pipeline (no pipeline {, node or podTemplate( in it); skipped`
            : `${p}: not a runner config (no [[runners]] table); skipped`,
        );
        continue;
      }
      if (!c && !kind) {
        throw new UsageError(
          `${p}: cannot tell what kind of configuration this is; pass --kind gitlab (a GitLab CI file), --kind runner (a GitLab Runner config.toml) or --kind jenkins (a Jenkinsfile)`,
        );
      }
      const format = kind === 'runner' || (!kind && c?.kind === 'runner') ? runnerFormat(abs) : undefined;
      targets.set(abs, { path: abs, kind: kind ?? c!.kind, format, explicit: true, fragment: false });
    }
  }
  return [...targets.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

interface IgnoreScope {
  dir: string;
  rules: Ignore;
}

/**
 * Why a symlink with a CI file's name found in a walk is skipped. Walks do not follow symlinks (so
 * loops are impossible), and GitLab does not follow a symlinked `.gitlab-ci.yml` either: it reads the
 * link's own text and rejects the pipeline as invalid (gitlab-org/gitlab#17090).
 */
function symlinkNote(shown: string): string {
  return PIPELINE_NAMES.has(basename(shown))
    ? `${shown}: a symlink; skipped (GitLab does not follow it either: it reads the link's text and rejects the pipeline; include the file it points to instead)`
    : `${shown}: a symlink; skipped (folders are walked without following symlinks: name the file to lint it)`;
}

/**
 * `above`: the nearest folder above `dir` with a project marker, if any; `skippedLink`: told of each
 * symlink with a name `classify` may take, which the walk does not follow.
 */
function walk(dir: string, scopes: IgnoreScope[], out: Map<string, Target>, above: string | undefined, skippedLink: (abs: string) => void): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // An unreadable directory below a named one is skipped, as git and ripgrep do.
  }
  // A symlinked marker counts when it leads somewhere, as projectRoot's existsSync says.
  const marked = entries.some((e) => PROJECT_MARKERS.includes(e.name) && (!e.isSymbolicLink() || existsSync(join(dir, e.name))));
  const root = marked ? dir : above;
  const here = entries.some((e) => e.name === '.gitignore') ? loadGitignore(dir) : undefined;
  const active = here ? [...scopes, here] : scopes;
  for (const e of entries) {
    const isDir = e.isDirectory();
    const isLink = e.isSymbolicLink();
    if (isDir ? SKIPPED_DIRS.has(e.name) : (!e.isFile() && !isLink) || !mayClassify(e.name)) continue;
    // Only folders and files that may be CI configuration are matched against the ignore rules: each
    // test runs every rule, and a 10 000-line .gitignore over 10 000 files took 47 s.
    const abs = join(dir, e.name);
    if (isIgnored(abs, isDir, active)) continue;
    if (isLink) skippedLink(abs);
    else if (isDir) walk(abs, active, out, root, skippedLink);
    else {
      const c = classify(abs);
      if (c && !out.has(abs)) out.set(abs, { path: abs, explicit: false, ...c, root: root ?? dir });
    }
  }
}

function loadGitignore(dir: string): IgnoreScope | undefined {
  const text = sniffText(join(dir, '.gitignore'), 'utf8');
  return text === undefined ? undefined : { dir, rules: ignore().add(text) };
}

function isIgnored(abs: string, isDir: boolean, scopes: IgnoreScope[]): boolean {
  for (const s of scopes) {
    const rel = posixRelative(s.dir, abs);
    if (rel && s.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/**
 * The project root of a pipeline file: GitLab resolves local includes from it. It is the nearest
 * folder, from the file's own upwards, that holds a `.git` or a `.gitlab-ci.yml`; a file in neither
 * resolves includes from its own folder. `known` (one Map shared by many calls) remembers each folder's
 * answer, null for none, so that the folders above many files are looked at once.
 */
export function projectRoot(file: string, known?: Map<string, string | null>): string {
  return markedFolder(dirname(file), known) ?? dirname(file);
}

const PROJECT_MARKERS: readonly string[] = ['.git', '.gitlab-ci.yml', '.gitlab-ci.yaml'];

/** The nearest folder, from `dir` upwards, with a project marker. */
function markedFolder(start: string, known?: Map<string, string | null>): string | undefined {
  const visited: string[] = [];
  let dir = start;
  let found: string | null | undefined;
  for (;;) {
    found = known?.get(dir);
    if (found !== undefined) break;
    visited.push(dir);
    if (PROJECT_MARKERS.some((n) => existsSync(join(dir, n)))) {
      found = dir;
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      found = null;
      break;
    }
    dir = parent;
  }
  for (const v of visited) known?.set(v, found);
  return found ?? undefined;
}
