import { defineRule } from '../src/engine/rule.js';
import { effectivePort } from '../src/docker/docker-host.js';
import { containerHostnames, dindServices, jobDockerHost, jobServiceHostnames, tlsOn } from '../src/docker/job.js';
import type { Fix } from '../src/engine/rule.js';
import { addServiceAlias } from '../src/edit/yaml.js';
import type { Container } from '../src/model/pipeline.js';
import { spanText, type Span } from '../src/model/span.js';

/**
 * ## What it does
 * For a job with a Docker-in-Docker service, checks that `DOCKER_HOST` can reach the daemon:
 * - the host is a hostname of one of the job's services: the image name without tag or registry
 *   port, with `/` turned into `__` (Docker executor only) or `-`, or an `alias`. `localhost` works
 *   only on the Kubernetes executor;
 * - the port agrees with TLS: 2376 when TLS is on (`DOCKER_TLS_CERTDIR` unset or non-empty), 2375 when
 *   it is off. A missing port means 2376 with TLS, 2375 without;
 * - with TLS on, the host is `docker` or `localhost`, or `DOCKER_TLS_SAN` names it as `DNS:<host>`:
 *   the daemon's certificate is only valid for those names.
 *
 * In a Jenkinsfile the names are those the pipeline gives: containers of one pod reach each other on
 * `localhost` only, and a `withRun` sidecar is reached under its `--link` alias (or on `localhost` with
 * `--network container:…`). A sidecar reached some other way (its address, a network name cilint cannot
 * see) is not judged, and TLS follows the dind container's own environment.
 *
 * ## Why is this bad?
 * Each mismatch makes every docker command in the job fail ("Cannot connect to the Docker daemon",
 * "connection refused", "x509: certificate is valid for docker, not dind").
 *
 * ## How to fix
 * Use `tcp://docker:2376` with TLS (or leave `DOCKER_HOST` unset and let the image pick), give the
 * service `alias: docker` when its image comes through a proxy or mirror, and add
 * `DOCKER_TLS_SAN: DNS:<alias>` when you reach it under another alias.
 *
 * ## Fix safety
 * Safe: with TLS on, `cilint fix` turns port 2375 into 2376 where the value is written, and gives a
 * dind service pulled through a variable prefix (a mirror, the dependency proxy) `alias: docker` when
 * `DOCKER_HOST` names `docker`. Other mismatches need a choice (an alias, a SAN, TLS on) and are left
 * to you.
 */
