import { defineRule, reportModelIssues } from '../src/engine/rule.js';

/**
 * ## What it does
 * Notes every `include:` that cilint does not read: `remote:`, `project:`, `template:` and `component:`
 * includes, and local paths built from variables.
 *
 * ## Why is this bad?
 * It is not bad in itself. cilint never reaches the network, so jobs and settings from these files are
 * not linted, and a finding that depends on them may be missing.
 *
 * ## How to fix
 * Nothing to fix. Lint the included project on its own, or turn the rule off in your configuration.
 */
export default defineRule({
  slug: 'include-unresolved',
  severity: 'info',
  summary: 'An include that cilint does not fetch (remote, project, template, component).',
  examples: [
    { platform: 'gitlab', bad: 'include:\n  - remote: https://example.com/ci.yml\nbuild:\n  script: make\n' },
    {
      platform: 'gitlab',
      good: 'include:\n  - local: ci/build.yml\n',
      files: { 'ci/build.yml': 'build:\n  script: make\n' },
    },
  ],
  ...reportModelIssues('include-unresolved'),
});
