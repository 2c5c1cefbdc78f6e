import { defineRule } from '../src/engine/rule.js';
import { dockerInvocations, scriptSpan } from '../src/docker/job.js';

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
 */
export default defineRule({
  slug: 'login-password-arg',
  severity: 'warning',
  summary: 'A registry password passed on the command line of docker login.',
  examples: [
    {
      platform: 'gitlab',
      bad: 'push:\n  image: docker:27\n  script:\n    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY\n',
    },
    {
      platform: 'gitlab',
      good: 'push:\n  image: docker:27\n  script:\n    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY\n',
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
        });
      }
    }
  },
});
