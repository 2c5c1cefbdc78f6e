import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { repo, run, scratch } from '../cli/helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const schema = (name: string) => JSON.parse(readFileSync(join(root, 'schemas', name), 'utf8'));
const validateCodeQuality = new Ajv2020({ allErrors: true }).compile(schema('codequality.schema.json'));

const PIPELINE = `variables:
  DOCKER_TLS_CERTDIR: ""
build:
  image: docker:latest
  services:
    - docker:dind
  script:
    - docker login -u u -p "$PASS" registry.example.com
    - docker build .
test:
  image: docker:latest
  script: docker version
`;

describe('codequality', () => {
  it('writes GitLab Code Quality JSON that the schema accepts, with unique fingerprints', () => {
    const dir = repo({ '.gitlab-ci.yml': PIPELINE });
    const r = run(['--format', 'codequality'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(validateCodeQuality(report)).toBe(true);
    const prints = report.map((i: { fingerprint: string }) => i.fingerprint);
    expect(new Set(prints).size).toBe(prints.length);
    expect(report.find((i: { check_name: string }) => i.check_name === 'tls-disabled')).toMatchObject({
      severity: 'major',
      location: { path: '.gitlab-ci.yml', lines: { begin: 2 } },
    });
    // The same unpinned text twice (two jobs' images) still gets two fingerprints.
    expect(report.filter((i: { check_name: string }) => i.check_name === 'unpinned-docker-image').length).toBe(3);
  });

  it('keeps fingerprints when unrelated lines are added above the findings', () => {
    const before = JSON.parse(run(['--format', 'codequality'], repo({ '.gitlab-ci.yml': PIPELINE })).stdout);
    const edited = `# a comment\nstages: [build, test]\n\n${PIPELINE}`;
    const after = JSON.parse(run(['--format', 'codequality'], repo({ '.gitlab-ci.yml': edited })).stdout);
    const byPrint = (xs: { fingerprint: string; location: { lines: { begin: number } } }[]) =>
      new Map(xs.map((x) => [x.fingerprint, x.location.lines.begin]));
    const a = byPrint(before);
    const b = byPrint(after);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [fp, line] of a) expect(b.get(fp)).toBe(line + 3);
  });

  it('writes the report with --output and summarises on stderr', () => {
    const dir = repo({ '.gitlab-ci.yml': PIPELINE });
    const r = run(['--format', 'codequality', '--output', 'gl-code-quality-report.json'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/problems .*codequality report written to gl-code-quality-report\.json/);
    expect(validateCodeQuality(JSON.parse(readFileSync(join(dir, 'gl-code-quality-report.json'), 'utf8')))).toBe(true);
  });
});

describe('sarif', () => {
  const multitool = join(root, 'node_modules/@microsoft/sarif-multitool/bin.js');

  /** Microsoft's SARIF validator: the results it reports about our log, as "RULE level: message" lines. */
  function sarifValidate(log: string): string[] {
    const dir = scratch('cilint-sarif-');
    writeFileSync(join(dir, 'cilint.sarif'), log);
    execFileSync('node', [multitool, 'validate', join(dir, 'cilint.sarif'), '--output', join(dir, 'out.sarif')], {
      stdio: 'pipe',
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    });
    const out = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
    return (out.runs[0].results ?? [])
      .filter((r: { level?: string }) => r.level === 'error' || r.level === 'warning')
      .map((r: { ruleId: string; level: string; message: { id?: string; arguments?: string[] } }) => `${r.ruleId} ${r.level}: ${(r.message.arguments ?? []).join(' | ')}`);
  }

  it('produces SARIF 2.1.0 that Microsoft\'s validator accepts, with rules and regions', () => {
    const dir = repo({ '.gitlab-ci.yml': `${PIPELINE}other:\n  # cilint-disable-next-line unpinned-docker-image -- demo only\n  image: docker:latest\n  script: docker version\n` });
    const r = run(['--format', 'sarif'], dir);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(sarifValidate(r.stdout)).toEqual([]);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('cilint');
    expect(driver.version).toMatch(/^\d+\.\d+\.\d+$/);
    const tls = driver.rules.find((x: { id: string }) => x.id === 'tls-disabled');
    expect(tls.helpUri).toMatch(/^https:\/\/.+\/docs\/rules\/tls-disabled\.md$/);
    expect(tls.defaultConfiguration.level).toBe('warning');
    expect(tls.fullDescription.text.length).toBeGreaterThan(20);
    const result = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'tls-disabled');
    expect(result.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: '.gitlab-ci.yml' },
      region: { startLine: 2, startColumn: 23 },
    });
    const login = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'login-password-arg');
    expect(login.fixes[0].artifactChanges[0].replacements).toEqual([
      { deletedRegion: { startLine: 8, startColumn: 7, endLine: 8, endColumn: 7 }, insertedContent: { text: 'printf \'%s\\n\' "$PASS" | ' } },
      { deletedRegion: { startLine: 8, startColumn: 25, endLine: 8, endColumn: 35 }, insertedContent: { text: '--password-stdin' } },
    ]);
    const suppressed = log.runs[0].results.filter((x: { suppressions?: unknown[] }) => x.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0].suppressions[0]).toEqual({ kind: 'inSource', justification: 'demo only' });
  });
});

describe('junit', () => {
  it('writes one testcase per linted file and one failure per finding', () => {
    const dir = repo({ '.gitlab-ci.yml': PIPELINE, 'clean/.gitlab-ci.yml': 'test:\n  image: node:20\n  script: npm test\n' });
    const r = run(['--format', 'junit'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="cilint" tests="2" failures="1"/);
    expect(r.stdout).toContain('<testcase classname="cilint" name="clean/.gitlab-ci.yml"></testcase>');
    const failures = r.stdout.match(/<failure /g) ?? [];
    const findings = JSON.parse(run(['--format', 'json'], dir).stdout).findings;
    expect(failures).toHaveLength(findings.length);
    expect(r.stdout).toContain('type="login-password-arg" message=".gitlab-ci.yml:8:');
    expect(r.stdout).not.toMatch(/message="[^"]*[<>][^"]*"/);
  });
});

describe('github', () => {
  it('writes workflow commands with file, line, col and title', () => {
    const dir = repo({ '.gitlab-ci.yml': PIPELINE });
    const lines = run(['--format', 'github'], dir).stdout.trim().split('\n');
    expect(lines).toContain(
      '::warning file=.gitlab-ci.yml,line=2,col=23,endLine=2,endColumn=25,title=cilint tls-disabled::DOCKER_TLS_CERTDIR is empty, so the dind daemon listens on port 2375 without authentication; set it to "/certs" and use tcp://docker:2376.',
    );
    expect(lines.some((l) => l.startsWith('::notice file=.gitlab-ci.yml,line=4,'))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^\d+ problems \(/);
  });
});
