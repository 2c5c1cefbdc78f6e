import { defineRule, reportModelIssues } from '../src/engine/rule.js';

/**
 * ## What it does
 * Reports an `extends:` or `!reference` that names nothing in the pipeline (after includes), that loops
 * back on itself, or that nests deeper than GitLab allows.
 *
 * ## Why is this bad?
 * GitLab refuses the pipeline. cilint resolves the rest and lints the job without the missing part,
 * so other findings for that job may be incomplete.
 *
 * ## How to fix
 * Correct the name (hidden templates start with a dot), include the file that defines it, or break
 * the cycle.
 */
export default defineRule({
  slug: 'bad-reference',
  severity: 'error',
  summary: 'An `extends` or `!reference` that names nothing, or loops.',
  examples: [
    { platform: 'gitlab', bad: 'build:\n  extends: .docker-build\n  script: make\n' },
    { platform: 'gitlab', bad: 'build:\n  script:\n    - !reference [.setup, script]\n' },
    {
      platform: 'gitlab',
      good: '.setup:\n  script: [echo setup]\nbuild:\n  extends: .setup\n  after_script:\n    - !reference [.setup, script]\n',
    },
  ],
  ...reportModelIssues('bad-reference'),
});
