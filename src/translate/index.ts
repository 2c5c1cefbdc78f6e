import { dindServices } from '../docker/job.js';
import { countPerRunner } from '../docker/runner.js';
import type { Edit, Fix, FixSettings, RuleContext, Strategy } from '../engine/rule.js';
import type { Job, ScriptStep } from '../model/pipeline.js';
import type { Runner } from '../model/runner.js';
import type { Tree } from '../model/tree.js';
import { translateBuildah } from './buildah.js';
import { translateBuildkit } from './buildkit.js';
import { jobEdits, type JobChange } from './job-edit.js';
import { translateKaniko } from './kaniko.js';
import { readJobPlan, spanWhere, type JobPlan } from './plan.js';
import { buildkitEditsFor, socketRunnerEdits, someNames } from './runner.js';
import { translateSocket } from './socket.js';
import type { TranslateOutcome } from './translation.js';

/**
 * The builder images the translations write, pinned; `fix.images` in the config file overrides them.
 * kaniko: the osscontainertools fork (upstream GoogleContainerTools/kaniko was archived in June
 * 2025), whose `-debug` image keeps `/kaniko/executor` and a busybox shell for GitLab's script.
 */
export const DEFAULT_IMAGES: Readonly<Record<Exclude<Strategy, 'socket'>, string>> = {
  buildah: 'quay.io/buildah/stable:v1.43.4',
  buildkit: 'moby/buildkit:v0.32.2-rootless',
  kaniko: 'martizih/kaniko:v1.27.6-debug',
};

/** The image a builder strategy puts in jobs: the config file's `fix.images`, else the pinned default. */
export function builderImage(settings: FixSettings, strategy: Exclude<Strategy, 'socket'>): string {
  return settings.images[strategy] ?? DEFAULT_IMAGES[strategy];
}

export function translateJob(job: Job, settings: FixSettings): TranslateOutcome {
  // What such a reference stands for (a script line, a variable, a service) is unknown: the job may build
  // in ways the translation cannot see.
  const unresolved = job.config && firstReference(job.config);
  if (unresolved) {
    return {
      blocked: [`job \`${job.name}\` holds a \`!reference\` that cilint could not replace (${spanWhere(unresolved.span)}): fix the bad-reference finding first`],
    };
  }
  const outcome = translatePlan(readJobPlan(job), settings);
  // A job that only logs in and pulls builds nothing: a one-shot builder would leave it no `script`,
  // which GitLab requires.
  if ('translation' in outcome && emptiesScript(job, outcome.translation.steps)) {
    return { blocked: [`job \`${job.name}\` builds no image: ${settings.strategy} would leave nothing of its \`script\``] };
  }
  return outcome;
}

function translatePlan(plan: JobPlan, settings: FixSettings): TranslateOutcome {
  switch (settings.strategy) {
    case 'buildah':
      return translateBuildah(plan, builderImage(settings, 'buildah'));
    case 'buildkit':
      return translateBuildkit(plan, builderImage(settings, 'buildkit'));
    case 'kaniko':
      return translateKaniko(plan, builderImage(settings, 'kaniko'));
    case 'socket':
      return translateSocket(plan);
  }
}

/** The first `!reference` left in a job's effective configuration (one that names nothing, nests too deep, …). */
function firstReference(t: Tree): Tree | undefined {
  switch (t.kind) {
    case 'ref':
      return t;
    case 'scalar':
      return undefined;
    case 'seq':
      for (const i of t.items) {
        const r = firstReference(i);
        if (r) return r;
      }
      return undefined;
    case 'map':
      for (const e of t.entries) {
        const r = firstReference(e.value);
        if (r) return r;
      }
      return undefined;
  }
}

function emptiesScript(job: Job, steps: ReadonlyMap<ScriptStep, readonly string[]>): boolean {
  const script = job.scripts.filter((s) => s.section === 'script');
  return script.length > 0 && script.every((s) => steps.get(s)?.length === 0);
}

/**
 * The translation of every GitLab job using one dind service (as written: a template's service is one
 * finding for all the jobs that extend it), as far as the jobs themselves tell: their edits, and the
 * jobs whose commands need a daemon, left out. `translationFix` completes it once every group of the
 * lint set is judged, since a runner's edits may depend on jobs of other groups.
 */