export default defineRule({
  slug: 'docker-host-mismatch',
  severity: 'error',
  summary: 'DOCKER_HOST names a host or port the job\'s dind service does not serve.',
  fixable: 'safe',
  examples: [
    {
      platform: 'gitlab',
      bad: 'build:\n  image: docker:27\n  variables:\n    DOCKER_TLS_CERTDIR: "/certs"\n    DOCKER_HOST: tcp://docker:2376\n  services:\n    - $CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/docker:27-dind # via the proxy\n  script: docker info\n',
      fixed:
        'build:\n  image: docker:27\n  variables:\n    DOCKER_TLS_CERTDIR: "/certs"\n    DOCKER_HOST: tcp://docker:2376\n  services:\n    - name: $CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/docker:27-dind\n      alias: docker # via the proxy\n  script: docker info\n',
    },
    {
      platform: 'gitlab',
      bad: 'build:\n  image: docker:27\n  variables: {DOCKER_TLS_CERTDIR: "/certs", DOCKER_HOST: "tcp://docker:2376"}\n  services: [mirror.example.com/$GROUP/docker:27-dind]\n  script: docker info\n',
      fixed:
        'build:\n  image: docker:27\n  variables: {DOCKER_TLS_CERTDIR: "/certs", DOCKER_HOST: "tcp://docker:2376"}\n  services: [{name: mirror.example.com/$GROUP/docker:27-dind, alias: docker}]\n  script: docker info\n',
    },
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\n  DOCKER_HOST: tcp://docker:2375\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker info\n',
      fixed: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\n  DOCKER_HOST: tcp://docker:2376\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker info\n',
    },
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\n  DOCKER_HOST: tcp://dockerd:2376\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker info\n',
    },
    {
      platform: 'gitlab',
      bad: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\n  DOCKER_HOST: tcp://dind:2376\nbuild:\n  image: docker:27\n  services:\n    - name: docker:27-dind\n      alias: dind\n  script: docker info\n',
    },
    {
      platform: 'gitlab',
      good: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\n  DOCKER_HOST: tcp://docker:2376/\nbuild:\n  image: docker:27\n  services: [docker:27-dind]\n  script: docker info\n',
    },
    {
      platform: 'gitlab',
      good: 'variables:\n  DOCKER_TLS_CERTDIR: "/certs"\n  DOCKER_HOST: tcp://dind:2376\n  DOCKER_TLS_SAN: DNS:dind\nbuild:\n  image: docker:27\n  services:\n    - name: docker:27-dind\n      alias: dind\n  script: docker info\n',
    },
    {
      platform: 'jenkins',
      bad: `pipeline {
  agent {
    kubernetes {
      defaultContainer 'docker'
      yaml '''
spec:
  containers:
  - name: docker
    image: docker:27-cli
    command: [cat]
    tty: true
    env:
    - name: DOCKER_HOST
      value: tcp://docker:2376
  - name: dind
    image: docker:27-dind
    securityContext:
      privileged: true
'''
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
      bad: `node('docker') {
  docker.image('docker:27-dind').withRun('--privileged') { dind ->
    docker.image('docker:27-cli').inside("--link \${dind.id}:docker -e DOCKER_HOST=tcp://docker:2375") {
      sh 'docker build -t app .'
    }
  }
}
`,      fixed: `node('docker') {
  docker.image('docker:27-dind').withRun('--privileged') { dind ->
    docker.image('docker:27-cli').inside("--link \${dind.id}:docker -e DOCKER_HOST=tcp://docker:2376") {
      sh 'docker build -t app .'
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
      defaultContainer 'docker'
      yaml '''
spec:
  containers:
  - name: docker
    image: docker:27-cli
    command: [cat]
    tty: true
    env:
    - name: DOCKER_HOST
      value: tcp://localhost:2376
  - name: dind
    image: docker:27-dind
    securityContext:
      privileged: true
'''
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
  ],
  check({ jobs, executorFor, report }) {
    for (const job of jobs) {
      const dind = dindServices(job);
      const dh = jobDockerHost(job);
      if (dind.length === 0 || !dh || dh.parsed.scheme !== 'tcp' || dh.parsed.host === undefined) continue;
      const host = dh.parsed.host;
      const at = dh.variable.span;
      const reachable = jobServiceHostnames(job, executorFor(job));
      const jenkins = job.platform === 'jenkins';
      if (!reachable.names.has(host)) {
        // A Jenkins sidecar may be reached by an address or a name cilint cannot see.
        if (reachable.incomplete) continue;
        const names = [...reachable.names].map((n) => `\`${n}\``).join(', ');
        if (jenkins) {
          const suggestion = reachable.names.has('localhost') ? 'localhost' : ([...reachable.names][0] ?? 'docker');
          report({
            at,
            message:
              `DOCKER_HOST names \`${host}\`, which does not reach the job's Docker-in-Docker container (it answers as ${names || 'nothing known'})` +
              (reachable.names.has('localhost') ? '; containers of one pod reach each other on localhost only' : '') +
              `; use tcp://${suggestion}:2376.`,
          });
          continue;
        }
        const proxied = dind.some((s) => s.ref.hasVariables);
        const unaliased = dind.filter((s) => s.ref.hasVariables && s.container.aliases.length === 0);
        report({
          at,
          fix: host === 'docker' && unaliased.length === 1 ? aliasFix(unaliased[0].container) : undefined,
          message:
            `DOCKER_HOST names \`${host}\`, which is no hostname of the job's services (${names || 'none'})` +
            (host === 'localhost' && executorFor(job) === 'docker' ? '; `localhost` reaches services only on the Kubernetes executor' : '') +
            (proxied ? '; an image pulled through a variable prefix gets a hostname from its expanded path, so give the service `alias: docker`' : '') +
            '; use tcp://docker:2376.',
        });
        continue;
      }
      const svc = dind.find((s) => containerHostnames(s.container, executorFor(job)).includes(host)) ?? dind[0];
      const tls = tlsOn(svc.env);
      const port = effectivePort(dh.parsed, tls);
      if (tls && port === 2375) {
        report({
          at,
          message: 'DOCKER_HOST uses port 2375, but TLS is on (DOCKER_TLS_CERTDIR is unset or non-empty), so the daemon listens on 2376 only; use port 2376.',
          fix: portFix(at, 2375, 2376),
        });
      } else if (!tls && port === 2376) {
        report({
          at,
          message: jenkins
            ? `DOCKER_HOST uses port 2376, but DOCKER_TLS_CERTDIR is "" in \`${svc.container.image.value}\`, so the daemon listens on 2375 without TLS; turn TLS on with DOCKER_TLS_CERTDIR=/certs in that container.`
            : 'DOCKER_HOST uses port 2376, but DOCKER_TLS_CERTDIR is "" so the daemon listens on 2375 without TLS; turn TLS on with DOCKER_TLS_CERTDIR: "/certs".',
        });
      } else if (tls && !CERTIFIED_NAMES.has(host) && !sanNames(svc.env.get('DOCKER_TLS_SAN')?.value).has(host)) {
        report({
          at,
          message: jenkins
            ? `the dind daemon's TLS certificate is valid for \`docker\` and \`localhost\`, not \`${host}\`; add DOCKER_TLS_SAN=DNS:${host} to the dind container's environment, or reach it as \`docker\` (\`--link …:docker\`).`
            : `the dind daemon's TLS certificate is valid for \`docker\` and \`localhost\`, not \`${host}\`; add DOCKER_TLS_SAN: "DNS:${host}" or use tcp://docker:2376.`,
        });
      }
    }
  },
});

/** Names the dind image's certificate is always valid for (its entrypoint adds the container's own IPs too). */
const CERTIFIED_NAMES = new Set(['docker', 'localhost', '127.0.0.1']);

/** `alias: docker` on a dind service pulled through a variable prefix (a mirror or dependency proxy). */
function aliasFix(service: Container): Fix | undefined {
  const edit = service.node && addServiceAlias(service.span.file, service.node, 'docker');
  return edit && { title: 'give the dind service alias: docker', applicability: 'safe', edits: [edit] };
}

/** Replaces the port as written in the DOCKER_HOST value (plain or quoted scalar, no escapes in a URL). */
function portFix(at: Span, from: number, to: number): Fix | undefined {
  const text = spanText(at);
  const matches = [...text.matchAll(new RegExp(`:(${from})(?=/|"|'|$|\\s)`, 'g'))];
  const m = matches.at(-1);
  if (!m || text.startsWith('|') || text.startsWith('>')) return undefined;
  const start = at.start + m.index + 1;
  return { title: `use port ${to}`, applicability: 'safe', edits: [{ file: at.file, start, end: start + String(from).length, text: String(to) }] };
}

/** `DOCKER_TLS_SAN` lists extra names as `DNS:name` (or `IP:addr`), separated by spaces or commas. */
function sanNames(value: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of (value ?? '').split(/[\s,]+/)) {
    const m = /^DNS:(.+)$/i.exec(part.trim());
    if (m) out.add(m[1]);
  }
  return out;
}
