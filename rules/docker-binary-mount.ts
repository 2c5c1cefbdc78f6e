import { defineRule } from '../src/engine/rule.js';
import { containerMounts } from '../src/docker/job.js';
import { hostMounts, isDockerBinaryPath } from '../src/docker/runner.js';
import { runnerLabel, type Runner } from '../src/model/runner.js';
import type { Fix } from '../src/engine/rule.js';
import type { Span } from '../src/model/span.js';

/**
 * ## What it does
 * Flags the host's `docker` binary (`/usr/bin/docker`, `/usr/local/bin/docker`) bind-mounted into job
 * containers: a runner's `volumes`, or in a Jenkinsfile a `-v` in an agent's `args` or `inside(…)`, or a
 * pod template's `hostPath` volume.
 *
 * ## Why is this bad?
 * The binary is built for the host's system: it is not statically linked, so it fails in job images
 * with another libc or missing libraries, and it changes whenever the host is upgraded.
 *
 * ## How to fix
 * Use a job image that ships the Docker CLI (`docker:27`), or install it in the image.
 *
 * ## Fix safety
 * Unsafe: `cilint fix --unsafe-fixes` removes the mount from the runner's `volumes`. Jobs whose image
 * has no docker CLI of its own then lose it.
 */
export default defineRule({
  slug: 'docker-binary-mount',
  severity: 'warning',
  summary: 'The host docker binary is bind-mounted into job containers.',
  fixable: 'unsafe',
  examples: [
    {
      platform: 'runner',
      bad: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    image = "alpine:3.20"\n    volumes = [\n      "/usr/bin/docker:/usr/bin/docker:ro",\n    ]\n',
      fixed: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    image = "alpine:3.20"\n    volumes = [\n    ]\n',
    },
    {
      platform: 'runner',
      bad: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    volumes = ["/cache", "/usr/local/bin/docker:/usr/bin/docker", "/certs/client"]\n',
      fixed: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    volumes = ["/cache", "/certs/client"]\n',
    },
    { platform: 'runner', good: '[[runners]]\n  executor = "docker"\n  [runners.docker]\n    image = "docker:27"\n    volumes = ["/cache"]\n' },
    {
      platform: 'jenkins',
      bad: `node {
  docker.image('alpine:3.20').inside('-v /usr/bin/docker:/usr/bin/docker -v /var/run/docker.sock:/var/run/docker.sock') {
    sh 'docker build -t app .'
  }
}
`,
    },
    {
      platform: 'jenkins',
      good: `node {
  docker.image('docker:27-cli').inside('-v /var/run/docker.sock:/var/run/docker.sock') {
    sh 'docker build -t app .'
  }
}
`,
    },
  ],
  check({ jobs, report }) {
    for (const job of jobs) {
      for (const { container, mount } of containerMounts(job)) {
        if (!isDockerBinaryPath(mount.hostPath)) continue;
        report({
          at: mount.span,
          message: `\`${container.image.value}\` mounts the host's docker binary, which is not statically linked and breaks in images with other libraries; use an image that ships the docker CLI, such as docker:27.`,
        });
      }
    }
  },
  finish({ runners, report }) {
    for (const r of runners) {
      for (const m of hostMounts(r)) {
        if (!isDockerBinaryPath(m.hostPath)) continue;
        report({
          at: m.span,
          fix: removeVolumeFix(r, m.span),
          message: `${runnerLabel(r)} mounts the host's docker binary, which is not statically linked and breaks in job images with other libraries; use an image that ships the docker CLI, such as docker:27.`,
        });
      }
    }
  },
});

/**
 * Removes a `volumes` entry of `[runners.docker]`: its whole line when it stands alone on one, else
 * the entry with the comma that separates it from the next (or the previous) one.
 */
function removeVolumeFix(r: Runner, item: Span): Fix | undefined {
  const file = item.file;
  if (r.config.embedded || !r.docker?.volumes?.items.some((v) => v.span.start === item.start)) return undefined;
  const text = file.text;
  const lineStart = text.lastIndexOf('\n', item.start - 1) + 1;
  const after = /^[ \t]*,?[ \t]*(\r?\n)/.exec(text.slice(item.end));
  let start: number;
  let end: number;
  if (/^[ \t]*$/.test(text.slice(lineStart, item.start)) && after) {
    start = lineStart;
    end = item.end + after[0].length;
  } else {
    const next = /^[ \t]*,[ \t]*/.exec(text.slice(item.end));
    const prev = /,[ \t]*$/.exec(text.slice(lineStart, item.start));
    if (next) [start, end] = [item.start, item.end + next[0].length];
    else if (prev) [start, end] = [lineStart + prev.index, item.end];
    else [start, end] = [item.start, item.end];
  }
  return { title: 'remove the docker binary mount', applicability: 'unsafe', edits: [{ file, start, end, text: '' }] };
}
