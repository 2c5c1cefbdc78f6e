import { defineRule } from '../src/engine/rule.js';
import { containerMounts } from '../src/docker/job.js';
import { hostMounts, isDockerSocketPath } from '../src/docker/runner.js';
import { runnerLabel } from '../src/model/runner.js';
import { spanKey } from '../src/model/span.js';
import { jenkinsAgentFix } from '../src/translate/jenkins.js';

/**
 * ## What it does
 * Flags the host's Docker socket (`/var/run/docker.sock` or `/run/docker.sock`) bound into job
 * containers: a `volumes` entry in `[runners.docker]`, a `[[runners.kubernetes.volumes.host_path]]`,
 * or in a Jenkinsfile an agent's `-v` argument or a pod template's `hostPath` volume.
 *
 * ## Why is this bad?
 * Whoever talks to the socket controls the host's daemon, and through it the host: a job can start a
 * privileged container mounting `/`. Concurrent jobs share one daemon and collide on container and
 * image names; a job can read or stop another job's containers.
 *
 * ## How to fix
 * Build without a daemon (buildah, BuildKit rootless, kaniko). If socket binding stays, keep it to a
 * dedicated runner (or Jenkins agent) for trusted projects only.
 *
 * ## Fix safety
 * Unsafe, and applied only with `cilint fix --strategy buildah|kaniko`, for a Jenkins declarative
 * `agent { docker { … } }` whose steps only build, tag, push and log in: the agent runs the builder
 * image, `--privileged` and the socket and docker binary mounts leave its `args`, and the `sh` steps
 * are rewritten inside their strings. Runner configs and pod templates are not changed by this rule.
 */
export default defineRule({
  slug: 'socket-mount',
  severity: 'warning',
  summary: 'The host Docker socket is bound into job containers.',
  fixable: 'unsafe',
  examples: [
    {
      platform: 'runner',
      bad: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    image = "docker:27"\n    volumes = ["/cache", "/var/run/docker.sock:/var/run/docker.sock"]\n',
    },
    {
      platform: 'runner',
      bad: '[[runners]]\n  executor = "kubernetes"\n  [runners.kubernetes]\n    [[runners.kubernetes.volumes.host_path]]\n      name = "docker"\n      mount_path = "/var/run/docker.sock"\n      host_path = "/var/run/docker.sock"\n',
    },
    { platform: 'runner', good: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    image = "docker:27"\n    volumes = ["/cache", "/certs/client"]\n' },
    {
      platform: 'jenkins',
      bad: `pipeline {
  agent {
    docker {
      image 'docker:27-cli'
      args '-v /var/run/docker.sock:/var/run/docker.sock'
    }
  }
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
    {
      platform: 'jenkins',
      bad: `pipeline {
  agent {
    kubernetes {
      yaml '''
spec:
  containers:
  - name: docker
    image: docker:27-cli
    command: [cat]
    tty: true
    volumeMounts:
    - name: docker-sock
      mountPath: /var/run/docker.sock
  volumes:
  - name: docker-sock
    hostPath:
      path: /var/run/docker.sock
'''
      defaultContainer 'docker'
    }
  }
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
    {
      platform: 'jenkins',
      good: `pipeline {
  agent {
    docker {
      image 'gcr.io/kaniko-project/executor:v1.23.2-debug'
      args '--entrypoint='
    }
  }
  stages {
    stage('Build') {
      steps {
        sh '/kaniko/executor --context . --no-push'
      }
    }
  }
}
`,
    },
  ],
  check(ctx) {
    const { jobs, report } = ctx;
    const fixed = new Set<string>();
    for (const job of jobs) {
      for (const { container, mount } of containerMounts(job)) {
        if (!isDockerSocketPath(mount.hostPath)) continue;
        // A Jenkins docker agent that only builds and pushes: `--strategy buildah|kaniko` runs the builder instead.
        const first = job.platform === 'jenkins' && container.role === 'image' && !fixed.has(spanKey(container.span));
        if (first) fixed.add(spanKey(container.span));
        report({
          at: mount.span,
          fix: first && ctx.fix ? jenkinsAgentFix(container, ctx) : undefined,
          message:
            job.platform === 'jenkins'
              ? `the host's Docker socket is bound into \`${container.image.value}\`: the build controls the agent host's daemon (and so the host), and concurrent builds collide; build with buildah, BuildKit rootless or kaniko instead.`
              : `\`${container.image.value}\` gets the host's Docker socket: the job controls the host's daemon (and so the host), and concurrent builds collide; build with buildah, BuildKit rootless or kaniko instead.`,
        });
      }
    }
  },
  finish({ runners, report }) {
    for (const r of runners) {
      for (const m of hostMounts(r)) {
        if (!isDockerSocketPath(m.hostPath)) continue;
        report({
          at: m.span,
          message: `${runnerLabel(r)} binds the host's Docker socket into every job: any job controls the host's daemon (and so the host), and concurrent jobs collide; build with buildah, BuildKit rootless or kaniko instead.`,
        });
      }
    }
  },
});
