import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve as resolvePath, sep } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { stringify } from 'yaml';
import { RULES } from '../rules/index.js';
import type { Executor } from './docker/hostnames.js';
import { defaultConfig, findConfig, type Config } from './engine/config.js';
import { UsageError, type FileKind } from './engine/discover.js';
import { lintPaths, type LintOptions, type LintResult } from './engine/lint.js';
import { fixPaths, MAX_PASSES, writeChanges } from './engine/fix.js';
import { jitTuned } from './engine/jit.js';
import { createTwoFilesPatch } from 'diff';
import { packageJson } from './engine/package-root.js';
import { resolveFile } from './engine/resolve.js';
import { ruleDocs } from './engine/rule-docs.js';
import { SEVERITY_RANK, STRATEGIES, type Finding, type Severity, type Strategy } from './engine/rule.js';
import { closest } from './parsers/runner/suggest.js';
import { UnreadableFileError } from './parsers/gitlab/include.js';
import { formatCodeQuality } from './report/codequality.js';
import { formatGithub } from './report/github.js';
import { formatJson } from './report/json.js';
import { formatJunit } from './report/junit.js';
import { displayPath } from './report/location.js';
import { formatSarif } from './report/sarif.js';
import { formatStylish, shouldColor } from './report/stylish.js';
import { summaryLine, type ReportInput } from './report/summary.js';

const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;

const FORMATS = ['stylish', 'json', 'codequality', 'sarif', 'junit', 'github'] as const;
type Format = (typeof FORMATS)[number];

/** Where the CLI reads and writes: the real process in `bin.ts`, a capture in tests. */
export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input, read only for `--stdin`. */
  readStdin?(): string;
  /** The CLI is a process of its own (`bin.ts`), whose V8 a big lint or fix may tune (engine/jit.ts). */
  ownProcess?: boolean;
}

interface LintFlags {
  format: Format;
  output?: string;
  failOn?: Severity;
  kind?: FileKind;
  executor?: Executor;
  config: string | false;
  inlineConfig: boolean;
  reportUnusedDisables?: boolean;
  stdin?: boolean;
  stdinFilename?: string;
  concurrency?: string;
}

function loadConfig(io: Io, paths: string[], flags: LintFlags): Config {
  if (flags.config === false) return defaultConfig(io.cwd);
  if (typeof flags.config === 'string') return findConfig(io.cwd, resolvePath(io.cwd, flags.config), io.cwd);
  const first = flags.stdinFilename ?? paths[0] ?? '.';
  const abs = resolvePath(io.cwd, first);
  // A file starts the search in its folder; a directory (or a --stdin-filename that does not exist) in itself.
  const start = existsSync(abs) && statSync(abs).isDirectory() ? abs : dirname(abs);
  return findConfig(start, undefined, io.cwd);
}

function lint(io: Io, paths: string[], flags: LintFlags): number {
  if (flags.stdin && !flags.stdinFilename) throw new UsageError('--stdin needs --stdin-filename PATH (used to pick the file kind and resolve includes)');
  if (flags.stdin && paths.length > 0) throw new UsageError('--stdin lints standard input only; do not name paths with it');
  const config = loadConfig(io, paths, flags);
  const result = lintPaths({
    ...lintOptions(io, paths, flags, config),
    reportUnusedDisables: flags.reportUnusedDisables,
    stdin: flags.stdin ? { text: io.readStdin?.() ?? '', filename: flags.stdinFilename! } : undefined,
    concurrency: concurrencyOf(flags.concurrency),
  });
  for (const note of result.notes) io.stderr(`cilint: ${note}\n`);
  if (io.env.CILINT_THREADS === 'report') io.stderr(`cilint: linted in ${result.threads} thread${result.threads === 1 ? '' : 's'}\n`);
  if (io.env.CILINT_JIT === 'report') io.stderr(`cilint: V8 ${jitTuned() ? 'tuned' : 'not tuned'} for this lint\n`);
  if (result.targets.length === 0) {
    if (result.notes.length > 0) return EXIT_OK;
    io.stderr(
      `cilint: no CI configuration found in ${paths.length ? paths.join(', ') : '.'} (looked for .gitlab-ci.yml, *.gitlab-ci.yml, Jenkinsfiles (Jenkinsfile*, *.jenkinsfile, *.groovy defining a pipeline), and runner configs: *.toml and Helm values*.yaml with a [[runners]] table)\n`,
    );
    return EXIT_OK;
  }
  const input: ReportInput = { findings: result.findings, suppressed: result.suppressed, cwd: io.cwd };
  const out = render(io, flags, input, result);
  if (flags.output) {
    try {
      writeFileSync(resolvePath(io.cwd, flags.output), out);
    } catch (e) {
      throw new UsageError(`--output ${flags.output}: ${e instanceof Error ? e.message : String(e)}`);
    }
    io.stderr(`cilint: ${summaryLine(input)}; ${flags.format} report written to ${flags.output}\n`);
  } else io.stdout(out);
  return exitFor(result.findings, flags, config);
}

