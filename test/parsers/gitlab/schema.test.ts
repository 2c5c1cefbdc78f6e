import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { RULES } from '../../../rules/index.js';
import { FsHost } from '../../../src/engine/fs-host.js';
import { defaultConfig } from '../../../src/engine/config.js';
import { lintFiles, startRun } from '../../../src/engine/lint.js';
import { MemoryHost } from '../../../src/engine/memory-host.js';
import { schema, validatePipeline } from '../../../src/generated/gitlab-ci.js';
import type { ModelIssue, Pipeline } from '../../../src/model/pipeline.js';
import { positionAt } from '../../../src/model/source.js';
import { effectiveConfig } from '../../../src/parsers/gitlab/effective.js';
import { parseGitlabPipeline } from '../../../src/parsers/gitlab/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SCHEMA_FIXTURES = join(root, 'test/fixtures/gitlab-schema');
const VALID = join(SCHEMA_FIXTURES, 'valid');
const INVALID = join(SCHEMA_FIXTURES, 'invalid');
const RESOLVER_FIXTURES = join(root, 'test/fixtures/gitlab');

const yamlFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();

/** Parses `dir/file` as a pipeline whose repository is `dir`. */
function parse(dir: string, file: string): Pipeline {
  return parseGitlabPipeline(file, new FsHost(dir));
}

function parseMemory(files: Record<string, string>): Pipeline {
  return parseGitlabPipeline('.gitlab-ci.yml', new MemoryHost(files));
}

const schemaIssues = (p: Pipeline): ModelIssue[] => p.issues.filter((i) => i.kind === 'schema');

/** `file:line` and message of each schema finding. */
function found(p: Pipeline): string[] {
  return schemaIssues(p).map((i) => `${i.span.file.relPath}:${positionAt(i.span.file, i.span.start).line} ${i.message}`);
}

/** The errors of validating the resolved pipeline (what `cilint resolve` prints), for a failure message. */
function resolvedErrors(p: Pipeline): unknown[] {
  if (validatePipeline(effectiveConfig(p))) return [];
  return (validatePipeline.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => `${e.instancePath} ${e.message}`);
}

describe('valid configurations', () => {
  it.each(yamlFiles(VALID))('%s has no schema finding and nothing else wrong', (file) => {
    const p = parse(VALID, file);
    expect(found(p)).toEqual([]);
    expect(p.issues.filter((i) => i.kind !== 'include-unresolved').map((i) => i.message)).toEqual([]);
    expect(p.jobs.length).toBeGreaterThan(0);
  });

  it.each(yamlFiles(VALID))('%s resolves to a pipeline that validates against the schema', (file) => {
    expect(resolvedErrors(parse(VALID, file))).toEqual([]);
  });

  const resolverFixtures = readdirSync(RESOLVER_FIXTURES).filter((d) => d !== 'invalid' && statSync(join(RESOLVER_FIXTURES, d)).isDirectory());

  it.each(resolverFixtures)('resolver fixture %s resolves to a pipeline that validates against the schema', (fixture) => {
    const p = parse(join(RESOLVER_FIXTURES, fixture), '.gitlab-ci.yml');
    expect(found(p)).toEqual([]);
    expect(resolvedErrors(p)).toEqual([]);
  });

  it('exercise every keyword the schema knows', () => {
    const known = new Set<string>();
    const collect = (s: unknown): void => {
      if (Array.isArray(s)) s.forEach(collect);
      else if (s && typeof s === 'object') {
        const props = (s as { properties?: object }).properties;
        if (props) for (const k of Object.keys(props)) known.add(k);
        Object.values(s).forEach(collect);
      }
    };
    collect(schema);
    const used = new Set<string>();
    const keys = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(keys);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          used.add(k);
          keys(x);
        }
      }
    };
    const files: string[] = [];
    const list = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) list(path);
        else files.push(path);
      }
    };
    list(VALID);
    const reference = { tag: '!reference', collection: 'seq' as const, resolve: (s: unknown) => s };
    for (const f of files) {
      for (const doc of parseAllDocuments(readFileSync(f, 'utf8'), { customTags: [reference], merge: true, version: '1.1' })) keys(doc.toJS());
    }
    // `types` is in the schema only to explain that GitLab no longer accepts it.
    expect([...known].filter((k) => !used.has(k) && k !== 'types').sort()).toEqual([]);
  });
});

