/** A compact, line-numbered view of a Jenkins pipeline's model, for tests to compare against. */
import { join } from 'node:path';
import { FsHost } from '../../../src/engine/fs-host.js';
import type { Container, Job, Pipeline, Variable } from '../../../src/model/pipeline.js';
import { positionAt } from '../../../src/model/source.js';
import type { Span } from '../../../src/model/span.js';
import { parseJenkinsfile } from '../../../src/parsers/jenkins/index.js';
import { FIXTURES } from './fixtures.js';

/** `line:text` of a span, the text cut at its first line break. */
export function at(span: Span): string {
  const text = span.file.text.slice(span.start, span.end).split(/\r?\n/)[0];
  return `${positionAt(span.file, span.start).line}:${text}`;
}

function variables(vars: ReadonlyMap<string, Variable>): Record<string, string> {
  return Object.fromEntries([...vars.values()].map((v) => [v.name, `${JSON.stringify(v.value)} @${at(v.span)}`]));
}

export function container(c: Container): Record<string, unknown> {
  return {
    image: `${c.image.value} @${at(c.image.span)}`,
    ...(c.privileged ? { privileged: at(c.privileged.span) } : {}),
    ...(c.mounts.length ? { mounts: c.mounts.map((m) => `${m.hostPath} -> ${m.containerPath} @${at(m.span)}`) } : {}),
    ...(c.variables.size ? { env: variables(c.variables) } : {}),
    ...(c.hostnames ? { hostnames: `${c.hostnames.names.join(',') || '(none known)'}${c.hostnames.complete ? '' : ' (and others)'}` } : {}),
  };
}

export function job(j: Job): Record<string, unknown> {
  return {
    name: `${j.name} @${at(j.nameSpan)}`,
    ...(j.image ? { image: container(j.image) } : {}),
    ...(j.services.length ? { services: j.services.map(container) } : {}),
    ...(j.variables.size ? { variables: variables(j.variables) } : {}),
    ...(j.scripts.length ? { scripts: j.scripts.map((s) => `${s.section} ${at(s.span)}`) } : {}),
  };
}

export function parseFixture(dir: string, file = 'Jenkinsfile'): Pipeline {
  const host = new FsHost(join(FIXTURES, dir));
  const read = host.read(file);
  if ('error' in read) throw new Error(read.error);
  return parseJenkinsfile(read, host);
}