/** Each thread holds a heap of its own: a typo of `--concurrency 400` must not take the machine's memory. */
const MAX_CONCURRENCY = 64;

/** `--concurrency`: a number of threads, `auto` (the default) or `off` (one thread). */
function concurrencyOf(flag: string | undefined): number | 'auto' {
  if (flag === undefined || flag === 'auto') return 'auto';
  if (flag === 'off') return 1;
  if (/^[1-9][0-9]?$/.test(flag) && Number(flag) <= MAX_CONCURRENCY) return Number(flag);
  throw new UsageError(`--concurrency ${flag}: expected a number of threads from 1 to ${MAX_CONCURRENCY}, auto or off`);
}

/** What lint and fix read the same way from their flags. */
function lintOptions(io: Io, paths: string[], flags: LintFlags, config: Config): LintOptions {
  return {
    paths,
    cwd: io.cwd,
    kind: flags.kind,
    rules: RULES,
    config,
    executor: flags.executor,
    inlineConfig: flags.inlineConfig,
    tuneJit: io.ownProcess,
  };
}

/** 1 when a finding reaches `--fail-on` (or the config file's `fail-on`, else warning), 0 otherwise. */
function exitFor(findings: readonly Finding[], flags: LintFlags, config: Config): number {
  const threshold = SEVERITY_RANK[flags.failOn ?? config.failOn ?? 'warning'];
  return findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? EXIT_FINDINGS : EXIT_OK;
}

interface FixFlags extends LintFlags {
  unsafeFixes?: boolean;
  strategy?: Strategy;
  dryRun?: boolean;
  diff?: boolean;
}

function fix(io: Io, paths: string[], flags: FixFlags): number {
  const config = loadConfig(io, paths, flags);
  const strategy = flags.strategy ?? config.fix.strategy;
  const result = fixPaths(
    { ...lintOptions(io, paths, flags, config), fix: strategy ? { strategy, images: config.fix.images } : undefined },
    { unsafe: Boolean(flags.unsafeFixes), strategy },
  );
  for (const note of result.remaining.notes) io.stderr(`cilint: ${note}\n`);
  const show = (p: string) => displayPath(p, io.cwd);
  if (flags.diff) {
    for (const c of result.changes) io.stdout(createTwoFilesPatch(`a/${show(c.path)}`, `b/${show(c.path)}`, c.before, c.after, '', '', { context: 3 }));
  }
  const write = !flags.diff && !flags.dryRun;
  const outcome = write ? writeChanges(result.changes) : { written: [], failed: [] };
  if (!flags.diff) {
    const remaining: ReportInput = { findings: result.remaining.findings, suppressed: result.remaining.suppressed, cwd: io.cwd };
    if (remaining.findings.length > 0) io.stdout(formatStylish(remaining, { enabled: shouldColor(io.env, io.isTTY) }));
  }
  const lines: string[] = [];
  const verb = write ? 'applied' : 'would apply';
  const fixes = `${result.applied.length} fix${result.applied.length === 1 ? '' : 'es'}`;
  const files = `${result.changes.length} file${result.changes.length === 1 ? '' : 's'}`;
  const failed = outcome.failed.length;
  lines.push(
    failed === 0
      ? `${fixes} ${verb} in ${files}`
      : `${fixes} made in ${files}; ${failed === 1 ? 'one of the files' : `${failed} of the files`} could not be written, so the fixes in ${failed === 1 ? 'it are' : 'them are'} not applied (below)`,
  );
  for (const a of result.applied) {
    if (a.strategy) lines.push(`${write ? 'applied' : 'would apply'}: ${a.rule} (${a.title}) in ${show(a.file)}`);
  }
  const notes = [...new Set(result.applied.flatMap((a) => a.notes ?? []))];
  for (const note of notes) lines.push(`note: ${note}`);
  // Reasons name files by absolute path; shown, like every path, relative to the working directory.
  const relative = (text: string) => text.split(`${io.cwd.replace(/[\\/]+$/, '')}${sep}`).join('');
  for (const s of result.skipped) lines.push(`skipped: ${s.rule} (${s.title}) in ${show(s.file)}: ${relative(s.reason)}`);
  if (result.heldBack.length > 0) {
    const rules = [...new Set(result.heldBack.map((h) => h.rule))].join(', ');
    lines.push(`${result.heldBack.length} unsafe fix${result.heldBack.length === 1 ? '' : 'es'} held back (${rules}); apply with --unsafe-fixes`);
  }
  const dind = result.remaining.findings.filter((f) => f.rule === 'privileged-dind' && !/\.groovy$|Jenkinsfile/i.test(f.span.file.path));
  if (!strategy && dind.length > 0) {
    lines.push(
      `${dind.length} Docker-in-Docker service${dind.length === 1 ? '' : 's'} can be translated to a build without privilege: pass --strategy ${STRATEGIES.join('|')} (see README: Translating image builds)`,
    );
  }
  for (const rule of result.unconverged) lines.push(`bug: the fixes of ${rule} did not settle after ${MAX_PASSES} passes; please report it`);
  for (const f of outcome.failed) lines.push(`not written: ${show(f.path)}: ${f.reason}`);
  io.stderr(lines.map((l) => `cilint: ${l}\n`).join(''));
  if (outcome.failed.length > 0) return EXIT_USAGE;
  return exitFor(result.remaining.findings, flags, config);
}

