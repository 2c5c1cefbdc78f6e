import { defineRule, reportModelIssues } from '../src/engine/rule.js';

/**
 * ## What it does
 * Reports a configuration file that cannot be read: YAML (GitLab CI, pod YAML embedded in a
 * Jenkinsfile), TOML (runner configs) or Groovy (Jenkinsfiles), at the line and column where parsing
 * stopped.
 *
 * ## Why is this bad?
 * GitLab refuses the whole pipeline, Jenkins fails the build before its first stage, and cilint cannot
 * check a file it cannot read. In a Jenkinsfile cilint still lints what it could read around the error.
 *
 * ## How to fix
 * Correct the syntax at the reported position (indentation, an unclosed quote or bracket, a tab; in
 * Groovy often a missing `}` or an unescaped `$` in a double-quoted string).
 */
export default defineRule({
  slug: 'parse-error',
  severity: 'error',
  summary: 'The file is not valid YAML, TOML or Groovy (or not a configuration at all).',
  examples: [
    { platform: 'gitlab', bad: 'build:\n  script: [echo "unclosed\n' },
    { platform: 'gitlab', good: 'build:\n  script: echo hi\n' },
    {
      platform: 'jenkins',
      bad: `pipeline {
  agent any
  stages {
    stage('Build') {
      steps {
        sh 'docker build -t app .'
      }
    }
}
`,
    },
    {
      platform: 'jenkins',
      good: `pipeline {
  agent any
  stages {
    stage('Build') {
      steps {
        sh 'docker build -t app .'
      }
    }
  }
}
`,
    },
  ],
  ...reportModelIssues('parse-error'),
});