export interface JobTranslation {
  readonly settings: FixSettings;
  readonly edits: readonly Edit[];
  readonly notes: readonly string[];
  readonly skipped: readonly string[];
  /** How many jobs were translated, and their names as a list for a sentence. */
  readonly done: number;
  readonly names: string;
  /**
   * The runner lists that may run the translated jobs (as `runnersFor` gives them), each with how many
   * of those jobs. Kept by list, not by runner: a lint set has few lists and may have thousands of
   * runners, and a translation is kept for every dind service until the run's end.
   */
  readonly runnerLists: ReadonlyMap<readonly Runner[], number>;
}

/**
 * Script items (after `extends`, `default:` and `!reference`) that the translations of the jobs of one
 * file may read in one `cilint fix`, all passes together. A job's translation reads every item its
 * script holds, and writes them into the job when they come from elsewhere; a few kilobytes of YAML can
 * stand for millions of them (a template of a thousand items that fifty jobs reference twenty times
 * each ran out of memory). Past the budget, jobs are left as they are, each named with the reason. The
 * bench's 20 000-file monorepo translates 17 000 jobs of 44 000 items in all, a few per file.
 */
export const TRANSLATED_ITEMS_PER_FILE = 20_000;

/**
 * What is left of each file's budget, for one `cilint fix` run: the fix loop lints again after each pass
 * with the same settings object, and a job translated in one pass is no longer a dind job in the next.
 */
const budgets = new WeakMap<FixSettings, Map<string, number>>();

/** Spends `items` of the budget of the file where `job` is defined; a reason when too few are left. */
function spendBudget(settings: FixSettings, job: Job, items: number): string | undefined {
  let left = budgets.get(settings);
  if (!left) budgets.set(settings, (left = new Map()));
  const file = job.nameSpan.file.path;
  const before = left.get(file) ?? TRANSLATED_ITEMS_PER_FILE;
  if (items <= before) {
    left.set(file, before - items);
    return undefined;
  }
  const n = (x: number) => x.toLocaleString('en-US');
  const own = `its script holds ${n(items)} items once its \`extends\` and \`!reference\`s are replaced`;
  return items > TRANSLATED_ITEMS_PER_FILE
    ? `${own}; cilint translates at most ${n(TRANSLATED_ITEMS_PER_FILE)} for the jobs of one file`
    : `${own}, and the jobs of its file translated before it hold ${n(TRANSLATED_ITEMS_PER_FILE - before)} of the ${n(TRANSLATED_ITEMS_PER_FILE)} items cilint translates for the jobs of one file`;
}

/** The job part of the translation; undefined when no strategy was asked for. */
export function translateJobs(jobs: readonly Job[], ctx: RuleContext): JobTranslation | undefined {
  const settings = ctx.fix;
  if (!settings) return undefined;
  const skipped: string[] = [];
  const notes: string[] = [];
  const changes: JobChange[] = [];
  for (const job of jobs) {
    const over = spendBudget(settings, job, job.scripts.length);
    if (over) {
      skipped.push(`job \`${job.name}\` was not translated: ${over}`);
      continue;
    }
    const outcome = translateJob(job, settings);
    if ('blocked' in outcome) {
      skipped.push(...outcome.blocked);
      continue;
    }
    changes.push({ job, translation: outcome.translation, services: dindServices(job).map((s) => s.container) });
    notes.push(...outcome.translation.notes);
  }
  const placed = jobEdits(changes, ctx.jobs);
  for (const [job, why] of placed.failed) skipped.push(`job \`${job.name}\` was not translated: ${why}`);
  const done = changes.map((c) => c.job).filter((j) => !placed.failed.has(j));
  const runnerLists = new Map<readonly Runner[], number>();
  for (const j of new Set(done)) {
    const list = ctx.runnersFor(j);
    runnerLists.set(list, (runnerLists.get(list) ?? 0) + 1);
  }
  return { settings, edits: placed.edits, notes, skipped, done: done.length, names: done.map((j) => `\`${j.name}\``).join(', '), runnerLists };
}

