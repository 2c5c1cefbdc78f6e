import { defineRule } from '../src/engine/rule.js';
import { dindServices, type DindService } from '../src/docker/job.js';
import { countPerRunner } from '../src/docker/runner.js';
import { jobContainers, type Job } from '../src/model/pipeline.js';
import type { Runner } from '../src/model/runner.js';
import { spanKey, type Span } from '../src/model/span.js';
import { translateJobs, translationFix, type JobTranslation } from '../src/translate/index.js';
import { isPrivilegedDind, jenkinsPodFix } from '../src/translate/jenkins.js';

/**
 * ## What it does
 * Flags a job that runs a Docker-in-Docker service (`docker:dind`, `docker:27-dind`,
 * `docker:dind-rootless`, under any registry or proxy prefix).
 *
 * In a Jenkinsfile the pipeline itself grants the privilege, so the finding points where it does: a
 * dind container run with `--privileged` (an agent's `args`, `docker.image(…).withRun(…)`, `inside(…)`,
 * `run(…)`), or a pod template container with `privileged: true` or `securityContext.privileged: true`.
 *
 * ## Why is this bad?
 * The dind daemon only starts on a runner with `privileged = true`. A privileged container can do
 * almost anything the host can: load kernel modules, mount the host's disks, escape to the host. Every
 * job on that runner, and anything its scripts download, gets that power.
 *
 * ## How to fix
 * Build images without a daemon: buildah (`quay.io/buildah/stable`, `STORAGE_DRIVER: vfs`), BuildKit
 * rootless (`moby/buildkit:rootless` with `buildctl-daemonless.sh`) or kaniko. Where a daemon is really
 * needed, bind the runner's socket on a dedicated runner instead (which has its own risks). If you keep
 * dind, limit privilege to the service: `services_privileged = true` with `allowed_privileged_services`
 * in the runner's `config.toml` (GitLab Runner 16.1+).
 *
 * ## Fix safety
 * Unsafe, and applied only when a strategy is chosen: `cilint fix --strategy buildah|buildkit|kaniko|socket`
 * (or `fix.strategy` in the config file; `--unsafe-fixes` alone never translates). GitLab jobs get a
 * new image, variables and script: their `docker build`, `tag`, `push`, `login` and cache pulls become
 * the builder's commands, every variable reference kept as written. A job that also runs `docker run`,
 * `compose`, `exec`, `cp`, `save` or `load` is left as it is and named in the summary (only `socket`
 * keeps a daemon). In a Jenkinsfile (buildah and kaniko only), a pod template's privileged dind
 * container (YAML in the Jenkinsfile, or `containerTemplate(…)`) becomes the builder's container, the
 * `container('…') { sh '…' }` steps that build and push switch to it and are rewritten inside their
 * strings, the pod's other privileged dind containers go, and the docker CLI container goes when
 * nothing else runs in it. A dind container that a `container('…')` block runs its own steps in is
 * kept, and the summary names the block.
 */
