import { defineRule } from '../src/engine/rule.js';
import { effectivePort } from '../src/docker/docker-host.js';
import { dindServices, jobDockerHost, jobServiceHostnames, tlsOn } from '../src/docker/job.js';
import { serviceHostnames } from '../src/docker/hostnames.js';
import type { Fix } from '../src/engine/rule.js';
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
 * Safe: with TLS on, `cilint fix` turns port 2375 into 2376 where the value is written. Other
 * mismatches need a choice (an alias, a SAN, TLS on) and are left to you.
 */
export default defineRule({
  slug: 'docker-host-mismatch',
  severity: 'error',
  summary: 'DOCKER_HOST names a host or port the job\'s dind service does not serve.',
  fixable: 'safe',
  examples: [
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
  ],
  check({ jobs, executorFor, report }) {
    for (const job of jobs) {
      const dind = dindServices(job);
      const dh = jobDockerHost(job);
      if (dind.length === 0 || !dh || dh.parsed.scheme !== 'tcp' || dh.parsed.host === undefined) continue;
      const host = dh.parsed.host;
      const at = dh.variable.span;
      const reachable = jobServiceHostnames(job, executorFor(job));
      if (!reachable.names.has(host)) {
        const names = [...reachable.names].map((n) => `\`${n}\``).join(', ');
        const proxied = dind.some((s) => s.ref.hasVariables);
        report({
          at,
          message:
            `DOCKER_HOST names \`${host}\`, which is no hostname of the job's services (${names || 'none'})` +
            (host === 'localhost' && executorFor(job) === 'docker' ? '; `localhost` reaches services only on the Kubernetes executor' : '') +
            (proxied ? '; an image pulled through a variable prefix gets a hostname from its expanded path, so give the service `alias: docker`' : '') +
            '; use tcp://docker:2376.',
        });
        continue;
      }
      const svc =
        dind.find((s) =>
          serviceHostnames(s.container.image.value, s.container.aliases.map((a) => a.value), executorFor(job)).names.includes(host),
        ) ?? dind[0];
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
          message: 'DOCKER_HOST uses port 2376, but DOCKER_TLS_CERTDIR is "" so the daemon listens on 2375 without TLS; turn TLS on with DOCKER_TLS_CERTDIR: "/certs".',
        });
      } else if (tls && host !== 'docker' && host !== 'localhost' && !sanNames(svc.env.get('DOCKER_TLS_SAN')?.value).has(host)) {
        report({
          at,
          message: `the dind daemon's TLS certificate is valid for \`docker\` and \`localhost\`, not \`${host}\`; add DOCKER_TLS_SAN: "DNS:${host}" or use tcp://docker:2376.`,
        });
      }
    }
  },
});

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
