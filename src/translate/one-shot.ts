import { FlowSeq } from '../edit/yaml.js';
import type { ShellWord } from '../docker/shell.js';
import type { BuildSpec, JobPlan, LoginSpec, PlannedCommand } from './plan.js';
import { commandText, whereWritten } from './plan.js';
import { DAEMON_VARIABLES, daemonBlockers, nestedBlocker, StepEdits, type TranslateOutcome } from './translation.js';
import { cacheRepository, dq, imageKey } from './words.js';

/**
 * What kaniko and BuildKit share: one command builds and pushes every destination at once, so the
 * job's `docker tag`/`docker push` lines fold into the build, and `docker login` becomes a
 * credentials file written before it.
 */

export interface OneShotBuild {
  cmd: PlannedCommand;
  build: BuildSpec;
  /** Names pushed: the build's own tags when pushed, and `docker tag` targets pushed later. */
  destinations: ShellWord[];
  /** The registry cache repository, as the inside of a double-quoted word. */
  cache?: string;
}

export interface OneShotBackEnd {
  strategy: 'kaniko' | 'buildkit';
  /** The builder image, run with its entrypoint cleared so that GitLab's script runs in its shell. */
  image: string;
  /** The folder of the docker `config.json` the builder reads. */
  configDir: string;
  addVariables: readonly (readonly [string, string])[];
  /** Options a build may have that this builder cannot reproduce (besides unknown ones). */
  rejects(build: BuildSpec): string | undefined;
  /** The builder's command for one build. */
  render(b: OneShotBuild, all: readonly OneShotBuild[]): string | undefined;
  /** The builder's own notes about the builds it took over. */
  notes?(builds: readonly OneShotBuild[]): string[];
}

/** The job built by the back end `o`, or why it cannot be. */
export function translateOneShot(plan: JobPlan, o: OneShotBackEnd): TranslateOutcome {
  const blocked = daemonBlockers(plan, o.strategy);
  const edits = new StepEdits(plan);
  edits.dropDaemonProbes();
  const names = new Map<string, OneShotBuild>();
  const builds: OneShotBuild[] = [];
  const logins: { cmd: PlannedCommand; login: LoginSpec }[] = [];
  const notes: string[] = [];
  const addDestination = (b: OneShotBuild, w: ShellWord) => {
    if (!b.destinations.some((d) => imageKey(d) === imageKey(w))) b.destinations.push(w);
  };
  for (const c of plan.commands) {
    if (c.approximate || c.op.kind === 'needs-daemon') continue;
    const structural = c.op.kind === 'build' || c.op.kind === 'tag' || c.op.kind === 'push';
    if (structural && !c.direct) {
      blocked.push(nestedBlocker(plan, c, o.strategy));
      continue;
    }
    switch (c.op.kind) {
      case 'build': {
        const spec = c.op.build;
        const why = buildProblem(spec) ?? o.rejects(spec);
        if (why) {
          blocked.push(`job \`${plan.job.name}\` runs \`${commandText(c)}\` (${whereWritten(c)}): ${why}`);
          continue;
        }
        const b: OneShotBuild = { cmd: c, build: spec, destinations: [] };
        if (!spec.noCache) {
          const cache = cacheRepository([...spec.cacheFrom, ...spec.cacheTo]);
          if (cache.repo) b.cache = cache.repo;
          notes.push(...cache.notes);
        }
        for (const t of spec.tags) names.set(imageKey(t), b);
        if (spec.push) spec.tags.forEach((t) => addDestination(b, t));
        builds.push(b);
        break;
      }
      case 'tag': {
        const b = names.get(imageKey(c.op.source));
        if (!b) {
          blocked.push(`job \`${plan.job.name}\` runs \`${commandText(c)}\` (${whereWritten(c)}), which tags an image this job does not build; ${o.strategy} only pushes what it builds`);
          continue;
        }
        names.set(imageKey(c.op.target), b);
        edits.drop(c);
        break;
      }
      case 'push': {
        const image = c.op.image;
        const matched = c.op.allTags ? [...names].filter(([k]) => k.startsWith(`${imageKey(image).replace(/:latest$/, '')}:`)) : [];
        const b = c.op.allTags ? undefined : names.get(imageKey(image));
        if (!b && matched.length === 0) {
          blocked.push(`job \`${plan.job.name}\` runs \`${commandText(c)}\` (${whereWritten(c)}), which pushes an image this job does not build; ${o.strategy} only pushes what it builds`);
          continue;
        }
        if (b) addDestination(b, image);
        for (const [key, mb] of matched) {
          const word = [...mb.build.tags, ...mb.destinations].find((w) => imageKey(w) === key);
          if (word) addDestination(mb, word);
        }
        edits.drop(c);
        break;
      }
      case 'login':
        if (!c.op.login.username || c.op.login.password === undefined) {
          blocked.push(`job \`${plan.job.name}\` runs \`${commandText(c)}\` (${whereWritten(c)}), whose user name or password cilint cannot tell`);
          continue;
        }
        logins.push({ cmd: c, login: c.op.login });
        break;
      case 'pull':
      case 'absorbed':
        edits.drop(c);
        break;
    }
  }
  if (blocked.length > 0) return { blocked };
  for (const b of builds) {
    const text = o.render(b, builds);
    if (text === undefined) return { blocked: [`job \`${plan.job.name}\` runs \`${commandText(b.cmd)}\` (${whereWritten(b.cmd)}), whose words cilint cannot carry over`] };
    edits.replace(b.cmd, text);
  }
  if (logins.length > 0) {
    const lines = credentialLines(logins.map((l) => l.login), o.configDir);
    if (!lines) return { blocked: [`job \`${plan.job.name}\`: the credentials of its \`docker login\` cannot be carried over`] };
    const first = logins[0].cmd;
    const firstBuild = builds.find((b) => b.destinations.length > 0)?.cmd;
    const order = (c: PlannedCommand) => plan.commands.indexOf(c);
    const rest = firstBuild && order(firstBuild) < order(first) ? logins : logins.slice(1);
    for (const l of rest) edits.drop(l.cmd);
    if (rest.length === logins.length) edits.before(firstBuild!, lines);
    else placeLines(edits, first, lines);
  }
  return {
    translation: {
      image: { name: o.image, entrypoint: new FlowSeq(['']) },
      addVariables: o.addVariables,
      removeVariables: [...DAEMON_VARIABLES],
      overrideVariables: [],
      steps: edits.result(),
      notes: [...notes, ...(o.notes?.(builds) ?? [])],
    },
  };
}

