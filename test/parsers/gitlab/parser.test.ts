import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, parseDocument } from 'yaml';
import { FsHost } from '../../../src/engine/fs-host.js';
import { MemoryHost } from '../../../src/engine/memory-host.js';
import { templateId, type Container, type Job, type Pipeline, type Variable } from '../../../src/model/pipeline.js';
import { positionAt, type Position } from '../../../src/model/source.js';
import { spanText, type Span } from '../../../src/model/span.js';
import { parseGitlabPipeline } from '../../../src/parsers/gitlab/index.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/gitlab/', import.meta.url));

const validFixtures = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'invalid')
  .map((d) => d.name)
  .sort();

function parseFixture(name: string): Pipeline {
  return parseGitlabPipeline('.gitlab-ci.yml', new FsHost(join(FIXTURES, name)));
}

function parseMemory(files: Record<string, string>): Pipeline {
  return parseGitlabPipeline('.gitlab-ci.yml', new MemoryHost(files));
}

function job(p: Pipeline, name: string): Job {
  const found = [...p.jobs, ...p.templates].find((j) => j.name === name);
  if (!found) throw new Error(`no job ${name} in ${p.jobs.map((j) => j.name).join(', ')}`);
  return found;
}

/** `file:line:column` of a span's start, as findings are printed. */
function at(span: Span): string {
  const { line, column }: Position = positionAt(span.file, span.start);
  return `${span.file.relPath}:${line}:${column}`;
}

/** `file:line` of a span's start: where a YAML error is reported (the column is the parser's guess). */
function lineOf(span: Span): string {
  return `${span.file.relPath}:${positionAt(span.file, span.start).line}`;
}

/**
 * The span's text, re-indented to the column it starts at so that a block collection parses on its own.
 * Aliases in the slice stay unresolved (parsing reports no error for them).
 */
function reparse(span: Span) {
  const column = positionAt(span.file, span.start).column;
  return parseDocument(' '.repeat(column - 1) + spanText(span), { merge: false, version: '1.1' });
}

/** A scalar span holds exactly the scalar as written: parsing the slice gives back the value. */
function expectScalarSpan(span: Span, value: string): void {
  const text = spanText(span);
  expect(text).toBe(text.trim());
  const doc = reparse(span);
  expect(doc.errors).toEqual([]);
  const parsed = doc.contents;
  expect(isScalar(parsed)).toBe(true);
  expect(String((parsed as { value: unknown }).value).trimEnd()).toBe(value.trimEnd());
}

function expectContainerSpans(c: Container): void {
  expectScalarSpan(c.image.span, c.image.value);
  const text = spanText(c.span);
  expect(text).toBe(text.trim());
  const doc = reparse(c.span);
  expect(doc.errors).toEqual([]);
  if (isMap(doc.contents)) {
    const written = doc.contents.items.map((p) => String((p.key as { value: unknown }).value));
    // The name is written in the mapping itself, or comes in through a `<<` merge key.
    if (written.includes('name')) expect(String(doc.contents.get('name'))).toBe(c.image.value);
    else expect(written.some((k) => k.includes('<<'))).toBe(true);
  } else {
    expect(c.span).toEqual(c.image.span);
  }
  for (const a of c.aliases) expect(spanText(a.span).split(',').map((s) => s.trim())).toContain(a.value);
  for (const v of c.variables.values()) expectVariableSpans(v);
  for (const part of [...c.command, ...c.entrypoint]) expectScalarSpan(part.span, part.value);
}

function expectVariableSpans(v: Variable): void {
  expect(spanText(v.nameSpan)).toBe(v.name);
  if (v.value !== undefined && v.span !== v.nameSpan) expectScalarSpan(v.span, v.value);
}

describe('spans slice back to the source text as written', () => {
  it.each(validFixtures)('%s', (fixture) => {
    const p = parseFixture(fixture);
    expect(p.issues).toEqual([]);
    expect(p.jobs.length).toBeGreaterThan(0);
    for (const j of [...p.jobs, ...p.templates]) {
      expect(spanText(j.nameSpan)).toBe(j.name);
      expect(j.hidden).toBe(j.name.startsWith('.'));
      for (const c of [...(j.image ? [j.image] : []), ...j.services]) expectContainerSpans(c);
      for (const v of j.variables.values()) expectVariableSpans(v);
      for (const step of j.scripts) expectScalarSpan(step.span, step.text);
    }
  });

  it('points a value reached through a YAML alias at the anchored text', () => {
    const p = parseFixture('anchors');
    const integration = job(p, 'integration');
    expect(spanText(integration.variables.get('COMPOSE_IMAGE')!.span)).toBe('docker/compose:1.29.2');
    expect(integration.variables.get('COMPOSE_IMAGE')!.span).toEqual(integration.image!.image.span);
    const push = job(p, 'push');
    // Merged in from .docker-env, so the name is written under the anchor, not under the job.
    expect(at(push.variables.get('DOCKER_HOST')!.nameSpan)).toBe('.gitlab-ci.yml:2:3');
    expect(job(p, 'build').variables.get('DOCKER_TLS_VERIFY')!.value).toBe('1');
  });

  it('points a value reached through `!reference` at the referenced text', () => {
    const p = parseFixture('reference-tag');
    const build = job(p, 'build');
    expect(at(build.image!.image.span)).toBe('.gitlab-ci.yml:13:10');
    const login = build.scripts.find((s) => s.text.includes('docker login'))!;
    expect(at(login.span)).toBe('ci/snippets.yml:5:7');
  });
});

