import { defineRule } from '../src/engine/rule.js';
import { parseImageRef } from '../src/docker/image.js';
import { jobContainers } from '../src/model/pipeline.js';

/**
 * ## What it does
 * Notes the upstream kaniko image, `gcr.io/kaniko-project/executor` (any tag, `-debug` included),
 * wherever a job or agent runs it.
 *
 * ## Why is this bad?
 * GoogleContainerTools/kaniko was archived in June 2025: the image gets no more security fixes or
 * support for new registries and Dockerfile features.
 *
 * ## How to fix
 * Move to a maintained fork of kaniko, or to another rootless builder: buildah
 * (`quay.io/buildah/stable`) or BuildKit rootless (`moby/buildkit:rootless`); `cilint fix --strategy`
 * writes those jobs for you.
 */
export default defineRule({
  slug: 'archived-kaniko-image',
  severity: 'info',
  summary: 'The archived upstream kaniko image (gcr.io/kaniko-project/executor).',
  examples: [
    {
      platform: 'gitlab',
      bad: 'build:\n  image:\n    name: gcr.io/kaniko-project/executor:v1.23.2-debug\n    entrypoint: [""]\n  script:\n    - /kaniko/executor --context "$CI_PROJECT_DIR" --destination "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"\n',
    },
    {
      platform: 'jenkins',
      bad: "podTemplate(containers: [containerTemplate(name: 'kaniko', image: 'gcr.io/kaniko-project/executor:debug', command: 'sleep', args: '9999999')]) {\n  node(POD_LABEL) {\n    container('kaniko') { sh '/kaniko/executor --context . --no-push' }\n  }\n}\n",
    },
    {
      platform: 'gitlab',
      good: 'build:\n  image: quay.io/buildah/stable:v1.38\n  variables:\n    STORAGE_DRIVER: vfs\n  script:\n    - buildah build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .\n',
    },
  ],
  check({ jobs, report }) {
    for (const job of jobs) {
      for (const c of jobContainers(job)) {
        const ref = parseImageRef(c.image.value);
        if (ref.registry !== 'gcr.io' || ref.repository !== 'kaniko-project/executor') continue;
        report({
          at: c.image.span,
          message: `\`${c.image.value}\` is the upstream kaniko image, archived in June 2025 and no longer patched; use a maintained kaniko fork, buildah or BuildKit rootless.`,
        });
      }
    }
  },
});
