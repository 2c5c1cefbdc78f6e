import { defineRule, reportModelIssues } from '../src/engine/rule.js';

/**
 * ## What it does
 * Reports a mapping that repeats a key, at the repeated key.
 *
 * ## Why is this bad?
 * GitLab keeps only the last value and silently drops the earlier one, so a job may lose its services,
 * variables or script without any error.
 *
 * ## How to fix
 * Merge the two entries into one, or rename one of them if both were meant to exist (two jobs with the
 * same name, for example).
 */
export default defineRule({
  slug: 'duplicate-key',
  severity: 'warning',
  summary: 'A mapping repeats a key; only the last value counts.',
  examples: [
    { platform: 'gitlab', bad: 'build:\n  script: make\n  script: make test\n' },
    { platform: 'gitlab', good: 'build:\n  script:\n    - make\n    - make test\n' },
  ],
  ...reportModelIssues('duplicate-key'),
});
