import { defineRule } from '../src/engine/rule.js';
import { containerMounts, dindServices } from '../src/docker/job.js';
import { firstSocketBinding, isDockerSocketPath, where } from '../src/docker/runner.js';
import { runnerLabel } from '../src/model/runner.js';

/**
 * ## What it does
 * Flags a Docker-in-Docker service in a pipeline that runs on a runner binding the host's Docker
 * socket (runner configs and pipelines linted together). In a Jenkinsfile: a dind container (in a pod
 * template, or a `withRun` sidecar) in a job whose containers also bind the host's Docker socket (a
 * `hostPathVolume`, an agent's `-v /var/run/docker.sock:…`).
 *
 * ## Why is this bad?
 * GitLab documents the two as incompatible: the job's client talks to the bound host socket (or to
 * the dind service, depending on `DOCKER_HOST`), so builds land on the wrong daemon, volumes and
 * networks of the dind service are missing, and the privileged dind service runs for nothing.
 *
 * ## How to fix
 * Choose one: drop the dind service and use the socket (`DOCKER_HOST: unix:///var/run/docker.sock`),
 * or remove the socket volume from the runner (in a Jenkinsfile: the `hostPathVolume` or `-v` bind).
 * Better, build without a daemon.
 */
export default defineRule({
  slug: 'socket-with-dind',
  severity: 'error',
  summary: 'A dind service in a pipeline that runs on a runner binding the Docker socket (in Jenkins, next to a bound socket).',
  examples: [
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_TLS_CERTDIR: /certs\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker build .\n',
      files: {
        'config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    privileged = true\n    volumes = ["/cache", "/certs/client", "/var/run/docker.sock:/var/run/docker.sock"]\n',
      },
    },
    {
      platform: 'gitlab',
      good: 'build:\n  image: docker:27\n  variables:\n    DOCKER_HOST: unix:///var/run/docker.sock\n  script: docker build .\n',
      files: {
        'config.toml': '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    volumes = ["/var/run/docker.sock:/var/run/docker.sock"]\n',
      },
    },
    {
      platform: 'jenkins',
      bad: `podTemplate(containers: [
  containerTemplate(name: 'dind', image: 'docker:27-dind', privileged: true),
  containerTemplate(name: 'docker', image: 'docker:27-cli', command: 'cat', ttyEnabled: true),
], volumes: [
  hostPathVolume(hostPath: '/var/run/docker.sock', mountPath: '/var/run/docker.sock'),
]) {
  node(POD_LABEL) {
    container('docker') {
      sh 'docker build -t app .'
    }
  }
}
`,
    },
    {
      platform: 'jenkins',
      good: `podTemplate(containers: [
  containerTemplate(name: 'docker', image: 'docker:27-cli', command: 'cat', ttyEnabled: true),
], volumes: [
  hostPathVolume(hostPath: '/var/run/docker.sock', mountPath: '/var/run/docker.sock'),
]) {
  node(POD_LABEL) {
    container('docker') {
      sh 'docker build -t app .'
    }
  }
}
`,
    },
  ],
  check({ jobs, runnersFor, report }) {
    for (const job of jobs) {
      const dind = dindServices(job);
      if (dind.length === 0) continue;
      if (job.platform === 'jenkins') {
        const socket = containerMounts(job).find(({ mount }) => isDockerSocketPath(mount.hostPath));
        if (!socket) continue;
        for (const svc of dind) {
          report({
            at: svc.container.span,
            message: `this Docker-in-Docker container runs next to the host's Docker socket (${where(socket.mount.span, svc.container.span)}): builds land on whichever daemon DOCKER_HOST names and miss the other's images, volumes and networks, and the privileged dind container runs for nothing; drop the socket volume or the dind container.`,
          });
        }
        continue;
      }
      const binding = firstSocketBinding(runnersFor(job));
      if (!binding) continue;
      for (const svc of dind) {
        report({
          at: svc.container.span,
          message: `this dind service runs on ${runnerLabel(binding.r)} (${where(binding.mount.span, svc.container.span)}), which binds the host's Docker socket: the two are incompatible; drop the service and use the socket, or remove the socket volume.`,
        });
      }
    }
  },
});