function render(io: Io, flags: LintFlags, input: ReportInput, result: LintResult): string {
  switch (flags.format) {
    case 'json':
      return formatJson(input);
    case 'codequality':
      if (!flags.output && input.suppressed.length > 0) io.stderr(`cilint: ${input.suppressed.length} suppressed\n`);
      return formatCodeQuality(input);
    case 'sarif':
      return formatSarif(input, { version: packageJson().version, repositoryUrl: repositoryUrl(), rules: ruleDocs() });
    case 'junit': {
      return formatJunit({ ...input, files: result.files.map((f) => displayPath(f, io.cwd)) });
    }
    case 'github':
      return formatGithub(input);
    default:
      return formatStylish(input, { enabled: !flags.output && shouldColor(io.env, io.isTTY) });
  }
}

function repositoryUrl(): string {
  const pkg = packageJson() as { repository?: { url?: string } | string };
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  return (url ?? 'https://gitlab.com/cilint/cilint').replace(/^git\+/, '').replace(/\.git$/, '');
}

function resolve(io: Io, file: string, flags: { format: 'yaml' | 'json' }): number {
  const { config, problems } = resolveFile(file, io.cwd);
  for (const p of problems) io.stderr(`${p.text}\n`);
  io.stdout(flags.format === 'json' ? JSON.stringify(config, null, 2) + '\n' : stringify(config, { aliasDuplicateObjects: false, lineWidth: 0 }));
  return problems.some((p) => p.isError) ? EXIT_FINDINGS : EXIT_OK;
}

function listRules(io: Io, flags: { format: 'text' | 'json' }): number {
  const docs = ruleDocs();
  if (flags.format === 'json') {
    io.stdout(JSON.stringify(docs.map(({ slug, severity, summary, platforms }) => ({ slug, severity, summary, platforms, fixable: fixableOf(slug) })), null, 2) + '\n');
    return EXIT_OK;
  }
  const width = Math.max(...docs.map((d) => d.slug.length));
  const platformsWidth = Math.max(...docs.map((d) => d.platforms.join(',').length));
  for (const d of docs) {
    const fixable = fixableOf(d.slug);
    io.stdout(`${d.slug.padEnd(width)}  ${d.severity.padEnd(7)}  ${d.platforms.join(',').padEnd(platformsWidth)}  ${(fixable ? `fix:${fixable}` : '').padEnd(11)}  ${d.summary}\n`);
  }
  return EXIT_OK;
}

function fixableOf(slug: string): string | false {
  return RULES.find((r) => r.slug === slug)?.fixable ?? false;
}

function explain(io: Io, slug: string): number {
  const docs = ruleDocs();
  const doc = docs.find((d) => d.slug === slug);
  if (!doc) {
    const guess = closest(slug, docs.map((d) => d.slug));
    throw new UsageError(`no rule \`${slug}\`${guess ? `; did you mean \`${guess}\`?` : ''} (\`cilint rules\` lists them)`);
  }
  const out = [`${doc.slug} (${doc.severity}; ${doc.platforms.join(', ')})`, '', doc.summary, '', doc.doc.trim(), ''];
  const bad = doc.examples.filter((e) => e.bad !== undefined);
  const good = doc.examples.filter((e) => e.good !== undefined);
  if (bad.length) out.push('## Reported', '', ...bad.map((e) => indent(e.bad!)));
  if (good.length) out.push('## Not reported', '', ...good.map((e) => indent(e.good!)));
  io.stdout(out.join('\n') + '\n');
  return EXIT_OK;
}

