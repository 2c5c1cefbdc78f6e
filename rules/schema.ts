import { defineRule, reportModelIssues } from '../src/engine/rule.js';

/**
 * ## What it does
 * Checks every `.gitlab-ci.yml` and the files it includes against GitLab's CI/CD YAML syntax (cilint's
 * `schemas/gitlab-ci.schema.json`): unknown keywords (with a "did you mean" for near misses), values of
 * the wrong type, values GitLab does not accept (`when: never` outside `rules`, a `cache:policy` of
 * `pul`), jobs with neither `script` nor `trigger`, and keywords that cannot be used together (`script`
 * and `trigger`, `rules` and `only`).
 *
 * Jobs are checked as GitLab runs them, after includes, `extends`, `default:` and `!reference`, so a
 * `script` that a job inherits counts; each mistake is reported once, where it is written, even when
 * many jobs inherit it. Hidden jobs with job keywords are checked as templates (they may lack
 * `script`); other hidden keys (`.vars: &vars ...`) may hold any YAML and are not checked.
 *
 * ## Why is this bad?
 * GitLab refuses to create a pipeline from a configuration with any of these mistakes, and says so only
 * after the push. A misspelt keyword is worse when it hides in a template: every job that extends it
 * fails.
 *
 * ## How to fix
 * Correct the key or value as the message says; GitLab's CI/CD YAML syntax reference lists every
 * keyword and the values it takes. Quote values that YAML would read as a number or `true`, and lines
 * of a script that contain `: `.
 */
export default defineRule({
  slug: 'schema',
  severity: 'error',
  summary: 'A GitLab CI keyword or value that GitLab rejects: unknown, misspelt, of the wrong type, or a job without a script.',
  examples: [
    {
      platform: 'gitlab',
      bad: 'build:\n  image: docker:27\n  servics:\n    - docker:27-dind\n  script:\n    - docker build .\n',
    },
    {
      platform: 'gitlab',
      bad: '.docker:\n  image: docker:27\n  when: never\n\nbuild:\n  extends: .docker\n  script: docker build .\n',
    },
    {
      platform: 'gitlab',
      bad: 'default:\n  image: docker:27\n\npush:\n  stage: deploy\n  needs: [build]\n',
    },
    {
      platform: 'gitlab',
      good: '.docker:\n  image: docker:27\n  services:\n    - docker:27-dind\n\nbuild:\n  extends: .docker\n  script:\n    - docker build .\n  rules:\n    - if: $CI_COMMIT_BRANCH\n      when: never\n    - when: on_success\n',
    },
  ],
  ...reportModelIssues('schema'),
});
