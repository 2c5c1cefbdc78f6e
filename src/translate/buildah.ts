import type { CliOption } from '../docker/docker-cli.js';
import type { ShellWord } from '../docker/shell.js';
import type { JobPlan, PlannedCommand } from './plan.js';
import { commandText, isMultiPlatform, whereWritten } from './plan.js';
import { daemonBlockers, DAEMON_VARIABLES, StepEdits, type TranslateOutcome } from './translation.js';
import { cacheRepository, imageKey } from './words.js';

/**
 * buildah reads docker's command lines: each `docker build/tag/push/pull/login` becomes the buildah
 * command of the same name with its words as written, wherever it stands (in conditions and loops
 * too). Storage is `vfs`, images are written in Docker's format, and no privilege is needed.
 */
export function translateBuildah(plan: JobPlan, image: string): TranslateOutcome {
  const blocked = daemonBlockers(plan, 'buildah');
  const edits = new StepEdits(plan);
  edits.dropDaemonProbes();
  const notes: string[] = [];
  const cacheImages = new Set<string>();
  const tagged: ShellWord[] = [];
  for (const c of plan.commands) {
    if (c.op.kind === 'build') {
      for (const w of c.op.build.cacheFrom) if (!/^["']?type=/.test(w.text)) cacheImages.add(imageKey(w));
      tagged.push(...c.op.build.tags);
    }
    if (c.op.kind === 'tag') tagged.push(c.op.target);
  }
  for (const c of plan.commands) {
    if (c.approximate || c.op.kind === 'needs-daemon' || edits.isDropped(c)) continue;
    const op = c.op;
    switch (op.kind) {
      case 'build': {
        const b = op.build;
        if (isMultiPlatform(b)) {
          blocked.push(`job \`${plan.job.name}\` runs \`${commandText(c)}\` (${whereWritten(c)}) for several platforms, which buildah builds as a manifest list; cilint does not translate that`);
          continue;
        }
        const removed = [...b.dropped, ...options(c, ['push', 'cache-from', 'cache-to'])];
        const cache = b.noCache ? undefined : cacheRepository([...b.cacheFrom, ...b.cacheTo]).repo;
        if ((b.cacheFrom.length > 0 || b.cacheTo.length > 0) && !cache && !b.noCache) notes.push(`the cache of \`${commandText(c)}\` was left out: cilint cannot tell its repository`);
        const prefix = `buildah build${cache ? ` --layers --cache-from "${cache}" --cache-to "${cache}"` : ''}`;
        const pushes = b.push ? b.tags.map((t) => ` && buildah push ${t.text}`).join('') : '';
        edits.replace(c, `${prefix}${tail(c, removed)}${pushes}`, true);
        break;
      }
      case 'push': {
        if (!op.allTags) {
          edits.replace(c, `buildah push${tail(c, [])}`, true);
          break;
        }
        const repo = imageKey(op.image).replace(/:latest$/, '');
        const tags = dedupe(tagged.filter((t) => imageKey(t).startsWith(`${repo}:`)));
        if (tags.length === 0) {
          blocked.push(`job \`${plan.job.name}\` runs \`${commandText(c)}\` (${whereWritten(c)}), which pushes every tag of a repository; buildah pushes one image at a time and cilint cannot tell the tags`);
          continue;
        }
        edits.replace(c, tags.map((t) => `buildah push ${t.text}`).join(' && '), true);
        break;
      }
      case 'tag':
        edits.replace(c, `buildah tag${tail(c, [])}`, true);
        break;
      case 'pull':
        if (c.direct && cacheImages.has(imageKey(op.image))) edits.drop(c);
        else edits.replace(c, `buildah pull${tail(c, [])}`, true);
        break;
      case 'login': {
        const pw = op.login.passwordOption;
        const fed = c.pipeline ? c.step.text.slice(c.pipeline.start, c.start) : '';
        const head = pw ? `printf '%s\\n' ${pw.value!.text} | buildah login --password-stdin` : `${fed}buildah login`;
        edits.replace(c, `${head}${tail(c, pw ? [pw] : [])}`, true);
        break;
      }
      case 'absorbed':
        edits.drop(c);
        break;
    }
  }
  if (blocked.length > 0) return { blocked };
  return {
    translation: {
      image,
      addVariables: [
        ['STORAGE_DRIVER', 'vfs'],
        ['BUILDAH_FORMAT', 'docker'],
      ],
      removeVariables: [...DAEMON_VARIABLES],
      overrideVariables: [],
      steps: edits.result(),
      notes,
    },
  };
}

function options(c: PlannedCommand, names: readonly string[]): CliOption[] {
  return (c.invocation?.options ?? []).filter((o) => names.includes(o.canonical));
}

function dedupe(words: readonly ShellWord[]): ShellWord[] {
  const seen = new Set<string>();
  return words.filter((w) => !seen.has(imageKey(w)) && !!seen.add(imageKey(w)));
}

/**
 * The command's text after its subcommand words (`docker image push` → ` $IMAGE > log`), as
 * written, without the words of `removed` options (and the blanks or line continuation before each).
 */
function tail(c: PlannedCommand, removed: readonly CliOption[]): string {
  const inv = c.invocation!;
  const args = inv.command.args;
  let pos = 0;
  for (const sub of inv.subcommand) {
    const j = args.findIndex((w, i) => i >= pos && w.value === sub);
    if (j < 0) break;
    pos = j + 1;
  }
  const text = c.step.text;
  const from = pos > 0 ? args[pos - 1].end : c.start;
  const cuts: { start: number; end: number }[] = [];
  for (const o of removed) {
    cuts.push({ start: o.word.start, end: o.word.end });
    if (o.value && o.value.start >= o.word.end) cuts.push({ start: o.value.start, end: o.value.end });
  }
  let out = '';
  let at = from;
  for (const cut of cuts.filter((x) => x.start >= from).sort((a, b) => a.start - b.start)) {
    if (cut.start < at) continue;
    const lead = /(?:[ \t]|\\\r?\n)*$/.exec(text.slice(at, cut.start))![0];
    out += text.slice(at, cut.start - lead.length);
    at = cut.end;
  }
  return out + text.slice(at, c.end);
}