describe('positions in CRLF and BOM files', () => {
  it('reads CRLF files with the right lines and columns', () => {
    const p = parseFixture('crlf');
    const build = job(p, 'build');
    expect(p.root.text).toContain('\r\n');
    expect(at(build.nameSpan)).toBe('.gitlab-ci.yml:8:1');
    expect(at(build.image!.image.span)).toBe('ci/dind.yml:2:10');
    expect(at(build.services[0].span)).toBe('ci/dind.yml:4:7');
    expect(at(build.variables.get('DOCKER_TLS_CERTDIR')!.span)).toBe('.gitlab-ci.yml:6:23');
    expect(at(build.variables.get('DOCKER_BUILDKIT')!.span)).toBe('.gitlab-ci.yml:11:22');
  });

  it('maps an offset inside a multi-line CRLF script back to its line and column', () => {
    const [literal, folded] = job(parseFixture('crlf'), 'build').scripts.filter((s) => s.section === 'script');
    expect(literal.text).toBe(
      'docker build \\\n  --tag "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" \\\n  --label "org.opencontainers.image.revision=$CI_COMMIT_SHA" .\n',
    );
    const tag = literal.sourceOffset(literal.text.indexOf('--tag'));
    expect(at({ ...literal.span, start: tag })).toBe('.gitlab-ci.yml:15:9');
    const label = literal.sourceOffset(literal.text.indexOf('--label'));
    expect(at({ ...literal.span, start: label })).toBe('.gitlab-ci.yml:16:9');
    expect(folded.text).toBe('docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"\n');
    const ref = folded.sourceOffset(folded.text.indexOf('"$CI_REGISTRY_IMAGE'));
    expect(positionAt(folded.span.file, ref).line).toBe(19);
  });

  it('reads files with a BOM with offsets into the text without it', () => {
    const p = parseFixture('bom');
    expect(p.files.map((f) => [f.relPath, f.hasBom, f.text.charCodeAt(0) === 0xfeff])).toEqual([
      ['.gitlab-ci.yml', true, false],
      ['ci/templates.yml', true, false],
    ]);
    const build = job(p, 'build');
    expect(at(build.nameSpan)).toBe('.gitlab-ci.yml:7:1');
    expect(at(build.variables.get('DOCKER_HOST')!.span)).toBe('.gitlab-ci.yml:4:16');
    expect(at(build.image!.image.span)).toBe('ci/templates.yml:3:10');
    expect(at(job(p, '.docker-build').nameSpan)).toBe('ci/templates.yml:2:1');
    const lint = job(p, 'lint');
    expect(at(lint.nameSpan)).toBe('ci/templates.yml:9:1');
    expect(at(lint.image!.image.span)).toBe('ci/templates.yml:10:10');
  });

  it('reports YAML errors at the right line in CRLF and BOM files', () => {
    const text = '\ufeffbuild:\r\n  image: docker:27.3\r\n  services:\r\n    - docker:27.3-dind\r\n   script: [docker build .]\r\n';
    const p = parseMemory({ '.gitlab-ci.yml': text });
    expect(p.issues.map((i) => [i.kind, lineOf(i.span)])).toEqual([['parse-error', '.gitlab-ci.yml:5']]);
  });
});

