import { defineRule, reportModelIssues } from '../src/engine/rule.js';

/**
 * ## What it does
 * Checks a GitLab Runner `config.toml` against the runner's documented settings: unknown keys (with a
 * "did you mean" for near misses) and values of the wrong type.
 *
 * ## Why is this bad?
 * The runner ignores keys it does not know and refuses values of the wrong type, so a misspelt
 * `privilegd = false` or `volumes = "/certs/client"` silently leaves the runner configured otherwise
 * than it reads.
 *
 * ## How to fix
 * Use the key and type from GitLab Runner's advanced configuration reference.
 */
export default defineRule({
  slug: 'runner-schema',
  severity: 'warning',
  summary: 'A runner config key that GitLab Runner does not know, or a value of the wrong type.',
  examples: [
    { platform: 'runner', bad: '[[runners]]\n  name = "build"\n  executor = "docker"\n  [runners.docker]\n    image = "alpine:3.20"\n    privilegd = false\n' },
    { platform: 'runner', good: '[[runners]]\n  name = "build"\n  executor = "docker"\n  [runners.docker]\n    image = "alpine:3.20"\n    privileged = false\n' },
  ],
  ...reportModelIssues('runner-schema'),
});
