import type { Severity } from '../engine/rule.js';
import { locate } from './location.js';
import { summaryLine, type ReportInput } from './summary.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** GitHub Actions' escaping for workflow command data and properties. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::warning file=…,line=…,col=…,title=…::message` workflow commands, one per finding. */
export function formatGithub(input: ReportInput): string {
  const lines = input.findings.map((f) => {
    const loc = locate(f, input.cwd);
    const props = [
      `file=${escapeProperty(loc.file)}`,
      `line=${loc.line}`,
      `col=${loc.column}`,
      `endLine=${loc.endLine}`,
      `endColumn=${loc.endColumn}`,
      `title=${escapeProperty(`cilint ${f.rule}`)}`,
    ].join(',');
    return `::${COMMAND[f.severity]} ${props}::${escapeData(f.message)}`;
  });
  lines.push(summaryLine(input));
  return lines.join('\n') + '\n';
}
