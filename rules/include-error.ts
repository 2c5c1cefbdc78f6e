import { defineRule, reportModelIssues } from '../src/engine/rule.js';

/**
 * ## What it does
 * Reports a local `include:` that GitLab cannot resolve: a missing file, a glob that matches nothing, a
 * path that leaves the repository, a file that is not YAML, or an include cycle. In a Jenkinsfile: a
 * pod template's `yamlFile` that is missing or outside the repository.
 *
 * ## Why is this bad?
 * GitLab refuses to create the pipeline; Jenkins fails the build when it cannot read the pod template.
 * cilint lints what it could read and goes on.
 *
 * ## How to fix
 * Point the include (or `yamlFile`) at an existing file inside the repository (paths start at the
 * repository root), and break cycles so that no file includes itself through others.
 */
export default defineRule({
  slug: 'include-error',
  severity: 'error',
  summary: 'A local include (or a Jenkins pod yamlFile) that cannot be resolved: missing, outside the repository, a cycle.',
  examples: [
    { platform: 'gitlab', bad: 'include: ci/missing.yml\nbuild:\n  script: make\n' },
    {
      platform: 'gitlab',
      bad: 'include: ci/a.yml\n',
      files: { 'ci/a.yml': 'include: ci/b.yml\n', 'ci/b.yml': 'include: ci/a.yml\nbuild:\n  script: make\n' },
    },
    {
      platform: 'gitlab',
      good: 'include: ci/*.yml\n',
      files: { 'ci/a.yml': 'a:\n  script: make a\n', 'ci/b.yml': 'b:\n  script: make b\n' },
    },
    {
      platform: 'jenkins',
      bad: `pipeline {
  agent {
    kubernetes {
      yamlFile 'ci/pod.yaml'
    }
  }
  stages {
    stage('Build') {
      steps {
        sh 'make'
      }
    }
  }
}
`,
    },
    {
      platform: 'jenkins',
      good: `pipeline {
  agent {
    kubernetes {
      yamlFile 'ci/pod.yaml'
    }
  }
  stages {
    stage('Build') {
      steps {
        sh 'make'
      }
    }
  }
}
`,
      files: { 'ci/pod.yaml': 'spec:\n  containers:\n  - name: build\n    image: golang:1.23\n' },
    },
  ],
  ...reportModelIssues('include-error'),
});
