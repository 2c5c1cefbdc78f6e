import type { Severity } from '../engine/rule.js';
import { locate } from './location.js';
import { summaryLine, type ReportInput } from './summary.js';

export interface Colors {
  enabled: boolean;
}

const CODES = { red: 31, yellow: 33, blue: 34, dim: 2, bold: 1, underline: 4 } as const;

function paint(c: Colors, code: keyof typeof CODES, text: string): string {
  return c.enabled ? `\u001b[${CODES[code]}m${text}\u001b[0m` : text;
}

const SEVERITY_COLOR: Record<Severity, keyof typeof CODES> = { error: 'red', warning: 'yellow', info: 'blue' };

/**
 * For people: findings grouped by file, each line `path:line:col  severity  message  rule` so that
 * terminals and editors can jump to it, then a summary line.
 */
export function formatStylish(input: ReportInput, colors: Colors): string {
  const { findings, cwd } = input;
  const lines: string[] = [];
  let current: string | undefined;
  for (const f of findings) {
    const loc = locate(f, cwd);
    if (loc.file !== current) {
      if (current !== undefined) lines.push('');
      lines.push(paint(colors, 'underline', loc.file));
      current = loc.file;
    }
    const where = `${loc.file}:${loc.line}:${loc.column}`;
    lines.push(
      `  ${where}  ${paint(colors, SEVERITY_COLOR[f.severity], f.severity.padEnd(7))}  ${f.message}  ${paint(colors, 'dim', f.rule)}`,
    );
  }
  if (findings.length > 0) lines.push('');
  lines.push(paint(colors, 'bold', `${summaryLine(input)}.`));
  return lines.join('\n') + '\n';
}

/** Color only on a terminal, unless NO_COLOR or FORCE_COLOR say otherwise (no-color.org, force-color.org). */
export function shouldColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY;
}
