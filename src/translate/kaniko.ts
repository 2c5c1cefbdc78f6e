import type { BuildSpec, JobPlan } from './plan.js';
import { isMultiPlatform } from './plan.js';
import { buildArgWord, commandLines, translateOneShot, type OneShotBuild } from './one-shot.js';
import type { TranslateOutcome } from './translation.js';
import { dqFragment, shellQuote } from './words.js';

/**
 * kaniko: `/kaniko/executor` builds and pushes in one go, from a `-debug` image (it has a shell for
 * GitLab's script) with its entrypoint cleared; credentials go to `/kaniko/.docker/config.json`.
 */
export function translateKaniko(plan: JobPlan, image: string): TranslateOutcome {
  return translateOneShot(plan, { strategy: 'kaniko', image, configDir: '/kaniko/.docker', addVariables: [], rejects, render, notes });
}

function rejects(b: BuildSpec): string | undefined {
  if (b.buildahOnly.length > 0) return `kaniko has no \`${b.buildahOnly[0].name}\``;
  return isMultiPlatform(b) ? 'kaniko builds for one platform at a time' : undefined;
}

function notes(builds: readonly OneShotBuild[]): string[] {
  return builds.some((b) => b.cache) ? ['kaniko pushes its layer cache to the `<repository>/cache` repositories named by --cache-repo'] : [];
}

function render(b: OneShotBuild, all: readonly OneShotBuild[]): string | undefined {
  const { build } = b;
  const context = build.context!;
  const dockerfile = build.file ? build.file.text : dockerfileIn(context);
  if (dockerfile === undefined) return undefined;
  const args = [`--context ${context.text}`, `--dockerfile ${dockerfile}`];
  for (const d of b.destinations) args.push(`--destination ${d.text}`);
  for (const a of build.buildArgs) args.push(`--build-arg ${buildArgWord(a)}`);
  if (build.target) args.push(`--target ${build.target.text}`);
  for (const l of build.labels) args.push(`--label ${l.text}`);
  if (build.platforms[0]) args.push(`--custom-platform ${build.platforms[0].text}`);
  if (b.cache) args.push('--cache=true', `--cache-repo "${b.cache}"`);
  if (b.destinations.length === 0) args.push('--no-push');
  if (all.length > 1) args.push('--cleanup');
  return commandLines('/kaniko/executor', args);
}

/** `<context>/Dockerfile`, which docker reads when `-f` is not given (kaniko would look in the working directory). */
function dockerfileIn(context: { value?: string; text: string }): string | undefined {
  if (context.value !== undefined) {
    const dir = context.value.replace(/\/+$/, '');
    return dir === '.' || dir === '' ? 'Dockerfile' : shellQuote(`${dir}/Dockerfile`);
  }
  const f = dqFragment(context.text);
  return f === undefined ? undefined : `"${f.replace(/\/+$/, '')}/Dockerfile"`;
}
