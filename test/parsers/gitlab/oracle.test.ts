/**
 * Checks `cilint resolve` against an independent implementation of GitLab's merge semantics:
 * `gitlab-ci-local --preview` (pinned devDependency). Each valid fixture under test/fixtures/gitlab/ is
 * copied into a throwaway git repository (gitlab-ci-local lists files through git), expanded by both
 * tools, and compared job by job on what matters for container builds: the job names, image, services,
 * effective variables and scripts.
 *
 * Where gitlab-ci-local is known to differ from GitLab, the difference is listed in GITLAB_EXCEPTIONS
 * with the evidence; cilint must then match GitLab, not gitlab-ci-local.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { FsHost } from '../../../src/engine/fs-host.js';
import { effectiveConfig } from '../../../src/parsers/gitlab/effective.js';
import { parseGitlabPipeline } from '../../../src/parsers/gitlab/index.js';
import { GLOBAL_KEYWORDS } from '../../../src/parsers/gitlab/keywords.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(REPO_ROOT, 'test/fixtures/gitlab');
const GITLAB_CI_LOCAL = join(REPO_ROOT, 'node_modules/.bin/gitlab-ci-local');

/** Top-level keys of an effective configuration that are not jobs. */
const NOT_JOBS = GLOBAL_KEYWORDS;

type Vars = Record<string, string>;

interface ServiceSummary {
  name: string;
  alias?: string;
  variables?: Vars;
  command?: string[];
  entrypoint?: string[];
}

interface JobSummary {
  image?: string;
  services?: ServiceSummary[];
  variables: Vars;
  before_script?: string[];
  script?: string[];
  after_script?: string[];
}

type Field = keyof JobSummary;

interface Exception {
  fixture: string;
  job: string;
  field: Field;
  /** What GitLab itself produces; cilint must produce exactly this. */
  gitlab: JobSummary[Field];
  why: string;
}

/**
 * GitLab resolves a pipeline in this order: includes, then `extends`, then `!reference` tags
 * (`Gitlab::Ci::Config#build_config`: External::Processor, Extendable, Yaml::Tags::Resolver). While
 * `extends` deep-merges, a `!reference` is still an unresolved tag object, not a hash, so Hash#deep_merge
 * lets one side replace the other instead of merging them. GitLab issue 383802 ("!reference tags
 * overwrite extended job variables", https://gitlab.com/gitlab-org/gitlab/-/issues/383802) shows this on
 * gitlab.com. gitlab-ci-local 4.73.0 merges the two hashes instead (its fix for firecow/gitlab-ci-local
 * issue 1562), so it disagrees with GitLab on these jobs.
 */
const GITLAB_EXCEPTIONS: readonly Exception[] = [
  {
    fixture: 'reference-tag',
    job: 'tag-latest',
    field: 'variables',
    gitlab: { IMAGE: '$CI_REGISTRY_IMAGE/cli:$CI_COMMIT_SHORT_SHA', TAG: 'latest' },
    why: 'the job’s `variables: !reference [...]` replaces the variables it extends from .dind',
  },
  {
    fixture: 'reference-tag',
    job: 'smoke',
    field: 'variables',
    gitlab: { IMAGE: '$CI_REGISTRY_IMAGE/cli:$CI_COMMIT_SHORT_SHA', SMOKE_TIMEOUT: '60' },
    why: 'the job’s own variables replace the `!reference` that .smoke-vars holds',
  },
];

const validFixtures = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'invalid')
  .map((d) => d.name)
  .sort();

describe('cilint resolve agrees with gitlab-ci-local --preview', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'cilint-oracle-'));
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('has fixtures to compare', () => {
    expect(validFixtures.length).toBeGreaterThanOrEqual(10);
  });

  it.each(validFixtures)('%s', (fixture) => {
    const repo = join(scratch, fixture, 'repo');
    cpSync(join(FIXTURES, fixture), repo, { recursive: true });
    commitAll(repo, join(scratch, fixture));

    const oracle = summarize(runGitlabCiLocal(repo));
    expect(Object.keys(oracle).length).toBeGreaterThan(0);
    const pipeline = parseGitlabPipeline('.gitlab-ci.yml', new FsHost(repo));
    expect(pipeline.issues.map((i) => `${i.kind}: ${i.message}`)).toEqual([]);
    const ours = summarize(effectiveConfig(pipeline));

    for (const ex of GITLAB_EXCEPTIONS.filter((e) => e.fixture === fixture)) {
      expect({ job: ex.job, [ex.field]: ours[ex.job]?.[ex.field] }).toEqual({ job: ex.job, [ex.field]: ex.gitlab });
      // If gitlab-ci-local starts agreeing with GitLab, the exception is obsolete: remove it.
      expect(oracle[ex.job]?.[ex.field]).not.toEqual(ex.gitlab);
      delete ours[ex.job][ex.field];
      delete oracle[ex.job][ex.field];
    }
    expect(Object.keys(ours).sort()).toEqual(Object.keys(oracle).sort());
    expect(ours).toEqual(oracle);
  });
});

