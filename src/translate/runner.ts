import { appendToArray } from '../edit/toml.js';
import type { Edit } from '../engine/rule.js';
import { memoByObject } from '../model/memo.js';
import { isDockerExecutor, isKubernetes, runnerLabel, type Runner } from '../model/runner.js';

/**
 * Edits of the runner configs linted with the pipeline that a translation needs: BuildKit rootless
 * needs seccomp and AppArmor unconfined; the socket strategy binds `/var/run/docker.sock` and drops
 * `privileged = true`.
 */

const SOCKET_VOLUME = '/var/run/docker.sock:/var/run/docker.sock';
const UNCONFINED = ['seccomp:unconfined', 'apparmor:unconfined'];

export interface RunnerEdits {
  edits: Edit[];
  /** Runners edited, and runners left to the user (Kubernetes, Helm values), for the notes. */
  edited: string[];
  manual: string[];
}

/** Runners that can be edited here: Docker executors written in a TOML file. */
function editable(r: Runner): boolean {
  return isDockerExecutor(r) && !!r.docker && !r.config.embedded;
}

/**
 * What BuildKit rootless needs of one runner, made once per runner: every translated dind service's
 * fix carries the edits of all the runners its jobs may run on, so a big lint set (thousands of
 * services, hundreds of runners) would otherwise hold a copy of each edit per service.
 */
const buildkitEdit = memoByObject((r: Runner): Edit | 'manual' | undefined => {
  if (!editable(r)) return isKubernetes(r) || r.config.embedded ? 'manual' : undefined;
  const missing = UNCONFINED.filter((o) => !r.docker!.securityOpt?.items.some((i) => i.value.replace('=', ':') === o));
  return missing.length === 0 ? undefined : appendToArray(r.docker!.span, r.docker!.securityOpt, 'security_opt', missing);
});

/**
 * The BuildKit edits of a list of runners: once per list, as the translations of a lint set mostly share
 * a few (`runnersFor`).
 */
export const buildkitEditsFor = memoByObject(buildkitRunnerEdits);

function buildkitRunnerEdits(runners: readonly Runner[]): RunnerEdits {
  const out: RunnerEdits = { edits: [], edited: [], manual: [] };
  for (const r of runners) {
    const edit = buildkitEdit(r);
    if (edit === 'manual') out.manual.push(runnerLabel(r));
    else if (edit) {
      out.edits.push(edit);
      out.edited.push(placedLabel(r));
    }
  }
  return out;
}

/** The socket volume a runner lacks, and `privileged = false` for when no job still needs its privilege: once per runner. */
const socketEdits = memoByObject((r: Runner): { volume: Edit | undefined; unprivilege: Edit | undefined } | 'manual' => {
  if (!editable(r)) return 'manual';
  const d = r.docker!;
  const volume = d.volumes?.items.some((v) => v.value.split(':')[0] === '/var/run/docker.sock')
    ? undefined
    : appendToArray(d.span, d.volumes, 'volumes', [SOCKET_VOLUME]);
  const unprivilege = d.privileged?.value === true ? { file: r.config.file, start: d.privileged.span.start, end: d.privileged.span.end, text: 'false' } : undefined;
  return { volume, unprivilege };
});

/** The socket volume, and `privileged = false` where no job still needs a privileged dind service. */
export function socketRunnerEdits(runners: readonly Runner[], stillPrivileged: (r: Runner) => boolean): RunnerEdits {
  const out: RunnerEdits = { edits: [], edited: [], manual: [] };
  for (const r of runners) {
    const edits = socketEdits(r);
    if (edits === 'manual') {
      out.manual.push(runnerLabel(r));
      continue;
    }
    const before = out.edits.length;
    if (edits.volume) out.edits.push(edits.volume);
    if (edits.unprivilege && !stillPrivileged(r)) out.edits.push(edits.unprivilege);
    if (out.edits.length > before) out.edited.push(placedLabel(r));
  }
  return out;
}

/** A runner and its file, for notes: once per runner (see `buildkitEdit`). */
const placedLabel = memoByObject((r: Runner): string => `${runnerLabel(r)} in ${r.config.file.relPath}`);

/** Runners named in a note: the first few, then how many more (a note is read, not searched). */
export function someNames(names: readonly string[], shown = 5): string {
  if (names.length <= shown + 1) return names.join(', ');
  return `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}