describe('templates in use', () => {
  function templateUse(p: Pipeline): Record<string, boolean> {
    return Object.fromEntries(p.templates.map((t) => [t.name, p.usedTemplates.has(templateId(t))]));
  }

  it('counts extends, !reference and YAML aliases as uses', () => {
    expect(templateUse(parseFixture('hidden-jobs'))).toEqual({
      '.build-template': true,
      '.tls-client': true,
      '.scanner': true,
      '.socket-build': false,
    });
  });

  it('follows multi-level and list extends', () => {
    expect(templateUse(parseFixture('extends'))).toEqual({
      '.docker': true,
      '.registry-login': true,
      '.build': true,
      '.build-cached': true,
      '.legacy-docker19': false,
      '.tls-off': true,
      '.tls-on': true,
    });
  });

  it('counts a template aliased through a merge key', () => {
    expect(templateUse(parseFixture('anchors'))).toEqual({ '.job-base': true });
  });

  it('counts references to templates that get their keys through extends', () => {
    expect(templateUse(parseFixture('reference-tag'))).toEqual({
      '.dind': true,
      '.release-base': true,
      '.tag-vars': true,
      '.smoke-vars': true,
    });
  });

  it('takes a service or image kept under a hidden key for an alias for no template, variables or not', () => {
    const p = parseMemory({
      '.gitlab-ci.yml':
        '.dind-service: &dind\n  name: docker:27-dind\n  alias: docker\n  variables:\n    DOCKER_TLS_CERTDIR: /certs\n' +
        '.base:\n  variables:\n    A: "1"\n' +
        'build:\n  image: docker:27\n  services: [*dind]\n  script: docker build .\n',
    });
    expect(p.templates.map((t) => t.name)).toEqual(['.base']);
    expect(p.issues).toEqual([]);
    expect(job(p, 'build').services[0].variables.get('DOCKER_TLS_CERTDIR')?.value).toBe('/certs');
  });

  it('identifies templates where they are defined, in included files too', () => {
    const p = parseFixture('include-list');
    expect(templateUse(p)).toEqual({ '.dind': true, '.registry-login': true });
    expect(p.templates.map((t) => at(t.nameSpan)).sort()).toEqual(['ci/shared/dind.yml:3:1', 'ci/shared/registry.yml:5:1']);
  });
});

describe('wildcard includes follow GitLab’s grammar, not shell globs', () => {
  const tree = {
    'ci/a.yml': 'a:\n  script: [a]\n',
    'ci/sub/b.yml': 'b:\n  script: [b]\n',
    'ci/sub/deeper/c.yml': 'c:\n  script: [c]\n',
    'ci/[x].yml': 'x:\n  script: [x]\n',
    'ci/z.yml': 'z:\n  script: [z]\n',
    'ci-old/a.yml': 'old:\n  script: [old]\n',
    'top.yml': 'top:\n  script: [top]\n',
    '.gitlab/ci/docker.yml': 'docker:\n  script: [docker build .]\n',
  };
  const included = (pattern: string): string[] =>
    parseMemory({ ...tree, '.gitlab-ci.yml': `include: '${pattern}'\n` }).jobs.map((j) => j.name);

  it.each([
    ['ci/*.yml', ['x', 'a', 'z']],
    ['ci/**.yml', ['x', 'a', 'z', 'b', 'c']],
    ['ci/**/*.yml', ['b', 'c']],
    ['/ci/sub/**.yml', ['b', 'c']],
    ['.gitlab/ci/*.yml', ['docker']],
    ['ci/[x].yml', ['x']],
    // Only the files after the literal prefix are read: it may end inside a name, or be empty.
    ['ci*/a.yml', ['a', 'old']],
    ['ci/s*/**.yml', ['b', 'c']],
    ['t*.yml', ['top']],
    ['**/a.yml', ['a', 'old']],
  ])('%s', (pattern, jobs) => {
    expect(included(pattern).sort()).toEqual([...jobs].sort());
  });
});

