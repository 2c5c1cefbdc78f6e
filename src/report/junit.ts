import { locate } from './location.js';
import type { ReportInput } from './summary.js';

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 cannot carry most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/**
 * JUnit XML for Jenkins' `junit` step and other CI dashboards: one testcase per linted file, one
 * failure per finding. Suppressed findings are counted as skipped.
 */
export function formatJunit(input: ReportInput & { files: readonly string[] }): string {
  const byFile = new Map<string, { loc: ReturnType<typeof locate>; rule: string; severity: string; message: string }[]>();
  for (const file of input.files) byFile.set(file, []);
  for (const f of input.findings) {
    const loc = locate(f, input.cwd);
    if (!byFile.has(loc.file)) byFile.set(loc.file, []);
    byFile.get(loc.file)!.push({ loc, rule: f.rule, severity: f.severity, message: f.message });
  }
  const suppressedByFile = new Map<string, number>();
  for (const f of input.suppressed) {
    const file = locate(f, input.cwd).file;
    suppressedByFile.set(file, (suppressedByFile.get(file) ?? 0) + 1);
  }
  const files = [...byFile.keys()].sort();
  const failing = files.filter((f) => byFile.get(f)!.length > 0).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cilint" tests="${files.length}" failures="${failing}" errors="0">`,
    `  <testsuite name="cilint" tests="${files.length}" failures="${failing}" errors="0" skipped="0">`,
  ];
  for (const file of files) {
    const found = byFile.get(file)!;
    const suppressed = suppressedByFile.get(file) ?? 0;
    const props = suppressed > 0 ? `\n      <properties><property name="suppressed" value="${suppressed}"/></properties>` : '';
    if (found.length === 0) {
      lines.push(`    <testcase classname="cilint" name="${xml(file)}">${props ? `${props}\n    ` : ''}</testcase>`);
      continue;
    }
    lines.push(`    <testcase classname="cilint" name="${xml(file)}">${props}`);
    for (const x of found) {
      const where = `${x.loc.file}:${x.loc.line}:${x.loc.column}`;
      lines.push(
        `      <failure type="${xml(x.rule)}" message="${xml(`${where} ${x.message}`)}">${xml(`${where} ${x.severity} ${x.message} [${x.rule}]`)}</failure>`,
      );
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}
