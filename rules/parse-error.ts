import { defineRule, reportModelIssues } from '../src/engine/rule.js';

/**
 * ## What it does
 * Reports a configuration file that cannot be read as YAML: the line and column where parsing stopped.
 *
 * ## Why is this bad?
 * GitLab refuses the whole pipeline, and cilint cannot check a file it cannot read.
 *
 * ## How to fix
 * Correct the syntax at the reported position (indentation, an unclosed quote or bracket, a tab).
 */
export default defineRule({
  slug: 'parse-error',
  severity: 'error',
  summary: 'The file is not valid YAML (or not a configuration at all).',
  examples: [
    { platform: 'gitlab', bad: 'build:\n  script: [echo "unclosed\n' },
    { platform: 'gitlab', good: 'build:\n  script: echo hi\n' },
  ],
  check: reportModelIssues('parse-error'),
});
