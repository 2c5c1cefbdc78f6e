import { defineRule } from '../src/engine/rule.js';
import { dindServices, jobDockerHost } from '../src/docker/job.js';
import { addMapEntry, configRoot, topLevelEntryAt } from '../src/edit/yaml.js';
import type { Fix } from '../src/engine/rule.js';
import type { Job } from '../src/model/pipeline.js';
import { sameSpan, type Span } from '../src/model/span.js';
import { getEntry } from '../src/model/tree.js';

/**
 * ## What it does
 * Flags a job with a Docker-in-Docker service when `DOCKER_TLS_CERTDIR` is set nowhere: not in the job,
 * a template it extends, the global `variables:`, `default:`, nor the service's own `variables:`.
 *
 * ## Why is this bad?
 * The docker image then starts the daemon with TLS on port 2376 and writes client certificates to
 * `/certs/client` inside the service container. The job's client finds them only if the runner shares
 * that folder (a `/certs/client` volume in `config.toml`); otherwise it falls back to
 * `tcp://docker:2375`, where nothing listens, and fails with "Cannot connect to the Docker daemon".
 * Whether the job works depends on a runner setting nobody can see in the pipeline.
 *
 * ## How to fix
 * Set the variable explicitly, as GitLab's documentation does, and make sure the runner mounts
 * `/certs/client`:
 * ```yaml
 * variables:
 *   DOCKER_TLS_CERTDIR: "/certs"
 * ```
 * A job that talks to a bound socket (`DOCKER_HOST: unix:///var/run/docker.sock`) is not reported.
 *
 * ## Fix safety
 * Unsafe: `cilint fix --unsafe-fixes` sets `DOCKER_TLS_CERTDIR: "/certs"` in the `variables:` of the
 * job or template that declares the service (the global `variables:` when the service comes from
 * `default:`). The job then depends on the runner sharing `/certs/client` (see
 * `certs-volume-missing`), which the pipeline alone cannot guarantee.
 */
export default defineRule({
  slug: 'missing-tls-certdir',
  severity: 'warning',
  summary: 'A Docker-in-Docker job that does not set DOCKER_TLS_CERTDIR.',
  fixable: 'unsafe',
  examples: [
    {
      platform: 'gitlab',
      bad: 'build:\n  image: docker:27\n  services:\n    - docker:27-dind\n  script:\n    - docker build .\n',
      fixed: 'build:\n  image: docker:27\n  services:\n    - docker:27-dind\n  script:\n    - docker build .\n  variables:\n    DOCKER_TLS_CERTDIR: "/certs"\n',
    },
    {
      platform: 'gitlab',
      bad: 'default:\n  services: [docker:27-dind]\nvariables:\n  IMAGE: app # the image\nbuild:\n  image: docker:27\n  script: docker build -t $IMAGE .\n',
      fixed:
        'default:\n  services: [docker:27-dind]\nvariables:\n  IMAGE: app # the image\n  DOCKER_TLS_CERTDIR: "/certs"\nbuild:\n  image: docker:27\n  script: docker build -t $IMAGE .\n',
    },
    {
      platform: 'gitlab',
      bad: '.dind:\n    services:\n        - docker:27-dind\n    variables: {DOCKER_HOST: "tcp://docker:2376"}\nbuild:\n    extends: .dind\n    script: docker build .\n',
      fixed:
        '.dind:\n    services:\n        - docker:27-dind\n    variables: {DOCKER_HOST: "tcp://docker:2376", DOCKER_TLS_CERTDIR: "/certs"}\nbuild:\n    extends: .dind\n    script: docker build .\n',
    },
    {
      platform: 'gitlab',
      good: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\nbuild:\n  image: docker:27\n  services:\n    - docker:27-dind\n  script:\n    - docker build .\n',
    },
    {
      platform: 'gitlab',
      good: 'build:\n  image: docker:27\n  services:\n    - name: docker:27-dind\n      variables:\n        DOCKER_TLS_CERTDIR: /certs\n  script:\n    - docker build .\n',
    },
  ],
  check({ jobs, report }) {
    for (const job of jobs) {
      // Jenkins writes the dind container's whole environment in the pipeline: an unset variable is just
      // the image's default (TLS on), and no runner is left to share the certificates.
      if (job.platform !== 'gitlab') continue;
      if (jobDockerHost(job)?.parsed.scheme === 'unix') continue;
      for (const svc of dindServices(job)) {
        if (svc.env.has('DOCKER_TLS_CERTDIR')) continue;
        report({
          at: svc.container.span,
          fix: certdirFix(svc.container.span, job),
          message:
            'DOCKER_TLS_CERTDIR is not set: the dind daemon starts with TLS on port 2376, and unless the runner shares ' +
            '/certs/client the job\'s client falls back to tcp://docker:2375 and cannot connect; set DOCKER_TLS_CERTDIR: "/certs".',
        });
      }
    }
  },
});

/**
 * `DOCKER_TLS_CERTDIR: "/certs"` in the variables of the top-level entry that declares the service:
 * the job or template, or the global variables for a service from `default:` (or legacy `services:`).
 */
function certdirFix(service: Span, job: Job): Fix | undefined {
  const file = service.file;
  const root = configRoot(file);
  const entry = root && topLevelEntryAt(root, service.start);
  if (!root || !entry) return undefined;
  const global = entry.key === 'default' || entry.key === 'services';
  const owner = global ? { key: '', keySpan: root.span, value: root } : entry;
  // Variables written there that the job does not see (its own `variables: !reference [...]` replaces
  // them, or `inherit:` leaves them out) say that one more would not reach it either.
  const written = owner.value.kind === 'map' ? getEntry(owner.value, 'variables')?.value : undefined;
  if (written?.kind === 'map' && written.entries.length > 0) {
    // Looked up by name, not by listing the job's variables (it may inherit thousands).
    if (!written.entries.some((e) => sameSpan(job.variables.get(e.key)?.nameSpan, e.keySpan))) return undefined;
  }
  const edit = addMapEntry(file, owner, 'variables', 'DOCKER_TLS_CERTDIR', '"/certs"');
  return edit && { title: 'set DOCKER_TLS_CERTDIR: "/certs"', applicability: 'unsafe', edits: [edit] };
}