/** Each broken configuration holds one mistake: [file, where it is reported, what the message says]. */
const BROKEN: [string, string, string][] = [
  ['anchor-wrong-type.yml', 'anchor-wrong-type.yml:3', '`services` of hidden job `.dind` must be a list, not a string'],
  ['artifacts-when.yml', 'artifacts-when.yml:6', '`artifacts:when` of job `build` must be one of on_success, on_failure, always; did you mean `always`?'],
  ['cache-policy.yml', 'cache-policy.yml:7', '`cache:policy` of job `build` must be pull-push, push, pull or a CI/CD variable; did you mean `pull`?'],
  ['cache-too-many.yml', 'cache-too-many.yml:4', '`cache` of job `build` has too many items (at most 4)'],
  ['coverage-without-slashes.yml', 'coverage-without-slashes.yml:3', '`coverage` of job `test` must be a regular expression between slashes'],
  ['default-service-typo.yml', 'default-service-typo.yml:5', 'unknown key `alais` in item 1 of `default:services`; did you mean `alias`?'],
  ['default-variables.yml', 'default-variables.yml:3', '`variables` cannot be used in `default`: `default` sets only after_script,'],
  ['delayed-without-start-in.yml', 'delayed-without-start-in.yml:1', 'job `deploy` has `when: delayed` but no `start_in`'],
  ['dependencies-string.yml', 'dependencies-string.yml:6', '`dependencies` of job `test` must be a list, not a string'],
  ['deployment-tier-typo.yml', 'deployment-tier-typo.yml:5', '`environment:deployment_tier` of job `deploy` must be production, staging, testing, development, other'],
  ['entrypoint-string.yml', 'entrypoint-string.yml:4', '`image:entrypoint` of job `build` must be a list, not a string'],
  ['environment-action.yml', 'environment-action.yml:6', '`environment:action` of job `stop-review` must be one of start, prepare, stop, verify, access; did you mean `stop`?'],
  ['environment-without-name.yml', 'environment-without-name.yml:3', '`environment` of job `deploy` has no `name`'],
  ['expose-as-without-paths.yml', 'expose-as-without-paths.yml:3', '`artifacts` of job `build` has `expose_as` but no `paths`'],
  ['header-unknown-key.yml', 'header-unknown-key.yml:5', '`stages` cannot be used in the header: only `spec` belongs before `---`'],
  ['id-token-without-aud.yml', 'id-token-without-aud.yml:5', 'unknown key `audience` in `id_tokens:SIGSTORE_ID_TOKEN` of job `sign`; did you mean `aud`?'],
  ['image-name-missing.yml', 'image-name-missing.yml:2', '`image` of job `build` has no `name`'],
  ['include-project-without-file.yml', 'include-project-without-file.yml:2', 'item 1 of `include` has `project` but no `file`'],
  ['include-two-kinds.yml', 'include-two-kinds.yml:3', '`template` of item 1 of `include` cannot be used in the same include entry as another file kind'],
  ['include-typo.yml', 'include-typo.yml:2', 'unknown key `locl` in item 1 of `include`; did you mean `local`?'],
  ['included-file-error.yml', 'ci/bad-template.yml:6', 'unknown key `comand` in item 1 of `services` of hidden job `.docker`; did you mean `command`?'],
  ['inherit-default-unknown.yml', 'inherit-default-unknown.yml:7', 'item 2 of `inherit:default` of job `build` must be one of after_script,'],
  ['input-type.yml', 'input-type.yml:4', '`spec:inputs:push:type` must be one of array, string, number, boolean'],
  ['job-not-mapping.yml', 'job-not-mapping.yml:3', 'job `build` must be a mapping of job keywords, not a string'],
  ['job-variable-description.yml', 'job-variable-description.yml:6', '`description` cannot be used in `variables:TARGET` of job `build`'],
  ['job-when-never.yml', 'job-when-never.yml:4', '`when` of job `build` must be one of on_success, on_failure, always, manual, delayed: `never` is only allowed in `rules`'],
  ['missing-script.yml', 'missing-script.yml:8', 'job `push` has no `script`: every job needs `script` (or `run`, or `trigger`'],
  ['needs-typo.yml', 'needs-typo.yml:8', 'unknown key `artefacts` in item 1 of `needs` of job `test`; did you mean `artifacts`?'],
  ['needs-without-job.yml', 'needs-without-job.yml:7', 'item 1 of `needs` of job `test` needs one of `job`, `pipeline`'],
  ['null-script.yml', 'null-script.yml:3', '`script` of job `build` must be a command line or a list of command lines, not empty'],
  ['parallel-too-big.yml', 'parallel-too-big.yml:3', '`parallel` of job `test` must be at most 200'],
  ['pull-policy-typo.yml', 'pull-policy-typo.yml:4', '`image:pull_policy` of job `build` must be one of always, if-not-present, never; did you mean `if-not-present`?'],
  ['release-without-description.yml', 'release-without-description.yml:4', '`release` of job `release` has no `description`'],
  ['retry-too-many.yml', 'retry-too-many.yml:4', '`retry` of job `build` must be at most 2'],
  ['retry-when.yml', 'retry-when.yml:6', '`retry:when` of job `build` must be `always` or a job failure reason, such as `script_failure` or `runner_system_failure`; did you mean `api_failure`?'],
  ['rules-and-only.yml', 'rules-and-only.yml:5', '`only` of job `build` cannot be used together with `rules`'],
  ['rules-when-typo.yml', 'rules-when-typo.yml:6', '`when` of item 1 of `rules` of job `deploy` must be one of on_success, on_failure, always, never, manual, delayed; did you mean `manual`?'],
  ['script-and-run.yml', 'script-and-run.yml:3', '`script` of job `build` cannot be used together with `run`'],
  ['script-colon.yml', 'script-colon.yml:5', 'item 2 of `script` of job `build` must be a command line (a string), not a mapping; YAML reads an unquoted line with `: ` in it as a mapping, so quote the whole line'],
  ['secret-without-provider.yml', 'secret-without-provider.yml:4', '`secrets:KUBECONFIG` of job `deploy` needs one of `vault`, `gcp_secret_manager`,'],
  ['secrets-typo.yml', 'secrets-typo.yml:5', 'unknown key `vualt` in `secrets:REGISTRY_PASSWORD` of job `deploy`; did you mean `vault`?'],
  ['services-string.yml', 'services-string.yml:3', '`services` of job `build` must be a list, not a string'],
  ['spec-without-separator.yml', 'spec-without-separator.yml:1', '`spec` belongs in a header document: put `spec:` first and separate it from the rest of the file with a line `---`'],
  ['stages-string.yml', 'stages-string.yml:1', '`stages` must be a list, not a string'],
  ['start-in-not-delayed.yml', 'start-in-not-delayed.yml:3', '`when` of job `deploy` must be `delayed` for `start_in` to apply'],
  ['template-typo.yml', 'template-typo.yml:4', 'unknown key `scirpt` in hidden job `.docker-build`; did you mean `script`?'],
  ['trigger-include-and-project.yml', 'trigger-include-and-project.yml:4', '`trigger:project` of job `child` cannot be used together with `include`'],
  ['trigger-job-image.yml', 'trigger-job-image.yml:2', '`image` cannot be used in job `deploy`: a trigger job (one with `trigger`) starts a downstream pipeline'],
  ['trigger-strategy.yml', 'trigger-strategy.yml:4', '`trigger:strategy` of job `deploy` must be one of mirror, depend; did you mean `depend`?'],
  ['trigger-with-script.yml', 'trigger-with-script.yml:3', '`trigger` of job `deploy` cannot be used together with `script` or `run`'],
  ['types-keyword.yml', 'types-keyword.yml:1', '`types` is no longer a GitLab CI keyword (GitLab reads it as a job and rejects it): use `stages`'],
  ['unknown-job-keyword.yml', 'unknown-job-keyword.yml:3', 'unknown key `servics` in job `build`; did you mean `services`?'],
  ['unused-template.yml', 'unused-template.yml:6', 'unknown key `artifact` in hidden job `.kaniko`; did you mean `artifacts`?'],
  ['variable-boolean.yml', 'variable-boolean.yml:3', '`variables:FF_USE_FASTZIP` must be a string, a whole number or a mapping with `value`, not `true`; quote it to make it a string'],
  ['variable-float.yml', 'variable-float.yml:4', '`variables:PYTHON_VERSION` of job `build` must be a string, a whole number or a mapping with `value`, not a fractional number'],
  ['workflow-when.yml', 'workflow-when.yml:4', '`when` of item 1 of `workflow:rules` must be one of always, never: workflow:rules take only `always` or `never`'],
];

