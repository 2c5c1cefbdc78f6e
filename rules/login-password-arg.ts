import { defineRule } from '../src/engine/rule.js';
import type { CliOption, DockerInvocation } from '../src/docker/docker-cli.js';
import { dockerInvocations, scriptSpan } from '../src/docker/job.js';
import type { Fix } from '../src/engine/rule.js';
import type { ScriptStep } from '../src/model/pipeline.js';
import { spanText } from '../src/model/span.js';

/**
 * ## What it does
 * Flags `docker login -p …` / `--password …` (and the same for podman and buildah) in a job's scripts.
 *
 * ## Why is this bad?
 * A password on the command line is visible to every process on the machine (`ps`), lands in shell
 * traces (`set -x`, CI debug logging), and the docker CLI itself warns that it is insecure.
 *
 * ## How to fix
 * Pipe it in: `echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"`.
 *
 * ## Fix safety
 * Safe: `cilint fix` pipes the same value in with `printf '%s\n' VALUE |` and replaces the option by
 * `--password-stdin`. Not offered when the command already reads standard input (the right side of a
 * pipe), runs through a wrapper (`sudo`, `sh -c`), or sits in a quoted YAML scalar or a Groovy string
 * whose escapes make an exact edit impossible. In a Jenkinsfile's `sh` step the new text is escaped
 * for the string's quotes.
 */
export default defineRule({
  slug: 'login-password-arg',
  severity: 'warning',
  summary: 'A registry password passed on the command line of docker login.',
  fixable: 'safe',
  examples: [
    {
      platform: 'gitlab',
      bad: 'push:\n  image: docker:27\n  script:\n    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY\n',
      fixed:
        'push:\n  image: docker:27\n  script:\n    - printf \'%s\\n\' "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY\n',
    },
    {
      platform: 'gitlab',
      bad: 'push:\n  script:\n    - |\n      if [ -n "$CI_COMMIT_TAG" ]; then\n        docker login --password=$REGISTRY_TOKEN -u ci registry.example.com\n      fi\n',
      fixed:
        'push:\n  script:\n    - |\n      if [ -n "$CI_COMMIT_TAG" ]; then\n        printf \'%s\\n\' $REGISTRY_TOKEN | docker login --password-stdin -u ci registry.example.com\n      fi\n',
    },
    {
      platform: 'gitlab',
      good: 'push:\n  image: docker:27\n  script:\n    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY\n',
    },
    {
      platform: 'jenkins',
      bad: `node {
  withCredentials([usernamePassword(credentialsId: 'registry', usernameVariable: 'USER', passwordVariable: 'PASS')]) {
    sh 'docker login -u "$USER" -p "$PASS" registry.example.com'
  }
}
`,
      fixed: `node {
  withCredentials([usernamePassword(credentialsId: 'registry', usernameVariable: 'USER', passwordVariable: 'PASS')]) {
    sh 'printf \\'%s\\\\n\\' "$PASS" | docker login -u "$USER" --password-stdin registry.example.com'
  }
}
`,
    },
    {
      platform: 'jenkins',
      bad: `pipeline {
  agent any
  stages {
    stage('Push') {
      steps {
        sh '''
          docker login --password=$REGISTRY_TOKEN -u ci registry.example.com
          docker push registry.example.com/app
        '''
      }
    }
  }
}
`,
      fixed: `pipeline {
  agent any
  stages {
    stage('Push') {
      steps {
        sh '''
          printf '%s\\\\n' $REGISTRY_TOKEN | docker login --password-stdin -u ci registry.example.com
          docker push registry.example.com/app
        '''
      }
    }
  }
}
`,
    },
    {
      platform: 'jenkins',
      good: `node {
  withCredentials([usernamePassword(credentialsId: 'registry', usernameVariable: 'USER', passwordVariable: 'PASS')]) {
    sh 'echo "$PASS" | docker login -u "$USER" --password-stdin registry.example.com'
  }
}
`,
    },
  ],
  check({ jobs, report }) {
    for (const job of jobs) {
      for (const { step, invocation } of dockerInvocations(job)) {
        if (invocation.subcommand[0] !== 'login') continue;
        const opt = invocation.options.find((o) => o.canonical === 'password');
        if (!opt) continue;
        report({
          at: scriptSpan(step, opt.word.start, opt.value ? opt.value.end : opt.word.end),
          message: `\`${invocation.program} login ${opt.name}\` puts the password on the command line, visible in the process list and job logs; pipe it in with --password-stdin.`,
          fix: passwordStdinFix(step, invocation, opt),
        });
      }
    }
  },
});

/** At these points a new command may start: the fix puts `printf … |` in front of `docker login`. */
const COMMAND_START = /(^|[;&({\n]|&&|\|\||\bthen|\bdo|\belse)[ \t]*$/;

function passwordStdinFix(step: ScriptStep, inv: DockerInvocation, opt: CliOption): Fix | undefined {
  const words = [inv.command.name, ...inv.command.args].filter((w) => w !== undefined);
  if (!opt.value || !step.editable || words.some((w) => w.approximate)) return undefined;
  const before = step.text.slice(0, inv.command.start);
  if (!COMMAND_START.test(before) || /(^|[^|])\|[ \t]*$/.test(before)) return undefined;
  const at = (start: number, end: number) => scriptSpan(step, start, end);
  const optionEnd = opt.value.end;
  // In a Groovy string the new text is escaped for its quotes; the value is copied as written.
  const write = (text: string): string | undefined => (step.escape ? step.escape(text) : text);
  const value = step.escape ? spanText(at(opt.value.start, opt.value.end)) : opt.value.text;
  const printf = write("printf '%s\\n' ");
  const pipe = write(' | ');
  const stdin = write('--password-stdin');
  if (printf === undefined || pipe === undefined || stdin === undefined) return undefined;
  return {
    title: 'pipe the password to --password-stdin',
    applicability: 'safe',
    edits: [
      { ...at(inv.command.start, inv.command.start), text: `${printf}${value}${pipe}` },
      { ...at(opt.word.start, optionEnd), text: stdin },
    ],
  };
}
