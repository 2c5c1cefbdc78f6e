import { jobContainers, type Container, type Job, type Mount, type ScriptStep, type Variable } from '../model/pipeline.js';
import type { Span } from '../model/span.js';
import { parseDockerHost, type DockerHost } from './docker-host.js';
import { findDockerInvocations, mayInvokeDocker, type DockerInvocation } from './docker-cli.js';
import { serviceHostnames, type Executor } from './hostnames.js';
import { isDindImage, parseImageRef, type ImageRef } from './image.js';
import { parseShell, type ParsedScript } from './shell.js';
import { memoByString, memoForGroup } from '../model/memo.js';
import { layered } from '../model/variables.js';

/** What a job's Docker setup looks like, as the rules read it. */

export interface DindService {
  container: Container;
  ref: ImageRef;
  /**
   * The daemon's environment. GitLab: the job's variables, then the service's own (which win). Jenkins:
   * the container's own only; a sidecar or pod container gets nothing from the pipeline's environment.
   */
  env: ReadonlyMap<string, Variable>;
}

export const dindServices = memoForGroup((job: Job): DindService[] => {
  const out: DindService[] = [];
  for (const container of job.services) {
    const ref = parseImageRef(container.image.value);
    if (!isDindImage(ref)) continue;
    const env = job.platform === 'jenkins' ? container.variables : layered(job.variables, container.variables);
    out.push({ container, ref, env });
  }
  return out;
});

/**
 * The official docker image turns TLS on unless `DOCKER_TLS_CERTDIR` is set to the empty string; an
 * unset variable means the image default, `/certs`.
 */
export function tlsOn(env: ReadonlyMap<string, Variable>): boolean {
  const v = env.get('DOCKER_TLS_CERTDIR');
  return v === undefined || v.value === undefined || v.value.trim() !== '';
}

export interface JobDockerHost {
  variable: Variable;
  parsed: DockerHost;
}

export const jobDockerHost = memoForGroup((job: Job): JobDockerHost | undefined => {
  const variable = job.variables.get('DOCKER_HOST');
  if (!variable || variable.value === undefined) return undefined;
  const parsed = parseDockerHost(variable.value);
  return parsed ? { variable, parsed } : undefined;
});

export interface JobHostnames {
  names: Set<string>;
  /** Some name derives from an image written with a variable (GitLab). */
  uncertain: boolean;
  /** Some service may answer under names not listed (a Jenkins sidecar reached by its address or id). */
  incomplete: boolean;
}

/** Every hostname under which some service of the job answers. */
export function jobServiceHostnames(job: Job, executor: Executor): JobHostnames {
  const names = new Set<string>();
  let uncertain = false;
  let incomplete = false;
  for (const c of job.services) {
    if (c.hostnames) {
      c.hostnames.names.forEach((n) => names.add(n));
      incomplete ||= !c.hostnames.complete;
      continue;
    }
    const h = serviceHostnames(
      c.image.value,
      c.aliases.map((a) => a.value),
      executor,
    );
    h.names.forEach((n) => names.add(n));
    uncertain ||= h.uncertain;
  }
  return { names, uncertain, incomplete };
}

/** The hostnames under which one service of a job answers. */
export function containerHostnames(c: Container, executor: Executor): readonly string[] {
  return c.hostnames?.names ?? serviceHostnames(c.image.value, c.aliases.map((a) => a.value), executor).names;
}

/**
 * Parsed shell by script text. CI files repeat the same lines (a login, a push, a build) across jobs,
 * templates and projects, and a parse depends on the text alone (its offsets are into the text), so a
 * line is parsed once, not once per step that holds it. The tables are small: every value kept across
 * groups is copied by the young-generation GC and then moved to the old one, and a line that recurs
 * after a table is emptied is only parsed once more. Nothing may change a result.
 */
const shellOfText = memoByString(parseShell, 2_000);
const dockerInText = memoByString((text: string) => (mayInvokeDocker(text) ? findDockerInvocations(shellOfText(text)) : []), 2_000);

/** The parsed shell of a script step. */
export function parsedScript(step: ScriptStep): ParsedScript {
  return shellOfText(step.text);
}

export interface LocatedInvocation {
  step: ScriptStep;
  invocation: DockerInvocation;
}

export const dockerInvocations = memoForGroup((job: Job): LocatedInvocation[] => {
  return job.scripts.flatMap((step) => dockerInText(step.text).map((invocation) => ({ step, invocation })));
});

/** The span in the file of a range of a script step's text. */
export function scriptSpan(step: ScriptStep, start: number, end: number): Span {
  const file = step.span.file;
  const s = step.sourceOffset(start);
  const e = Math.max(s, step.sourceOffset(end));
  return { file, start: s, end: e };
}

/** Every host path the job's containers mount, with the container. */
export function containerMounts(job: Job): { container: Container; mount: Mount }[] {
  return jobContainers(job).flatMap((container) => container.mounts.map((mount) => ({ container, mount })));
}
