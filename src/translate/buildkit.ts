import type { ShellWord } from '../docker/shell.js';
import type { BuildSpec, JobPlan } from './plan.js';
import { buildArgWord, commandLines, translateOneShot, type OneShotBuild } from './one-shot.js';
import type { TranslateOutcome } from './translation.js';
import { dqFragment, shellQuote } from './words.js';

/**
 * BuildKit rootless: `buildctl-daemonless.sh` starts a private buildkitd for each build, in
 * `moby/buildkit:rootless` with its entrypoint cleared; credentials go to `~/.docker/config.json`.
 */
export function translateBuildkit(plan: JobPlan, image: string): TranslateOutcome {
  return translateOneShot(plan, {
    strategy: 'buildkit',
    image,
    configDir: '~/.docker',
    addVariables: [['BUILDKITD_FLAGS', '--oci-worker-no-process-sandbox']],
    rejects,
    render,
  });
}

function rejects(b: BuildSpec): string | undefined {
  return b.buildahOnly.length > 0 ? `cilint does not translate \`${b.buildahOnly[0].name}\` to buildctl` : undefined;
}

function render(b: OneShotBuild): string | undefined {
  const { build } = b;
  const context = build.context!;
  const args = ['--frontend dockerfile.v0', `--local context=${context.text}`];
  const file = dockerfileLocation(build.file);
  args.push(`--local dockerfile=${file ? file.dir : context.text}`);
  if (file?.name) args.push(`--opt filename=${file.name}`);
  for (const a of build.buildArgs) args.push(`--opt build-arg:${buildArgWord(a)}`);
  if (build.target) args.push(`--opt target=${build.target.text}`);
  for (const l of build.labels) args.push(`--opt label:${l.text}`);
  if (build.platforms.length === 1) args.push(`--opt platform=${build.platforms[0].text}`);
  else if (build.platforms.length > 1) {
    const parts = build.platforms.map((p) => dqFragment(p));
    if (parts.some((p) => p === undefined)) return undefined;
    args.push(`--opt "platform=${parts.join(',')}"`);
  }
  if (build.pull) args.push('--opt image-resolve-mode=pull');
  if (build.noCache) args.push('--no-cache');
  if (b.cache) args.push(`--import-cache "type=registry,ref=${b.cache}"`, `--export-cache "type=registry,ref=${b.cache},mode=max"`);
  const names = b.destinations.map((d) => dqFragment(d));
  if (names.some((n) => n === undefined)) return undefined;
  if (names.length === 1) args.push(`--output "type=image,name=${names[0]},push=true"`);
  else if (names.length > 1) args.push(`--output "type=image,\\"name=${names.join(',')}\\",push=true"`);
  return commandLines('buildctl-daemonless.sh build', args);
}

/** `-f path/Dockerfile.x` as buildctl wants it: the folder, and the file name when it is not `Dockerfile`. */
function dockerfileLocation(file: ShellWord | undefined): { dir: string; name?: string } | undefined {
  if (!file) return undefined;
  if (file.value !== undefined) {
    const slash = file.value.lastIndexOf('/');
    const dir = slash < 0 ? '.' : file.value.slice(0, slash) || '/';
    const name = file.value.slice(slash + 1);
    return { dir: shellQuote(dir), ...(name === 'Dockerfile' ? {} : { name: shellQuote(name) }) };
  }
  return { dir: `"$(dirname ${file.text})"`, name: `"$(basename ${file.text})"` };
}