/** Puts commands where `cmd` stands: as statements of their own, or joined with `&&` inside a chain. */
function placeLines(edits: StepEdits, cmd: PlannedCommand, lines: readonly string[]): void {
  const step = edits.stepOf(cmd);
  const alone = cmd.direct && step?.statements[cmd.statement]?.elements.length === 1;
  if (alone) {
    edits.before(cmd, lines);
    edits.drop(cmd);
  } else {
    edits.replace(cmd, lines.join(' && '));
  }
}

/** What no one-shot builder can do with a build, whatever the strategy. */
function buildProblem(spec: BuildSpec): string | undefined {
  if (!spec.context) return 'it names no build context';
  if (spec.context.value === '-' || /:\/\/|^git@/.test(spec.context.text)) return 'its context is not a folder (standard input or a URL)';
  if (spec.file?.value === '-') return 'its Dockerfile comes from standard input';
  if (spec.unknown.length > 0) return `cilint cannot tell what \`${spec.unknown[0]}\` does there`;
  return undefined;
}

/** The commands that write a docker `config.json` with every login's credentials. */
function credentialLines(logins: readonly LoginSpec[], dir: string): string[] | undefined {
  const byRegistry = new Map<string, { registry: string; user: string; password: string }>();
  for (const l of logins) {
    const registry = l.registry ? dq(l.registry) : '"https://index.docker.io/v1/"';
    const user = l.username ? dq(l.username) : undefined;
    const password = l.password !== undefined ? dq(l.password) : undefined;
    if (!registry || !user || !password) return undefined;
    byRegistry.set(registry, { registry, user, password });
  }
  const entries = [...byRegistry.values()];
  const format = `{"auths":{${entries.map(() => '"%s":{"auth":"%s"}').join(',')}}}\\n`;
  const args = entries.map((e) => `${e.registry} "$(printf '%s:%s' ${e.user} ${e.password} | base64 | tr -d '\\n')"`);
  return [`mkdir -p ${dir}`, `printf '${format}' ${args.join(' ')} > ${dir}/config.json`];
}

/** A `--build-arg` value as a word: `KEY=value` as written, a bare `KEY` with the value it takes from the environment. */
export function buildArgWord(w: ShellWord): string {
  if (w.value !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.value)) return `${w.value}="$${w.value}"`;
  return w.text;
}

/** Formats a command with its arguments, one per line when there are many. */
export function commandLines(command: string, args: readonly string[]): string {
  if (args.length <= 3) return [command, ...args].join(' ');
  return [command, ...args].join(' \\\n  ');
}