describe('include problems', () => {
  const invalid = (name: string): Pipeline => parseFixture(join('invalid', name));
  const issues = (p: Pipeline): string[][] => p.issues.map((i) => [i.kind, at(i.span), spanText(i.span)]);

  it('reports an include cycle at the include entry that closes it', () => {
    let p: Pipeline | undefined;
    expect(() => (p = invalid('include-cycle'))).not.toThrow();
    expect(issues(p!)).toEqual([['include-error', 'ci/common.yml:2:10', 'ci/build.yml']]);
    expect(p!.issues[0].message).toBe('include cycle: ci/build.yml → ci/common.yml → ci/build.yml');
    expect(job(p!, 'build').image?.image.value).toBe('docker:27.3');
  });

  it('reports a file that includes itself', () => {
    const p = parseMemory({ '.gitlab-ci.yml': 'include: .gitlab-ci.yml\nbuild:\n  script: [docker build .]\n' });
    expect(issues(p)).toEqual([['include-error', '.gitlab-ci.yml:1:10', '.gitlab-ci.yml']]);
    expect(p.jobs.map((j) => j.name)).toEqual(['build']);
  });

  it('reports passing the limit of 150 included files once, where the count ran out, and reads the first 150', () => {
    // Each of four files includes the next ones, each include counted: the tree stands for far more than 150.
    const files: Record<string, string> = { '.gitlab-ci.yml': `include:\n${'  - a.yml\n'.repeat(200)}build:\n  script: [echo]\n` };
    files['a.yml'] = `include: [b.yml, b.yml]\n.a:\n  script: [echo]\n`;
    files['b.yml'] = `.b:\n  script: [echo]\n`;
    const p = parseMemory(files);
    expect(issues(p)).toEqual([['include-error', '.gitlab-ci.yml:52:5', 'a.yml']]);
    expect(p.issues[0].message).toBe('more than 150 included files: GitLab refuses the pipeline; cilint reads the first 150');
    expect(p.templates.map((t) => t.name).sort()).toEqual(['.a', '.b']);
  });

  it('reports missing files and globs that match nothing', () => {
    let p: Pipeline | undefined;
    expect(() => (p = invalid('include-missing'))).not.toThrow();
    expect(issues(p!)).toEqual([
      ['include-error', '.gitlab-ci.yml:2:5', 'local: ci/docker.yml'],
      ['include-error', '.gitlab-ci.yml:3:5', 'ci/missing/*.yml'],
    ]);
    expect(p!.issues.map((i) => i.message)).toEqual([
      'cannot include `ci/docker.yml`: no such file',
      'include `ci/missing/*.yml` matches no file',
    ]);
    expect(job(p!, 'build').services.map((s) => s.image.value)).toEqual(['docker:27.3-dind']);
  });

  it('refuses includes that leave the repository', () => {
    let p: Pipeline | undefined;
    expect(() => (p = invalid('include-escape'))).not.toThrow();
    expect(issues(p!)).toEqual([['include-error', '.gitlab-ci.yml:2:5', 'local: ../../shared/docker.yml']]);
    expect(p!.issues[0].message).toBe('include `../../shared/docker.yml` points outside the repository');
    const sneaky = parseMemory({ '.gitlab-ci.yml': 'include: ci/../../x.yml\n', 'x.yml': 'x:\n  script: [id]\n' });
    expect(issues(sneaky)).toEqual([['include-error', '.gitlab-ci.yml:1:10', 'ci/../../x.yml']]);
  });

  it('notes remote, project, template and component includes it does not fetch', () => {
    const p = invalid('remote-includes');
    expect(issues(p).map(([kind, where]) => [kind, where])).toEqual([
      ['include-unresolved', '.gitlab-ci.yml:2:5'],
      ['include-unresolved', '.gitlab-ci.yml:3:5'],
      ['include-unresolved', '.gitlab-ci.yml:4:5'],
      ['include-unresolved', '.gitlab-ci.yml:7:5'],
      ['include-unresolved', '.gitlab-ci.yml:8:5'],
    ]);
    expect(p.issues.map((i) => i.message.split(' is not fetched')[0])).toEqual([
      'remote include `https://gitlab.example.com/platform/ci/-/raw/main/docker.yml`',
      'remote include `https://gitlab.example.com/platform/ci/-/raw/main/scan.yml`',
      'project include `platform/ci-templates`',
      'template include `Security/Container-Scanning.gitlab-ci.yml`',
      'component include `$CI_SERVER_FQDN/platform/components/docker-build@1.4.0`',
    ]);
    // The local include next to them still resolves.
    expect(job(p, 'build').image?.image.value).toBe('docker:27.3');
  });
});

describe('YAML problems', () => {
  it('reports malformed YAML once, at the offending line', () => {
    let p: Pipeline | undefined;
    expect(() => (p = parseFixture(join('invalid', 'bad-yaml')))).not.toThrow();
    expect(p!.issues.map((i) => [i.kind, lineOf(i.span)])).toEqual([['parse-error', '.gitlab-ci.yml:8']]);
    expect(p!.jobs).toEqual([]);
  });

  it('reports malformed YAML in an included file there, and keeps the rest of the pipeline', () => {
    const p = parseMemory({
      '.gitlab-ci.yml': 'include: ci/broken.yml\nbuild:\n  image: docker:27.3\n  script: [docker build .]\n',
      'ci/broken.yml': '.dind:\n  image: docker:27.3\n\tservices: [docker:27.3-dind]\n',
    });
    expect(p.issues.map((i) => [i.kind, lineOf(i.span)])).toEqual([['parse-error', 'ci/broken.yml:3']]);
    expect(p.jobs.map((j) => j.name)).toEqual(['build']);
  });

  it('reports a duplicate key at the repeated key and keeps the last value', () => {
    const p = parseFixture(join('invalid', 'duplicate-key'));
    expect(p.issues.map((i) => [i.kind, at(i.span), spanText(i.span)])).toEqual([
      ['duplicate-key', '.gitlab-ci.yml:7:3', 'image'],
    ]);
    expect(p.issues[0].message).toContain('line 2');
    const build = job(p, 'build');
    expect(build.image?.image.value).toBe('docker:27.3');
    expect(at(build.image!.image.span)).toBe('.gitlab-ci.yml:7:10');
    expect(build.services.map((s) => s.image.value)).toEqual(['docker:24.0-dind']);
  });
});