/** A git repository whose index holds the fixture, with no user, system or global git config leaking in. */
function commitAll(repo: string, home: string): void {
  const env = isolatedEnv(home);
  const git = (...args: string[]): void => {
    execFileSync('git', args, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  };
  git('-c', 'init.defaultBranch=main', 'init', '-q');
  git('add', '--all');
  git(
    '-c',
    'user.name=cilint oracle',
    '-c',
    'user.email=oracle@example.invalid',
    '-c',
    'commit.gpgsign=false',
    'commit',
    '-q',
    '-m',
    'fixture',
  );
}

function runGitlabCiLocal(repo: string): Record<string, unknown> {
  let stdout: string;
  try {
    // --state-dir is relative to the working directory: keep the state next to the repository, not in it.
    stdout = execFileSync(GITLAB_CI_LOCAL, ['--preview', '--state-dir', '../gcl-state'], {
      cwd: repo,
      env: isolatedEnv(join(repo, '..')),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`gitlab-ci-local failed: ${err.stderr ?? err.message}`);
  }
  return parse(stdout) as Record<string, unknown>;
}

function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  mkdirSync(home, { recursive: true });
  return { ...env, HOME: home, GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1' };
}

/**
 * Reduces an effective configuration to the compared fields, the same way for both tools: images by
 * name, services as mappings, variables as strings (global ones filtered by the job's
 * `inherit: variables`, under the job's own), scripts as flat lists of lines.
 */
function summarize(config: Record<string, unknown>): Record<string, JobSummary> {
  const globals = stringVars(config.variables);
  const jobs: Record<string, JobSummary> = {};
  for (const [name, value] of Object.entries(config)) {
    if (NOT_JOBS.has(name) || name.startsWith('.') || !isRecord(value)) continue;
    const job: JobSummary = { variables: { ...inherited(globals, value.inherit), ...stringVars(value.variables) } };
    const image = imageName(value.image);
    if (image !== undefined) job.image = image;
    if (value.services !== undefined) job.services = list(value.services).map(service);
    for (const section of ['before_script', 'script', 'after_script'] as const) {
      if (value[section] !== undefined) job[section] = lines(value[section]);
    }
    jobs[name] = job;
  }
  return jobs;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

function lines(v: unknown): string[] {
  return list(v)
    .flat(Infinity)
    .map((l) => String(l));
}

/** A variable is `NAME: value` or `NAME: {value: ..., description: ...}`; GitLab passes every value as a string. */
function stringVars(v: unknown): Vars {
  const out: Vars = {};
  if (!isRecord(v)) return out;
  for (const [k, raw] of Object.entries(v)) {
    const value = isRecord(raw) ? raw.value : raw;
    out[k] = value === null || value === undefined ? '' : String(value);
  }
  return out;
}

function inherited(globals: Vars, inherit: unknown): Vars {
  const setting = isRecord(inherit) ? inherit.variables : undefined;
  if (setting === undefined || setting === true) return globals;
  if (Array.isArray(setting)) {
    const names = new Set(setting.map(String));
    return Object.fromEntries(Object.entries(globals).filter(([k]) => names.has(k)));
  }
  return {};
}

function imageName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isRecord(v) && typeof v.name === 'string') return v.name;
  return undefined;
}

function service(v: unknown): ServiceSummary {
  if (!isRecord(v)) return { name: String(v) };
  const out: ServiceSummary = { name: String(v.name) };
  if (v.alias !== undefined && v.alias !== null) out.alias = String(v.alias);
  if (v.variables !== undefined && v.variables !== null) out.variables = stringVars(v.variables);
  if (v.command !== undefined && v.command !== null) out.command = lines(v.command);
  if (v.entrypoint !== undefined && v.entrypoint !== null) out.entrypoint = lines(v.entrypoint);
  return out;
}