/**
 * The fix: the job edits, then the runner edits and notes of the strategy. `dindJobsOn` tells how many
 * jobs with a dind service, across the lint set, a runner may run. Undefined when nothing is left to say.
 */
export function translationFix(t: JobTranslation, dindJobsOn: (r: Runner) => number): Fix | undefined {
  const { settings, names } = t;
  const { strategy } = settings;
  const edits = [...t.edits];
  const notes = [...t.notes];
  if (t.done > 0) {
    // Only the runner edits of buildkit and socket look at runners, and only socket's at how many jobs.
    const runners = strategy === 'buildkit' || strategy === 'socket' ? runnersOf(t.runnerLists) : [];
    const translatedOn = strategy === 'socket' ? countPerRunner(t.runnerLists) : undefined;
    const stillPrivileged = (r: Runner) => dindJobsOn(r) > (translatedOn?.get(r) ?? 0);
    notes.push(...strategyNotes(strategy, settings, t.done, names, runners, edits, stillPrivileged));
  }
  if (edits.length === 0 && t.skipped.length === 0) return undefined;
  return {
    title: t.done > 0 ? `translate ${names} to ${strategy}` : `translate to ${strategy}`,
    applicability: 'unsafe',
    strategy,
    edits,
    notes: [...new Set(notes)],
    skipped: [...t.skipped],
  };
}

/** The runners of the lists, each once: the list itself when there is one (most translations). */
function runnersOf(lists: ReadonlyMap<readonly Runner[], number>): readonly Runner[] {
  if (lists.size === 1) return lists.keys().next().value!;
  return [...new Set([...lists.keys()].flat())];
}

function strategyNotes(
  strategy: Strategy,
  settings: FixSettings,
  /** How many jobs were translated, and their names as a list for a sentence. */
  done: number,
  names: string,
  runners: readonly Runner[],
  edits: Edit[],
  /** Whether a job left untranslated still needs a runner's privilege. */
  stillPrivileged: (r: Runner) => boolean,
): string[] {
  // The verb's ending: `app builds`, `app, web build`.
  const s = done === 1 ? 's' : '';
  switch (strategy) {
    case 'buildah':
      return [`${names} build${s} with buildah (${builderImage(settings, 'buildah')}, vfs storage) and need${s} no privileged runner`];
    case 'kaniko': {
      const image = builderImage(settings, 'kaniko');
      const fork = image === DEFAULT_IMAGES.kaniko ? ', the maintained osscontainertools fork (upstream kaniko was archived in June 2025)' : '';
      return [`${names} build${s} with kaniko: ${image}${fork}; set fix.images.kaniko to use another -debug image`];
    }
    case 'buildkit': {
      const r = buildkitEditsFor(runners);
      edits.push(...r.edits);
      const where = [
        r.edited.length > 0 ? `added security_opt to ${someNames(r.edited)}` : '',
        runners.length === 0 ? 'no runner config was linted: set security_opt = ["seccomp:unconfined", "apparmor:unconfined"] in the runner\'s [runners.docker]' : '',
        r.manual.length > 0 ? `set the matching pod security settings on ${someNames(r.manual)} yourself` : '',
      ].filter((s) => s !== '');
      return [`BuildKit rootless needs seccomp and AppArmor unconfined on the job container${where.length > 0 ? `: ${where.join('; ')}` : ''}`];
    }
    case 'socket': {
      const r = socketRunnerEdits(runners, stillPrivileged);
      edits.push(...r.edits);
      const where =
        runners.length === 0
          ? 'no runner config was linted: bind /var/run/docker.sock:/var/run/docker.sock in the runner\'s [runners.docker] volumes and set privileged = false'
          : [r.edited.length > 0 ? `bound the socket in ${someNames(r.edited)}` : '', r.manual.length > 0 ? `bind it on ${someNames(r.manual)} yourself` : '']
              .filter((s) => s !== '')
              .join('; ');
      return [
        `${names} now use${s} the runner host's Docker daemon through its socket: jobs get root on the host, and concurrent jobs share one daemon (its images, networks and containers)${where ? `; ${where}` : ''}`,
      ];
    }
  }
}