function indent(text: string): string {
  return text.replace(/\n$/, '').split('\n').map((l) => `    ${l}`).join('\n') + '\n';
}

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('cilint')
    .description('Lint CI pipeline configuration for container-build hazards (Docker-in-Docker, socket binding, TLS).')
    .version(packageJson().version)
    .exitOverride()
    .configureOutput({
      writeOut: (str) => io.stdout(str),
      writeErr: (str) => io.stderr(str),
      outputError: (str) => io.stderr(`cilint: ${str.replace(/^error: /, '')}`),
    });

  program
    .command('lint', { isDefault: true })
    .description('lint files and directories (default: the current directory)')
    .argument('[paths...]', 'files or directories to lint')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('stylish'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1 (default: warning)').choices(['error', 'warning', 'info']))
    .addOption(new Option('--kind <kind>', 'read the named files as this kind of configuration, whatever their names').choices(['gitlab', 'runner', 'jenkins']))
    .addOption(new Option('--executor <executor>', 'the runner executor to assume when no runner config is linted (default: docker)').choices(['docker', 'kubernetes']))
    .option('-c, --config <file>', 'use this configuration file instead of searching for .cilint.yml')
    .option('--no-config', 'use no configuration file')
    .option('--no-inline-config', 'ignore cilint-disable comments')
    .option('--report-unused-disables', 'report cilint-disable comments that silence nothing')
    .option('--stdin', 'lint standard input (with --stdin-filename)')
    .option('--stdin-filename <path>', 'the path standard input stands for: picks the file kind and resolves includes')
    .option('--concurrency <threads>', 'threads to lint with: a number, off, or auto (default: one per 2 500 pipelines, up to 4 and the cores)')
    .action((paths: string[], flags: LintFlags) => setExit(lint(io, paths, flags)));

  program
    .command('fix')
    .description('apply fixes in place, keeping comments and formatting (safe fixes only, unless --unsafe-fixes; build translations with --strategy)')
    .argument('[paths...]', 'files or directories to fix')
    .option('--unsafe-fixes', 'also apply fixes that change behaviour or need something outside the file')
    .addOption(
      new Option('--strategy <strategy>', 'rewrite Docker-in-Docker image builds with this builder (default: fix.strategy from the config file)').choices(STRATEGIES),
    )
    .option('--dry-run', 'write nothing; say what would be fixed')
    .option('--diff', 'print a unified diff of the fixes and write nothing')
    .addOption(new Option('--fail-on <severity>', 'lowest remaining severity that makes the exit code 1 (default: warning)').choices(['error', 'warning', 'info']))
    .addOption(new Option('--kind <kind>', 'read the named files as this kind of configuration, whatever their names').choices(['gitlab', 'runner', 'jenkins']))
    .addOption(new Option('--executor <executor>', 'the runner executor to assume when no runner config is linted (default: docker)').choices(['docker', 'kubernetes']))
    .option('-c, --config <file>', 'use this configuration file instead of searching for .cilint.yml')
    .option('--no-config', 'use no configuration file')
    .option('--no-inline-config', 'ignore cilint-disable comments')
    .action((paths: string[], flags: FixFlags) => setExit(fix(io, paths, flags)));

  program
    .command('resolve')
    .description('print the effective pipeline: includes merged, extends/default/inherit applied, anchors and !reference expanded')
    .argument('<file>', 'the pipeline file (.gitlab-ci.yml)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .action((file: string, flags: { format: 'yaml' | 'json' }) => setExit(resolve(io, file, flags)));

  program
    .command('rules')
    .description('list every rule: slug, default severity, platforms, summary')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: { format: 'text' | 'json' }) => setExit(listRules(io, flags)));

  program
    .command('explain')
    .description("print a rule's documentation: what it does, why it is bad, how to fix it, examples")
    .argument('<rule>', 'the rule slug, e.g. missing-tls-certdir')
    .action((slug: string) => setExit(explain(io, slug)));

  return program;
}

/** Runs cilint with `args` (without the node and script paths) and returns the exit code. */
export function main(args: readonly string[], io: Io): number {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c));
  try {
    program.parse([...args], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof UsageError || e instanceof UnreadableFileError) {
      io.stderr(`cilint: ${e.message}\n`);
      return EXIT_USAGE;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`cilint: internal error: ${message} (please report this with the file that caused it)\n`);
    return EXIT_USAGE;
  }
  return code;
}
