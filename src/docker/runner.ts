import { dirname } from 'node:path';
import picomatch from 'picomatch';
import { memoByObject, memoByString } from '../model/memo.js';
import type { Container } from '../model/pipeline.js';
import { isDockerExecutor, isKubernetes, type KubernetesVolume, type Runner } from '../model/runner.js';
import type { Located, Span } from '../model/span.js';
import { positionAt } from '../model/source.js';
import { posixRelative } from '../parsers/host.js';

/** What we know about a runner's Docker setup, as the cross-file rules read it. */

/** `host:container[:mode]` as the Docker executor's `volumes` writes a bind; a lone path is a volume. */
export function parseVolumeSpec(spec: string): { host?: string; container: string } {
  const parts = spec.split(':');
  // Windows drive letters (C:\...) are not split: docker-windows binds are not our concern here.
  if (parts.length === 1) return { container: parts[0] };
  return { host: parts[0], container: parts[1] };
}

const SOCKET_PATHS = new Set(['/var/run/docker.sock', '/run/docker.sock']);

export function isDockerSocketPath(path: string | undefined): boolean {
  return path !== undefined && SOCKET_PATHS.has(path.replace(/\/+$/, ''));
}

/** The host's docker CLI binary (`/usr/bin/docker`, `/usr/local/bin/docker`, ...). */
export function isDockerBinaryPath(path: string | undefined): boolean {
  return path !== undefined && /^\/(usr\/(local\/)?)?s?bin\/docker$/.test(path.replace(/\/+$/, ''));
}

export interface HostMount {
  /** The volume entry (Docker) or the `[[host_path]]` table (Kubernetes). */
  span: Span;
  hostPath: string;
  text: string;
}

/** Every host path a runner mounts into job containers. */
export const hostMounts = memoByObject((r: Runner): HostMount[] => {
  const out: HostMount[] = [];
  for (const v of r.docker?.volumes?.items ?? []) {
    const spec = parseVolumeSpec(v.value);
    if (spec.host !== undefined) out.push({ span: v.span, hostPath: spec.host, text: v.value });
  }
  for (const v of r.kubernetes?.hostPaths ?? []) {
    const host = v.hostPath?.value ?? v.mountPath?.value;
    if (host !== undefined) out.push({ span: v.span, hostPath: host, text: host });
  }
  return out;
});

export const socketMount = memoByObject((r: Runner): HostMount | undefined => hostMounts(r).find((m) => isDockerSocketPath(m.hostPath)));

/** Whether the runner gives service containers `/certs/client` from a volume they share with the job. */
export const sharesCertsVolume = memoByObject((r: Runner): boolean => {
  if (isKubernetes(r)) return (r.kubernetes?.emptyDirs ?? []).some((v: KubernetesVolume) => isCertsPath(v.mountPath?.value));
  return (r.docker?.volumes?.items ?? []).some((v) => isCertsPath(parseVolumeSpec(v.value).container));
});

function isCertsPath(p: string | undefined): boolean {
  return p !== undefined && p.replace(/\/+$/, '') === '/certs/client';
}

// Facts about the list of runners that may run a job. Every job of a pipeline gets the same list (every
// runner in the lint set, unless the config file maps runners to pipelines), so each fact is computed once
// per list rather than once per job: a lint set of 20 000 jobs and 2 000 runners would otherwise visit
// forty million pairs per rule.

/** Whether some runner of the list uses the Kubernetes executor. */
export const someKubernetes = memoByObject((rs: readonly Runner[]): boolean => rs.some(isKubernetes));

/** Whether the list is not empty and every runner of it uses the Kubernetes executor. */
export const allKubernetes = memoByObject((rs: readonly Runner[]): boolean => rs.length > 0 && rs.every(isKubernetes));

/** The first runner of the list that binds the host's Docker socket, with the binding. */
export const firstSocketBinding = memoByObject((rs: readonly Runner[]): { r: Runner; mount: HostMount } | undefined => {
  for (const r of rs) {
    const mount = socketMount(r);
    if (mount) return { r, mount };
  }
  return undefined;
});

/**
 * Counts by runner from counts by runner list (jobs counted under the list that may run them): the
 * lists are few, so jobs are not walked once per runner. Runners come in the order they are first met.
 */
export function countPerRunner(byList: ReadonlyMap<readonly Runner[], number>): Map<Runner, number> {
  const out = new Map<Runner, number>();
  for (const [list, count] of byList) for (const r of list) out.set(r, (out.get(r) ?? 0) + count);
  return out;
}

/** The runners of the list that start dind services (Docker or Kubernetes) without sharing /certs/client. */
export const runnersWithoutCerts = memoByObject((rs: readonly Runner[]): readonly Runner[] =>
  rs.filter((r) => (isDockerExecutor(r) || isKubernetes(r)) && !sharesCertsVolume(r)),
);

/**
 * Whether some runner of the list starts the service privileged, by the runner's own rule:
 * `services_privileged` if set, else `privileged`; and `allowed_privileged_services` empty or matching
 * the image as written.
 */
export function someRunsServicePrivileged(rs: readonly Runner[], service: Container): boolean {
  return somePrivilegedFor(rs)(service.image.value);
}

const somePrivilegedFor = memoByObject((rs: readonly Runner[]) => memoByString((image: string) => rs.some((r) => privilegedFor(r)(image))));

const privilegedFor = memoByObject((r: Runner) => memoByString((image: string) => computeRunsPrivileged(r, image)));

function computeRunsPrivileged(r: Runner, image: string): boolean {
  if (isKubernetes(r)) return r.kubernetes?.privileged?.value === true;
  if (!isDockerExecutor(r) || !r.docker) return false;
  const privileged = (r.docker.servicesPrivileged ?? r.docker.privileged)?.value === true;
  if (!privileged) return false;
  const allowed = r.docker.allowedPrivilegedServices?.items ?? [];
  return allowed.length === 0 || allowed.some((pattern) => matchesImage(pattern, image));
}

function matchesImage(pattern: Located<string>, image: string): boolean {
  return imageMatcher(pattern)(image);
}

/** An `allowed_privileged_services` glob, compiled once (it is asked about every image of every job). */
const imageMatcher = memoByObject((pattern: Located<string>) => picomatch(pattern.value, { dot: true, bash: true }));

/**
 * `file:line` of a span, for a message reported at `from` that points at another file: the path is
 * relative to the reported file's folder, so it reads the same from any working directory.
 */
export function where(span: Span, from: Span): string {
  const rel = posixRelative(dirname(from.file.path), span.file.path);
  return `${rel}:${positionAt(span.file, span.start).line}`;
}