export default defineRule({
  slug: 'privileged-dind',
  severity: 'warning',
  summary: 'A job uses a Docker-in-Docker service, which needs a privileged runner (in Jenkins, a privileged container).',
  fixable: 'unsafe',
  examples: [
    {
      platform: 'gitlab',
      bad: 'build:\n  image: docker:27\n  services:\n    - docker:27-dind\n  script:\n    - docker build -t app .\n',
    },
    {
      platform: 'gitlab',
      bad: 'build:\n  services:\n    - name: $CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/docker:27-dind\n      alias: docker\n  script: docker info\n',
    },
    {
      platform: 'gitlab',
      good: 'build:\n  image: quay.io/buildah/stable:v1.38\n  variables:\n    STORAGE_DRIVER: vfs\n  script:\n    - buildah build -t app .\n',
    },
    {
      platform: 'jenkins',
      bad: `node('docker') {
  docker.image('docker:27-dind').withRun('--privileged') { dind ->
    docker.image('docker:27-cli').inside("--link \${dind.id}:docker") {
      sh 'docker build -t app .'
    }
  }
}
`,
    },
    {
      platform: 'jenkins',
      bad: `podTemplate(yaml: '''
spec:
  containers:
  - name: dind
    image: docker:27-dind
    securityContext:
      privileged: true
''') {
  node(POD_LABEL) {
    sh 'docker build -t app .'
  }
}
`,
    },
    {
      platform: 'jenkins',
      good: `podTemplate(yaml: '''
spec:
  containers:
  - name: buildah
    image: quay.io/buildah/stable:v1.38
    command: [sleep, infinity]
    env:
    - name: STORAGE_DRIVER
      value: vfs
''') {
  node(POD_LABEL) {
    container('buildah') {
      sh 'buildah build -t app .'
    }
  }
}
`,
    },
  ],
  start: (): DindRun => ({ services: [], dindJobsOn: new Map() }),
  check(ctx, run) {
    const { jobs, report } = ctx;
    // A service written once (a template, an anchor) is one finding, and one fix for every job using it.
    const groups = new Map<string, { svc: DindService; jobs: Job[] }>();
    const fixed = new Set<string>();
    for (const job of jobs) {
      if (job.platform === 'jenkins') {
        // Jenkins says itself whether the container runs privileged (--privileged, securityContext).
        for (const c of jobContainers(job)) {
          if (!isPrivilegedDind(c)) continue;
          // Every job of a pod holds all its containers: one finding each, with the fix, is enough.
          const key = spanKey(c.span);
          if (fixed.has(key)) continue;
          fixed.add(key);
          report({
            at: c.privileged.span,
            fix: ctx.fix ? jenkinsPodFix(c, ctx) : undefined,
            message:
              `Docker-in-Docker container \`${c.image.value}\` runs privileged, which gives the build root on the agent's host; ` +
              'build with buildah, BuildKit rootless or kaniko instead.',
          });
        }
        continue;
      }
      const dind = dindServices(job);
      if (ctx.fix && dind.length > 0) {
        // Counted by runner list (one per pipeline at most), spread over its runners in finish.
        const list = ctx.runnersFor(job);
        run.dindJobsOn.set(list, (run.dindJobsOn.get(list) ?? 0) + 1);
      }
      for (const svc of dind) {
        const key = spanKey(svc.container.span);
        const group = groups.get(key);
        if (group) group.jobs.push(job);
        else groups.set(key, { svc, jobs: [job] });
      }
    }
    for (const { svc, jobs: users } of groups.values()) {
      run.services.push({
        at: svc.container.span,
        translation: translateJobs(users, ctx),
        message:
          `Docker-in-Docker service \`${svc.container.image.value}\` only runs on a privileged runner, which gives jobs ` +
          'root on the host; build with buildah, BuildKit rootless or kaniko instead, or bind the runner\'s docker socket.',
      });
    }
  },
  // Only `cilint lint` runs in parallel: no translation is built, nor jobs counted, without a strategy.
  shareState: {
    pack({ services, dindJobsOn }, packer) {
      if (dindJobsOn.size > 0 || services.some((s) => s.translation)) throw new Error('privileged-dind: a translation cannot be sent to another thread');
      return services.map(({ at, message }) => ({ at: packer.span(at), message }));
    },
    merge({ services }, packed, unpacker) {
      for (const { at, message } of packed) services.push({ at: unpacker.unspan(at), message, translation: undefined });
    },
  },
  finish({ report }, { services, dindJobsOn }) {
    const perRunner = countPerRunner(dindJobsOn);
    for (const { at, message, translation } of services) {
      report({ at, message, fix: translation && translationFix(translation, (r) => perRunner.get(r) ?? 0) });
    }
  },
});

/**
 * GitLab services are reported after the last group: the socket strategy's fix turns a runner's
 * privilege off only when no job left untranslated, in any group, needs it.
 */
interface DindRun {
  services: { at: Span; message: string; translation: JobTranslation | undefined }[];
  /** By runner list: how many judged jobs with a dind service it may run (counted when a fix is asked for). */
  dindJobsOn: Map<readonly Runner[], number>;
}
