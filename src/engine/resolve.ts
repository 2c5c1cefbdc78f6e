import { existsSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { positionAt } from '../model/source.js';
import { parseGitlabPipeline } from '../parsers/gitlab/index.js';
import { effectiveConfig } from '../parsers/gitlab/effective.js';
import { displayPath } from '../report/location.js';
import { projectRoot, UsageError } from './discover.js';
import { FsHost } from './fs-host.js';
import { posixRelative } from '../parsers/host.js';

const ERROR_KINDS = new Set(['parse-error', 'include-error', 'bad-reference', 'schema']);

export interface ResolveProblem {
  /** `path:line:col: level message [kind]`, for stderr. */
  text: string;
  isError: boolean;
}

/** `cilint resolve`: the effective configuration of one pipeline, and what stood in the way. */
export function resolveFile(file: string, cwd: string): { config: Record<string, unknown>; problems: ResolveProblem[] } {
  const abs = resolvePath(cwd, file);
  if (!existsSync(abs)) throw new UsageError(`${file}: no such file`);
  if (statSync(abs).isDirectory()) throw new UsageError(`${file}: is a directory; name a pipeline file`);
  const root = projectRoot(abs);
  const host = new FsHost(root);
  const rel = posixRelative(root, abs);
  const read = host.read(rel);
  if ('error' in read) throw new UsageError(`${file}: ${read.error}`);
  const pipeline = parseGitlabPipeline(rel, host);
  const problems = pipeline.issues.map((i) => {
    const pos = positionAt(i.span.file, i.span.start);
    const level = ERROR_KINDS.has(i.kind) ? 'error' : i.kind === 'include-unresolved' ? 'info' : 'warning';
    return {
      text: `${displayPath(i.span.file.path, cwd)}:${pos.line}:${pos.column}: ${level} ${i.message} [${i.kind}]`,
      isError: level === 'error',
    };
  });
  return { config: effectiveConfig(pipeline), problems };
}
