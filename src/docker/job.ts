import type { Container, Job, ScriptStep, Variable } from '../model/pipeline.js';
import { sourceOffsetOf } from '../model/scalar-offsets.js';
import type { Span } from '../model/span.js';
import { parseDockerHost, type DockerHost } from './docker-host.js';
import { findDockerInvocations, type DockerInvocation } from './docker-cli.js';
import { serviceHostnames, type Executor } from './hostnames.js';
import { isDindImage, parseImageRef, type ImageRef } from './image.js';
import { parseShell, type ParsedScript } from './shell.js';

/** What a job's Docker setup looks like, as the rules read it. */

export interface DindService {
  container: Container;
  ref: ImageRef;
  /** The daemon's environment: the job's variables, then the service's own (which win). */
  env: ReadonlyMap<string, Variable>;
}

export function dindServices(job: Job): DindService[] {
  const out: DindService[] = [];
  for (const container of job.services) {
    const ref = parseImageRef(container.image.value);
    if (!isDindImage(ref)) continue;
    out.push({ container, ref, env: new Map([...job.variables, ...container.variables]) });
  }
  return out;
}

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

export function jobDockerHost(job: Job): JobDockerHost | undefined {
  const variable = job.variables.get('DOCKER_HOST');
  if (!variable || variable.value === undefined) return undefined;
  const parsed = parseDockerHost(variable.value);
  return parsed ? { variable, parsed } : undefined;
}

/** Every hostname under which some service of the job answers. */
export function jobServiceHostnames(job: Job, executor: Executor): { names: Set<string>; uncertain: boolean } {
  const names = new Set<string>();
  let uncertain = false;
  for (const c of job.services) {
    const h = serviceHostnames(
      c.image.value,
      c.aliases.map((a) => a.value),
      executor,
    );
    h.names.forEach((n) => names.add(n));
    uncertain ||= h.uncertain;
  }
  return { names, uncertain };
}

const parsedScripts = new WeakMap<ScriptStep['scalar'], ParsedScript>();

/** The parsed shell of a script step; steps shared by several jobs (templates) are parsed once. */
export function parsedScript(step: ScriptStep): ParsedScript {
  let parsed = parsedScripts.get(step.scalar);
  if (!parsed) {
    parsed = parseShell(step.text);
    parsedScripts.set(step.scalar, parsed);
  }
  return parsed;
}

export interface LocatedInvocation {
  step: ScriptStep;
  invocation: DockerInvocation;
}

export function dockerInvocations(job: Job): LocatedInvocation[] {
  return job.scripts.flatMap((step) =>
    findDockerInvocations(parsedScript(step)).map((invocation) => ({ step, invocation })),
  );
}

/** The span in the file of a range of a script step's text. */
export function scriptSpan(step: ScriptStep, start: number, end: number): Span {
  const file = step.scalar.span.file;
  const s = sourceOffsetOf(step.scalar, start);
  const e = Math.max(s, sourceOffsetOf(step.scalar, end));
  return { file, start: s, end: e };
}

/**
 * Whether edits inside a script step can be placed exactly: plain and literal-block scalars hold the
 * shell text as written; quoted and folded ones transform it (escapes, folding).
 */
export function scriptEditable(step: ScriptStep): boolean {
  return step.scalar.style === 'plain' || step.scalar.style === 'literal';
}
