import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { repo, run } from '../cli/helpers.js';
import type { Strategy } from '../../src/engine/rule.js';
import { corpus, mutate, mutation, type Mutation } from './mutations.js';

const files = corpus({ translations: true });

/** Inputs the property below once failed on, each a bug fixed since: kept as tests of their own. */
const FOUND: [string, Mutation[], Strategy | undefined, boolean][] = [
  // A Jenkinsfile cut inside a string was still translated (the Groovy parser recovers).
  ['test/fixtures/translate/jenkins-agent/input/Jenkinsfile', [{ kind: 'truncate', at: 1028385984 }], 'buildah', false],
  // A template's services removed while jobs still read them with !reference.
  ['test/fixtures/gitlab/reference-tag/.gitlab-ci.yml', [], 'socket', false],
  // DOCKER_TLS_CERTDIR added where the job never saw it, once per pass.
  ['test/fixtures/gitlab/reference-tag/.gitlab-ci.yml', [{ kind: 'delete', at: 1293245355 }], undefined, true],
  // A template's variable removed while a job read it with !reference.
  ['test/fixtures/translate/references/input/.gitlab-ci.yml', [{ kind: 'delete', at: 2117899992 }], 'buildah', false],
  // ... or while a job's key (not a variable) read it.
  ['test/fixtures/translate/references/input/.gitlab-ci.yml', [{ kind: 'indent', at: 240260436, delta: -2 }], 'buildkit', false],
  // A job that only pulled was left with no script.
  ['test/fixtures/translate/basic/input/.gitlab-ci.yml', [{ kind: 'truncate', at: 799701789 }], 'kaniko', false],
  // A service kept under a hidden key, given variables by a fix, was checked as a job template.
  ['test/fixtures/gitlab/anchors/.gitlab-ci.yml', [{ kind: 'delete', at: 387586872 }], undefined, true],
  // A template emptied by the translation was left null.
  ['test/fixtures/gitlab/reference-tag/.gitlab-ci.yml', [{ kind: 'truncate', at: 405683591 }, { kind: 'delete', at: 1772868172 }], 'socket', false],
  // A key added to a template after its anchored `variables: &v` went between the key and its value.
  ['test/fixtures/translate/nested-references/input/.gitlab-ci.yml', [{ kind: 'bom' }, { kind: 'truncate', at: 129927663 }], 'kaniko', false],
  // A list in `default: services:` (a `!reference` to one) was copied into the job as its resolved value.
  ['test/fixtures/gitlab/default-inherit/.gitlab-ci.yml', [{ kind: 'delete', at: 221835870 }], 'kaniko', false],
  // A Jenkinsfile with a stray control character was fixed, because the translation removed the line that held it.
  ['test/fixtures/jenkins/valid/pod-template-containers/Jenkinsfile', [{ kind: 'bytes', at: 1563680927, bytes: [1] }], 'buildah', false],
];


interface JsonReport {
  findings: { rule: string; file: string; message: string }[];
}

/**
 * How many problems a lint reports in the file: parse errors of its own language (YAML, TOML, Groovy, or
 * a read error), parse errors of pod YAML embedded in a Jenkinsfile's strings, and structural findings.
 */
function problemsOf(stdout: string, name: string): { own: number; embedded: number; structure: number } {
  const findings = stdout === '' ? [] : (JSON.parse(stdout) as JsonReport).findings.filter((f) => f.file === name);
  const errors = findings.filter((f) => f.rule === 'parse-error');
  const embedded = errors.filter((f) => f.message.startsWith('pod YAML:')).length;
  const structure = findings.filter((f) => STRUCTURE.has(f.rule)).length;
  return { own: errors.length - embedded, embedded, structure };
}

/** Findings about a file's structure, which no fix may add to. */
const STRUCTURE = new Set(['schema', 'runner-schema', 'duplicate-key', 'bad-reference', 'include-error', 'include-unresolved']);

const BOM = '\xef\xbb\xbf';

/** Which line endings a text (as latin1 bytes) uses: lone LF, CRLF. */
function endings(text: string): { lf: boolean; crlf: boolean } {
  return { lf: /(^|[^\r])\n/.test(text), crlf: text.includes('\r\n') };
}

/**
 * Fixes one mutated file and checks the outcome: a clear exit; a file changed only if it parsed, and
 * then still parsing, with no new structural finding (schema, duplicate key, broken reference), and
 * with its BOM and line endings.
 */
function fixAndCheck(which: number, ms: readonly Mutation[], strategy: Strategy | undefined, unsafe: boolean): void {
  const [name, text] = files[which];
  const before = ms.reduce(mutate, text);
  const dir = repo({ [name]: Buffer.from(before, 'latin1') });
  const was = problemsOf(run(['--format', 'json', '--no-config'], dir).stdout, name);
  const args = ['fix', '--no-config', ...(strategy ? ['--strategy', strategy] : []), ...(unsafe ? ['--unsafe-fixes'] : [])];
  const r = run(args, dir);
  if (r.code === 2) expect(r.stderr).toMatch(/^cilint: [^\n]+\n/);
  else expect([0, 1]).toContain(r.code);
  expect(r.stderr).not.toMatch(/internal error|did not settle|\n\s+at /);
  const after = readFileSync(join(dir, name), 'latin1');
  if (after === before) return;
  // Only a file that parses is fixed, and what fix wrote parses too (pod YAML in a Jenkinsfile is a
  // string to Groovy: a fix elsewhere may leave its errors, never add one); the form is kept.
  expect(was.own).toBe(0);
  const now = problemsOf(run(['--format', 'json', '--no-config'], dir).stdout, name);
  expect(now.own).toBe(0);
  expect(now.embedded).toBeLessThanOrEqual(was.embedded);
  expect(now.structure).toBeLessThanOrEqual(was.structure);
  expect(after.startsWith(BOM)).toBe(before.startsWith(BOM));
  const eolBefore = endings(before);
  const eolAfter = endings(after);
  if (!eolBefore.lf) expect(eolAfter.lf).toBe(false);
  if (!eolBefore.crlf) expect(eolAfter.crlf).toBe(false);
}

describe('cilint fix on mutated configurations', () => {
  it.each(FOUND)('once failed: %s %j %s, unsafe fixes: %s', (source, ms, strategy, unsafe) => {
    const which = files.findIndex(([, , s]) => s === source);
    expect(which).toBeGreaterThanOrEqual(0);
    fixAndCheck(which, ms, strategy, unsafe);
  });

  // FUZZ_RUNS and FUZZ_SEED run more or other cases (e.g. FUZZ_RUNS=5000 FUZZ_SEED=7).
  it('never writes a file that does not parse, nor one more broken, and keeps its BOM and line endings', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: files.length - 1 }),
        fc.array(mutation, { minLength: 0, maxLength: 3 }),
        fc.constantFrom<Strategy | undefined>(undefined, 'kaniko', 'buildah', 'buildkit', 'socket'),
        fc.boolean(),
        fixAndCheck,
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400), seed: Number(process.env.FUZZ_SEED ?? 20261123) },
    );
  });
});
