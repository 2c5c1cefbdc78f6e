import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { stringify } from 'yaml';
import { RULES } from '../rules/index.js';
import { UsageError } from './engine/discover.js';
import { UnreadableFileError } from './parsers/gitlab/include.js';
import { lintPaths } from './engine/lint.js';
import { resolveFile } from './engine/resolve.js';
import { SEVERITY_RANK, type Severity } from './engine/rule.js';
import { formatJson } from './report/json.js';
import { formatStylish, shouldColor } from './report/stylish.js';
import type { Executor } from './docker/hostnames.js';
import type { FileKind } from './engine/discover.js';

const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;

interface LintFlags {
  format: 'stylish' | 'json';
  failOn: Severity;
  kind?: FileKind;
  executor: Executor;
}

/** cilint's own package.json, found upwards from this module (it runs from src/ in tests, dist/src/ once built). */
function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cilint' && pkg.version) return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}

/** Where the CLI reads and writes: the real process in `bin.ts`, a capture in tests. */
export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
}

function lint(io: Io, paths: string[], flags: LintFlags): number {
  const cwd = io.cwd;
  const result = lintPaths({ paths, cwd, kind: flags.kind, rules: RULES, executor: flags.executor });
  if (result.targets.length === 0) {
    io.stderr(`cilint: no CI configuration found in ${paths.length ? paths.join(', ') : '.'} (looked for .gitlab-ci.yml, *.gitlab-ci.yml, and runner configs: *.toml and Helm values*.yaml with a [[runners]] table)\n`);
    return EXIT_OK;
  }
  const out =
    flags.format === 'json'
      ? formatJson(result.findings, cwd)
      : formatStylish(result.findings, cwd, { enabled: shouldColor(io.env, io.isTTY) });
  io.stdout(out);
  const threshold = SEVERITY_RANK[flags.failOn];
  return result.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? EXIT_FINDINGS : EXIT_OK;
}

function resolve(io: Io, file: string, flags: { format: 'yaml' | 'json' }): number {
  const { config, problems } = resolveFile(file, io.cwd);
  for (const p of problems) io.stderr(`${p.text}\n`);
  io.stdout(flags.format === 'json' ? JSON.stringify(config, null, 2) + '\n' : stringify(config, { aliasDuplicateObjects: false, lineWidth: 0 }));
  return problems.some((p) => p.isError) ? EXIT_FINDINGS : EXIT_OK;
}

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('cilint')
    .description('Lint CI pipeline configuration for container-build hazards (Docker-in-Docker, socket binding, TLS).')
    .version(version())
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
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json']).default('stylish'))
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(['error', 'warning', 'info']).default('warning'))
    .addOption(new Option('--kind <kind>', 'read the named files as this kind of configuration, whatever their names').choices(['gitlab', 'runner']))
    .addOption(new Option('--executor <executor>', 'the runner executor that runs the jobs').choices(['docker', 'kubernetes']).default('docker'))
    .action((paths: string[], flags: LintFlags) => setExit(lint(io, paths, flags)));

  program
    .command('resolve')
    .description('print the effective pipeline: includes merged, extends/default/inherit applied, anchors and !reference expanded')
    .argument('<file>', 'the pipeline file (.gitlab-ci.yml)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .action((file: string, flags: { format: 'yaml' | 'json' }) => setExit(resolve(io, file, flags)));

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
