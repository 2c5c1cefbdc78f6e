#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { stringify } from 'yaml';
import { RULES } from '../rules/index.js';
import { UsageError } from './engine/discover.js';
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

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function lint(paths: string[], flags: LintFlags): number {
  const cwd = process.cwd();
  const result = lintPaths({ paths, cwd, kind: flags.kind, rules: RULES, executor: flags.executor });
  if (result.targets.length === 0) {
    process.stderr.write(`cilint: no GitLab CI configuration found in ${paths.length ? paths.join(', ') : '.'} (looked for .gitlab-ci.yml and *.gitlab-ci.yml)\n`);
    return EXIT_OK;
  }
  const out =
    flags.format === 'json'
      ? formatJson(result.findings, cwd)
      : formatStylish(result.findings, cwd, { enabled: shouldColor(process.env, Boolean(process.stdout.isTTY)) });
  process.stdout.write(out);
  const threshold = SEVERITY_RANK[flags.failOn];
  return result.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? EXIT_FINDINGS : EXIT_OK;
}

function resolve(file: string, flags: { format: 'yaml' | 'json' }): number {
  const cwd = process.cwd();
  const { config, problems } = resolveFile(file, cwd);
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stdout.write(flags.format === 'json' ? JSON.stringify(config, null, 2) + '\n' : stringify(config, { aliasDuplicateObjects: false, lineWidth: 0 }));
  return problems.some((p) => p.includes(' error ')) ? EXIT_FINDINGS : EXIT_OK;
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('cilint')
    .description('Lint CI pipeline configuration for container-build hazards (Docker-in-Docker, socket binding, TLS).')
    .version(version())
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`cilint: ${str.replace(/^error: /, '')}`) });

  program
    .command('lint', { isDefault: true })
    .description('lint files and directories (default: the current directory)')
    .argument('[paths...]', 'files or directories to lint')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json']).default('stylish'))
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(['error', 'warning', 'info']).default('warning'))
    .addOption(new Option('--kind <kind>', 'read the named files as this kind of configuration, whatever their names').choices(['gitlab']))
    .addOption(new Option('--executor <executor>', 'the runner executor that runs the jobs').choices(['docker', 'kubernetes']).default('docker'))
    .action((paths: string[], flags: LintFlags) => setExit(lint(paths, flags)));

  program
    .command('resolve')
    .description('print the effective pipeline: includes merged, extends/default/inherit applied, anchors and !reference expanded')
    .argument('<file>', 'the pipeline file (.gitlab-ci.yml)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .action((file: string, flags: { format: 'yaml' | 'json' }) => setExit(resolve(file, flags)));

  return program;
}

export function main(argv: string[]): number {
  let code = EXIT_OK;
  const program = buildProgram((c) => (code = c));
  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`cilint: ${e.message}\n`);
      return EXIT_USAGE;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`cilint: internal error: ${message} (please report this with the file that caused it)\n`);
    return EXIT_USAGE;
  }
  return code;
}

process.exitCode = main(process.argv);
