/**
 * cilint's Groovy parser against Groovy itself. Every fixture (whole Jenkinsfiles under valid/ and
 * invalid/, and the small cases under snippets/) is compiled to the CONVERSION phase by Debian's groovy
 * (2.4, the Groovy line Jenkins runs) through scripts/groovy-check/Check.groovy, in one JVM. cilint must
 * report errors for exactly the files Groovy rejects, its first error within two lines of Groovy's.
 *
 * groovy is a test dependency: `.ci/run` installs it. Without it these tests fail; they never skip.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGroovy } from '../../../src/parsers/jenkins/groovy/parser.js';
import { lineAt, snippetCases, wholeFileFixtures, type GroovySource } from './fixtures.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHECKER = join(REPO_ROOT, 'scripts/groovy-check/Check.groovy');
/** Debian's groovy launcher needs JAVA_HOME; this is where Debian's OpenJDK 17 lives. */
const DEBIAN_JAVA_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';
const MISSING_GROOVY =
  'groovy is not installed, so cilint cannot be checked against the real Groovy parser. Install it with ' +
  '`apt-get update && apt-get install -y --no-install-recommends groovy` (as .ci/run does).';

interface Verdict {
  readonly file: string;
  readonly ok: boolean;
  readonly line?: number | null;
  readonly column?: number | null;
  readonly message?: string;
}

const fixtures = wholeFileFixtures();
const snippets = snippetCases();
/** The Jenkinsfiles `cilint fix --strategy` writes (the expected trees of test/fixtures/translate/jenkins-…): Groovy must accept them. */
const TRANSLATED = join(REPO_ROOT, 'test/fixtures/translate');
const translated: GroovySource[] = readdirSync(TRANSLATED)
  .filter((d) => d.startsWith('jenkins-'))
  .flatMap((d) => readdirSync(join(TRANSLATED, d)).filter((e) => e.startsWith('expected-')).map((e) => `${d}/${e}/Jenkinsfile`))
  .filter((rel) => existsSync(join(TRANSLATED, rel)))
  .sort()
  .map((rel) => ({ name: `translate/${rel}`, text: readFileSync(join(TRANSLATED, rel), 'utf8'), expect: 'valid' as const }));
const verdicts = new Map<string, Verdict>();
let groovyFound = false;

function onPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

beforeAll(() => {
  const groovy = onPath('groovy');
  if (groovy === null) return;
  groovyFound = true;
  const scratch = mkdtempSync(join(tmpdir(), 'cilint-groovy-'));
  try {
    const sources = [...fixtures, ...snippets, ...translated];
    const files = sources.map((source, i) => {
      const file = join(scratch, `${i}.groovy`);
      writeFileSync(file, source.text, 'utf8');
      return file;
    });
    const env = { ...process.env };
    if (existsSync(DEBIAN_JAVA_HOME)) env.JAVA_HOME = DEBIAN_JAVA_HOME;
    const output = execFileSync(groovy, [CHECKER, ...files], { env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
    const byFile = new Map<string, Verdict>();
    for (const line of output.split('\n').filter((l) => l.startsWith('{'))) {
      const verdict = JSON.parse(line) as Verdict;
      byFile.set(verdict.file, verdict);
    }
    sources.forEach((source, i) => {
      const verdict = byFile.get(files[i]!);
      if (verdict) verdicts.set(source.name, verdict);
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}, 120_000);

function groovyVerdict(source: GroovySource): Verdict {
  if (!groovyFound) throw new Error(MISSING_GROOVY);
  const verdict = verdicts.get(source.name);
  if (!verdict) throw new Error(`Check.groovy printed no verdict for ${source.name}`);
  return verdict;
}

function expectSameVerdict(source: GroovySource, verdict: Verdict): void {
  const { errors } = parseGroovy(source.text);
  const summary = errors.map((e) => `${lineAt(source.text, e.start)}: ${e.message}`);
  if (verdict.ok) {
    expect(summary).toEqual([]);
    return;
  }
  expect(summary.length).toBeGreaterThan(0);
  if (verdict.line != null) {
    const ours = lineAt(source.text, errors[0]!.start);
    expect({ groovy: verdict.line, message: verdict.message, cilint: ours, near: Math.abs(ours - verdict.line) <= 2 })
      .toEqual({ groovy: verdict.line, message: verdict.message, cilint: ours, near: true });
  }
}

describe('the Groovy toolchain', () => {
  it('is installed', () => {
    if (!groovyFound) throw new Error(MISSING_GROOVY);
    expect(verdicts.size).toBe(fixtures.length + snippets.length + translated.length);
  });
});

describe('Jenkinsfile fixtures: cilint rejects exactly what Groovy 2.4 rejects', () => {
  it('has valid and invalid fixtures', () => {
    expect(fixtures.filter((f) => f.expect === 'valid').length).toBeGreaterThanOrEqual(10);
    expect(fixtures.filter((f) => f.expect === 'invalid').length).toBeGreaterThanOrEqual(10);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const verdict = groovyVerdict(fixture);
    // The folder a fixture sits in must be Groovy's own verdict.
    expect({ fixture: fixture.name, acceptedByGroovy: verdict.ok, message: verdict.message })
      .toEqual({ fixture: fixture.name, acceptedByGroovy: fixture.expect === 'valid', message: verdict.message });
    expectSameVerdict(fixture, verdict);
  });
});

describe('Groovy snippets: cilint rejects exactly what Groovy 2.4 rejects', () => {
  it('has both accepted and rejected snippets', () => {
    expect(snippets.length).toBeGreaterThan(300);
  });

  it.each(snippets.map((s) => [s.name, s] as const))('%s', (_name, snippet) => {
    expectSameVerdict(snippet, groovyVerdict(snippet));
  });
});

describe('fixed Jenkinsfiles: Groovy 2.4 and cilint accept what `cilint fix --strategy` writes', () => {
  it('has the translated Jenkinsfiles', () => {
    expect(translated.length).toBeGreaterThanOrEqual(6);
  });

  it.each(translated.map((t) => [t.name, t] as const))('%s', (_name, source) => {
    const verdict = groovyVerdict(source);
    expect({ file: source.name, ok: verdict.ok, message: verdict.message }).toEqual({ file: source.name, ok: true, message: verdict.message });
    expectSameVerdict(source, verdict);
  });
});
