import { appendToArray } from '../edit/toml.js';
import type { Edit } from '../engine/rule.js';
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

export function buildkitRunnerEdits(runners: readonly Runner[]): RunnerEdits {
  const out: RunnerEdits = { edits: [], edited: [], manual: [] };
  for (const r of runners) {
    if (!editable(r)) {
      if (isKubernetes(r) || r.config.embedded) out.manual.push(runnerLabel(r));
      continue;
    }
    const missing = UNCONFINED.filter((o) => !r.docker!.securityOpt?.items.some((i) => i.value.replace('=', ':') === o));
    if (missing.length === 0) continue;
    const edit = appendToArray(r.docker!.span, r.docker!.securityOpt, 'security_opt', missing);
    if (!edit) continue;
    out.edits.push(edit);
    out.edited.push(`${runnerLabel(r)} in ${r.config.file.relPath}`);
  }
  return out;
}

/** The socket volume, and `privileged = false` where no job still needs a privileged dind service. */
export function socketRunnerEdits(runners: readonly Runner[], stillPrivileged: (r: Runner) => boolean): RunnerEdits {
  const out: RunnerEdits = { edits: [], edited: [], manual: [] };
  for (const r of runners) {
    if (!editable(r)) {
      out.manual.push(runnerLabel(r));
      continue;
    }
    const d = r.docker!;
    let changed = false;
    if (!d.volumes?.items.some((v) => v.value.split(':')[0] === '/var/run/docker.sock')) {
      const edit = appendToArray(d.span, d.volumes, 'volumes', [SOCKET_VOLUME]);
      if (edit) {
        out.edits.push(edit);
        changed = true;
      }
    }
    if (d.privileged?.value === true && !stillPrivileged(r)) {
      out.edits.push({ file: r.config.file, start: d.privileged.span.start, end: d.privileged.span.end, text: 'false' });
      changed = true;
    }
    if (changed) out.edited.push(`${runnerLabel(r)} in ${r.config.file.relPath}`);
  }
  return out;
}