describe('broken configurations', () => {
  it('are all listed', () => {
    expect(BROKEN.map(([file]) => file).sort()).toEqual(yamlFiles(INVALID));
  });

  it.each(BROKEN)('%s: one finding at %s', (file, where, message) => {
    const findings = found(parse(INVALID, file));
    expect(findings).toHaveLength(1);
    const [place, ...words] = findings[0].split(' ');
    expect(place).toBe(where);
    expect(words.join(' ')).toContain(message);
  });
});

describe('validateGitlabConfig', () => {
  it('does not check hidden keys that hold other YAML than a job', () => {
    const p = parseMemory({
      '.gitlab-ci.yml': `.services:
  dind: [docker:27-dind]
.push:
  - docker push "$IMAGE"
.settings:
  registry: registry.example.com
  retries: three
build:
  image: docker:27
  services: !reference [.services, dind]
  script:
    - docker build -t "$IMAGE" .
    - !reference [.push]
`,
    });
    expect(found(p)).toEqual([]);
  });

  it('checks a job as resolved: a script from extends counts, a value from default is checked where it is written', () => {
    const p = parseMemory({
      '.gitlab-ci.yml': 'default:\n  retry: 5\n.base:\n  script: make\na:\n  extends: .base\nb:\n  extends: .base\n',
    });
    expect(found(p)).toEqual(['.gitlab-ci.yml:2 `default:retry` must be at most 2']);
  });

  it('takes a null keyword for unset, as GitLab does, but not a null script', () => {
    expect(found(parseMemory({ '.gitlab-ci.yml': 'build:\n  image:\n  variables:\n  cache:\n  script: make\n' }))).toEqual([]);
    expect(found(parseMemory({ '.gitlab-ci.yml': 'build:\n  script:\n    - make\n    -\n' }))).toEqual([
      '.gitlab-ci.yml:4 item 2 of `script` of job `build` must be a command line (a string), not empty',
    ]);
  });

  it('takes `$[[ inputs ]]` as a whole value for any type in a file with a header, and for a string elsewhere', () => {
    const job = 'build:\n  script: make\n  allow_failure: $[[ inputs.allow_failure ]]\n';
    const header = 'spec:\n  inputs:\n    allow_failure:\n      type: boolean\n---\n';
    expect(found(parseMemory({ '.gitlab-ci.yml': header + job }))).toEqual([]);
    expect(found(parseMemory({ '.gitlab-ci.yml': job }))).toEqual([
      '.gitlab-ci.yml:3 `allow_failure` of job `build` must be true, false or a mapping with `exit_codes`, not a string',
    ]);
  });

  it('leaves an unresolved !reference to bad-reference', () => {
    const p = parseMemory({ '.gitlab-ci.yml': 'build:\n  image: !reference [.missing, image]\n  script: make\n' });
    expect(p.issues.map((i) => i.kind)).toEqual(['bad-reference']);
  });

  it('names a misspelt key once, not also the key it stands for', () => {
    expect(found(parseMemory({ '.gitlab-ci.yml': 'build:\n  image: docker:27\n  scrip: make\n' }))).toEqual([
      '.gitlab-ci.yml:3 unknown key `scrip` in job `build`; did you mean `script`?',
    ]);
  });

  it('points into the included file and names the template there', () => {
    const p = parseMemory({
      '.gitlab-ci.yml': 'include: ci/docker.yml\nbuild:\n  extends: .docker\n  script: docker build .\n',
      'ci/docker.yml': '.docker:\n  image:\n    name: docker:27\n    pull_policy: alway\n',
    });
    expect(found(p)).toEqual([
      'ci/docker.yml:4 `image:pull_policy` of hidden job `.docker` must be one of always, if-not-present, never; did you mean `always`?',
    ]);
  });

  it('is skipped when asked (a lint whose `schema` rule is off), the rest of the parse unchanged', () => {
    const files = { '.gitlab-ci.yml': 'build:\n  script: make\n  when: never\n' };
    const checked = parseGitlabPipeline('.gitlab-ci.yml', new MemoryHost(files));
    const unchecked = parseGitlabPipeline('.gitlab-ci.yml', new MemoryHost(files), { schema: false });
    expect(checked.issues.map((i) => i.kind)).toEqual(['schema']);
    expect(unchecked.issues).toEqual([]);
    expect(unchecked.jobs.map((j) => j.name)).toEqual(checked.jobs.map((j) => j.name));
  });

  it('runs in a lint only when the `schema` rule does', () => {
    const reports = (rules: typeof RULES, setting?: 'off' | 'warning') =>
      startRun(rules, [], { executor: 'docker', config: { ...defaultConfig('/'), rules: setting ? { schema: setting } : {} } }).reports('schema');
    expect(reports(RULES)).toBe(true);
    expect(reports(RULES, 'warning')).toBe(true);
    expect(reports(RULES, 'off')).toBe(false);
    expect(reports(RULES.filter((r) => r.slug !== 'schema'))).toBe(false);
  });

  it('is the `schema` rule, an error', () => {
    const findings = lintFiles({ '.gitlab-ci.yml': 'build:\n  script: make\n  when: never\n' }, RULES).filter((f) => f.rule === 'schema');
    expect(findings.map((f) => [f.severity, positionAt(f.span.file, f.span.start).line])).toEqual([['error', 3]]);
  });
});

describe('bundled examples', () => {
  const EXAMPLES = join(root, 'examples');
  const pipelines: [string, string][] = [];
  const list = (repo: string, dir: string): void => {
    for (const name of readdirSync(join(EXAMPLES, repo, dir))) {
      const rel = dir ? `${dir}/${name}` : name;
      if (statSync(join(EXAMPLES, repo, rel)).isDirectory()) list(repo, rel);
      else if (/(^|\.)gitlab-ci\.yml$/.test(name)) pipelines.push([repo, rel]);
    }
  };
  for (const repo of readdirSync(EXAMPLES)) if (statSync(join(EXAMPLES, repo)).isDirectory()) list(repo, '');

  it.each(pipelines)('%s: %s has no schema finding', (repo, file) => {
    expect(found(parse(join(EXAMPLES, repo), file))).toEqual([]);
  });
});
