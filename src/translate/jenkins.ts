import { isDindImage, parseImageRef } from '../docker/image.js';
import type { Edit, Fix, FixSettings, RuleContext } from '../engine/rule.js';
import { jobContainers, type Container, type Job, type ScriptStep } from '../model/pipeline.js';
import { memoForGroup } from '../model/memo.js';
import { sameSpan, spanKey, type Located } from '../model/span.js';
import { pushTo } from '../model/lists.js';
import { builderImage, translateJob } from './index.js';
import { readJobPlan, spanWhere } from './plan.js';
import { someNames } from './runner.js';
import type { JobTranslation } from './translation.js';

/**
 * The Jenkins side of the build translations (buildah and kaniko): a pod template's privileged dind
 * container becomes a builder container, and a declarative `agent { docker { … } }` that builds
 * through the host's socket runs the builder image instead; in both, the `sh` steps that build and
 * push are rewritten with the same plan reader and back ends as GitLab's scripts, inside their
 * Groovy strings (escaped for the string's quote, and only where the string maps exactly).
 */

type JenkinsStrategy = 'buildah' | 'kaniko';

const SUPPORTED: readonly string[] = ['buildah', 'kaniko'];

interface Plan {
  edits: Edit[];
  skipped: string[];
  notes: string[];
  done: Job[];
}

function unsupported(strategy: string, jobs: readonly Job[]): Fix {
  return {
    title: `translate to ${strategy}`,
    applicability: 'unsafe',
    strategy: strategy as FixSettings['strategy'],
    edits: [],
    skipped: jobs.map((j) => `job \`${j.name}\` was not translated: --strategy ${strategy} is not supported for Jenkins yet (use buildah or kaniko)`),
  };
}

function finish(strategy: JenkinsStrategy, plan: Plan, settings: FixSettings): Fix | undefined {
  if (plan.skipped.length > 0) plan.edits = [];
  if (plan.edits.length === 0 && plan.skipped.length === 0) return undefined;
  const names = someNames(plan.done.map((j) => `\`${j.name}\``));
  const notes =
    plan.edits.length === 0
      ? []
      : [
          ...plan.notes,
          strategy === 'buildah'
            ? `${names} build${plan.done.length === 1 ? 's' : ''} with buildah (${builderImage(settings, 'buildah')}, vfs storage) and need${plan.done.length === 1 ? 's' : ''} no privileged container`
            : `${names} build${plan.done.length === 1 ? 's' : ''} with kaniko: ${builderImage(settings, 'kaniko')}; set fix.images.kaniko to use another -debug image`,
        ];
  return {
    title: plan.edits.length > 0 ? `translate ${names} to ${strategy}` : `translate to ${strategy}`,
    applicability: 'unsafe',
    strategy,
    edits: plan.edits,
    notes: [...new Set(notes)],
    skipped: plan.skipped,
  };
}

/** Whether the job's steps run docker commands. */
function builds(job: Job): boolean {
  return readJobPlan(job).commands.length > 0;
}

/** Translates each job's steps; blocked jobs and steps that cannot be edited go to `skipped`. */
function translateSteps(jobs: readonly Job[], settings: FixSettings, plan: Plan): JobTranslation[] {
  const out: JobTranslation[] = [];
  const seen = new Set<ScriptStep>();
  for (const job of jobs) {
    const outcome = translateJob(job, settings);
    if ('blocked' in outcome) {
      plan.skipped.push(...outcome.blocked);
      continue;
    }
    for (const [step, texts] of outcome.translation.steps) {
      if (seen.has(step)) continue;
      seen.add(step);
      const edit = stepEdit(step, texts);
      if (typeof edit === 'string') plan.skipped.push(`job \`${job.name}\` was not translated: ${edit}`);
      else if (edit) plan.edits.push(edit);
    }
    plan.notes.push(...outcome.translation.notes);
    plan.done.push(job);
    out.push(outcome.translation);
  }
  return out;
}

/**
 * The edit of one `sh` string: the part between the common prefix and suffix of the old and new
 * shell texts, escaped for the string's quote. A string that does not map exactly (escapes,
 * `.stripIndent()`, concatenations) is not edited: the reason is returned.
 */
function stepEdit(step: ScriptStep, texts: readonly string[]): Edit | string | undefined {
  const old = step.text;
  if (texts.length === 0) {
    const line = ownLine(step);
    if (line) return { file: step.span.file, ...line, text: '' };
  }
  // A one-line string stays on one line: `sh` runs with `set -e`, so `&&` is what a line break would be.
  const next = texts.length === 0 ? 'true' : texts.join(old.includes('\n') ? '\n' : ' && ');
  if (next === old) return undefined;
  if (!step.editable || !step.escape) return `its \`${step.section}\` string (${spanWhere(step.span)}) has escapes or is built from parts, so cilint cannot rewrite it exactly`;
  let p = 0;
  while (p < old.length && p < next.length && old[p] === next[p]) p++;
  let s = 0;
  while (s < old.length - p && s < next.length - p && old[old.length - 1 - s] === next[next.length - 1 - s]) s++;
  const middle = next.slice(p, next.length - s);
  // A double-quoted Groovy string interpolates `$…`: words copied from its interpolations cannot be moved safely.
  if (step.escape('$') !== '$' && middle.includes('$')) {
    return `its \`${step.section}\` string (${spanWhere(step.span)}) interpolates Groovy values, which cilint does not move between commands`;
  }
  const escaped = step.escape(middle);
  if (escaped === undefined) return `the new command cannot be written inside its \`${step.section}\` string (${spanWhere(step.span)})`;
  return { file: step.span.file, start: step.sourceOffset(p), end: step.sourceOffset(old.length - s), text: escaped };
}

/** The line of a step that empties, when `sh 'x'` (or `sh('x')`) is all it holds. */
function ownLine(step: ScriptStep): { start: number; end: number } | undefined {
  const text = step.span.file.text;
  const lineStart = text.lastIndexOf('\n', step.span.start - 1) + 1;
  const nl = text.indexOf('\n', step.span.end);
  const lineEnd = nl < 0 ? text.length : nl + 1;
  const before = text.slice(lineStart, step.span.start);
  const after = text.slice(step.span.end, lineEnd);
  const call = `${step.section}\\s*\\(?\\s*`;
  if (!new RegExp(`^[ \\t]*${call}$`).test(before) || !/^\s*\)?[ \t]*\r?\n?$/.test(after)) return undefined;
  if (before.includes('(') !== after.includes(')')) return undefined;
  return { start: lineStart, end: lineEnd };
}

/* ---------- pod templates ---------- */

/**
 * The Jenkins jobs of a group that run each container (as their own image or beside it), in the group's
 * order, by the container's span. Every `container('…')` block of a pod is a job with all the pod's
 * containers: searching them all for each container was cubic in a pod's size.
 */
const containerUsers = memoForGroup((jobs: readonly Job[]): Map<string, Job[]> => {
  const users = new Map<string, Job[]>();
  for (const j of jobs) {
    if (j.platform !== 'jenkins') continue;
    const keys = new Set<string>();
    for (const c of jobContainers(j)) keys.add(spanKey(c.span));
    for (const key of keys) pushTo(users, key, j);
  }
  return users;
});

/** Whether a Jenkins container is a dind daemon run privileged: what `privileged-dind` reports. */
export function isPrivilegedDind(c: Container): c is Container & { privileged: Located<true> } {
  return c.privileged?.value === true && isDindImage(parseImageRef(c.image.value));
}

/**
 * The pod fixes made in a group, by the first job they translate: every privileged dind container of a
 * pod offers the same fix, made once (a pod of 3 000 of them translated all its jobs 3 000 times).
 */
const podFixes = memoForGroup((_first: Job): { builders: readonly Job[]; fix: Fix | undefined }[] => []);

/**
 * A pod template whose privileged dind container serves `container('x') { sh 'docker build …' }`
 * steps: the dind container becomes the builder container (named after the strategy), the steps'
 * `container('x')` switch to it, the pod's other privileged dind containers go (no job needs a
 * daemon any more), and the docker CLI container goes when nothing else runs in it.
 */
export function jenkinsPodFix(dind: Container, ctx: RuleContext): Fix | undefined {
  const settings = ctx.fix;
  if (!settings) return undefined;
  const index = containerUsers(ctx.jobs);
  const users = index.get(spanKey(dind.span)) ?? [];
  const builders = users.filter((j) => !sameSpan(j.image?.span, dind.span) && builds(j));
  if (builders.length === 0) return undefined;
  if (!SUPPORTED.includes(settings.strategy)) return unsupported(settings.strategy, builders);
  // Sidecars (`withRun`) and pod YAML that cilint cannot edit in place are not translated.
  const form = podForm(dind);
  if (!form) return undefined;
  // The translation replaces the dind container: steps that run in it would lose their container.
  const resident = users.find((j) => sameSpan(j.image?.span, dind.span) && j.scripts.length > 0);
  if (resident) {
    const plan: Plan = { edits: [], skipped: [], notes: [], done: [] };
    plan.skipped.push(`the dind container (${spanWhere(dind.span)}) was not replaced: job \`${resident.name}\` runs its steps in it`);
    return finish(settings.strategy as JenkinsStrategy, plan, settings);
  }
  const made = podFixes(builders[0]!);
  const same = made.find((m) => m.builders.length === builders.length && m.builders.every((j, i) => j === builders[i]));
  if (same) return same.fix;
  const fix = podFix(dind, form, builders, index, settings);
  made.push({ builders, fix });
  return fix;
}

function podFix(dind: Container, form: PodForm, builders: readonly Job[], index: Map<string, Job[]>, settings: FixSettings): Fix | undefined {
  const strategy = settings.strategy as JenkinsStrategy;
  const plan: Plan = { edits: [], skipped: [], notes: [], done: [] };
  const file = dind.span.file;
  const selectors: { job: Job; start: number; end: number }[] = [];
  for (const job of builders) {
    const sel = containerSelector(job);
    if (!sel || !job.image) plan.skipped.push(`job \`${job.name}\` was not translated: cilint translates the steps of a \`container('…') { … }\` block, and these run in the pod's default container`);
    else selectors.push({ job, ...sel });
  }
  if (plan.skipped.length > 0) return finish(strategy, plan, settings);
  translateSteps(builders, settings, plan);
  if (plan.skipped.length > 0) return finish(strategy, plan, settings);
  const image = builderImage(settings, strategy);
  plan.edits.push({ file, ...replaceContainer(dind, form, strategy, image) });
  for (const s of selectors) plan.edits.push({ file, start: s.start, end: s.end, text: strategy });
  const translated = new Set(plan.done);
  // The pod's other privileged dind containers go when no job left needs a daemon or runs in them.
  const others = new Map<string, Container>();
  for (const c of jobContainers(builders[0]!)) {
    if (isPrivilegedDind(c) && c.span.file === file && !sameSpan(c.span, dind.span)) others.set(spanKey(c.span), c);
  }
  for (const [key, c] of others) {
    const needed = (index.get(key) ?? []).some((j) => !translated.has(j) && ((sameSpan(j.image?.span, c.span) && j.scripts.length > 0) || builds(j)));
    const range = !needed && removal(c, podForm(c));
    if (range) plan.edits.push({ file, ...range, text: '' });
  }
  // The docker CLI containers go when every job running in them is translated.
  const cli = new Map<string, Container>();
  for (const j of plan.done) if (j.image) cli.set(spanKey(j.image.span), j.image);
  for (const [key, c] of cli) {
    const others = (index.get(key) ?? []).some((j) => !translated.has(j) && j.image && spanKey(j.image.span) === key && j.scripts.length > 0);
    if (others || c.span.file !== file) continue;
    const range = removal(c, podForm(c));
    if (range) plan.edits.push({ file, ...range, text: '' });
  }
  return finish(strategy, plan, settings);
}

type PodForm = 'yaml' | 'template';

function podForm(c: Container): PodForm | undefined {
  const text = c.span.file.text.slice(c.span.start, c.span.end);
  if (/^containerTemplate\s*\(/.test(text)) return 'template';
  const lineStart = c.span.file.text.lastIndexOf('\n', c.span.start - 1) + 1;
  // A mapping that is a sequence item on lines of its own, with no Groovy escapes in it.
  if (/^[ \t]*-[ \t]+$/.test(c.span.file.text.slice(lineStart, c.span.start)) && text.includes('\n') && !/\\|'''|"""/.test(text)) return 'yaml';
  return undefined;
}

/** The string literal that names the container in `container('x') {`, right after the job's name. */
function containerSelector(job: Job): { start: number; end: number } | undefined {
  const { file, start, end } = job.nameSpan;
  if (file.text.slice(start, end) !== 'container') return undefined;
  const m = /^\s*\(\s*(['"])([A-Za-z0-9_.-]+)\1\s*\)/.exec(file.text.slice(end));
  if (!m) return undefined;
  const at = end + m[0].indexOf(m[1]!) + 1;
  return { start: at, end: at + m[2]!.length };
}

function replaceContainer(c: Container, form: PodForm, strategy: JenkinsStrategy, image: string): { start: number; end: number; text: string } {
  const text = c.span.file.text;
  const end = c.span.start + text.slice(c.span.start, c.span.end).trimEnd().length;
  const keepAlive = strategy === 'buildah' ? 'infinity' : '9999999';
  const env = strategy === 'buildah' ? [['STORAGE_DRIVER', 'vfs'], ['BUILDAH_FORMAT', 'docker']] : [];
  if (form === 'template') {
    const vars = env.map(([k, v]) => `envVar(key: '${k}', value: '${v}')`).join(', ');
    return {
      start: c.span.start,
      end,
      text: `containerTemplate(name: '${strategy}', image: '${image}', command: 'sleep', args: '${keepAlive}'${vars ? `, envVars: [${vars}]` : ''})`,
    };
  }
  const lineStart = text.lastIndexOf('\n', c.span.start - 1) + 1;
  const indent = ' '.repeat(c.span.start - lineStart);
  const lines = [`name: ${strategy}`, `image: ${image}`, 'command: [sleep]', `args: ["${keepAlive}"]`];
  if (env.length > 0) lines.push('env:', ...env.flatMap(([k, v]) => [`- name: ${k}`, `  value: ${v}`]));
  return { start: c.span.start, end, text: lines.join(`\n${indent}`) };
}

/** The text a container takes in its list, with the separator or line it stands on. */
function removal(c: Container, form: PodForm | undefined): { start: number; end: number } | undefined {
  const text = c.span.file.text;
  const start = c.span.start;
  const end = start + text.slice(start, c.span.end).trimEnd().length;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const nl = text.indexOf('\n', end);
  const lineEnd = nl < 0 ? text.length : nl + 1;
  if (form === 'yaml') return /^[ \t]*(\r)?\n?$/.test(text.slice(end, lineEnd)) ? { start: lineStart, end: lineEnd } : undefined;
  if (form !== 'template') return undefined;
  // A comma before it, blanks between (read backwards: the file before it can be long).
  let comma = start - 1;
  while (comma >= 0 && /\s/.test(text[comma])) comma--;
  if (comma >= 0 && text[comma] === ',') return { start: comma, end };
  const after = /^\s*,\s*/.exec(text.slice(end));
  if (after) return { start, end: end + after[0].length };
  if (/^[ \t]*$/.test(text.slice(lineStart, start)) && /^[ \t]*\r?\n?$/.test(text.slice(end, lineEnd))) return { start: lineStart, end: lineEnd };
  return undefined;
}

/* ---------- declarative docker agents ---------- */

/**
 * `agent { docker { image 'docker:…'; args '--privileged -v /var/run/docker.sock:…' } }` whose steps
 * build and push: the agent runs the builder image, and `--privileged` and the socket and docker binary
 * mounts leave its args (kaniko's also gets `--entrypoint=`, so that Jenkins can start it).
 */
export function jenkinsAgentFix(agent: Container, ctx: RuleContext): Fix | undefined {
  const settings = ctx.fix;
  if (!settings) return undefined;
  const file = agent.span.file;
  if (agent.role !== 'image' || !/^docker\s*\{/.test(file.text.slice(agent.span.start, agent.span.end))) return undefined;
  const users = (containerUsers(ctx.jobs).get(spanKey(agent.span)) ?? []).filter((j) => sameSpan(j.image?.span, agent.span));
  const builders = users.filter(builds);
  if (builders.length === 0) return undefined;
  if (!SUPPORTED.includes(settings.strategy)) return unsupported(settings.strategy, builders);
  const strategy = settings.strategy as JenkinsStrategy;
  const plan: Plan = { edits: [], skipped: [], notes: [], done: [] };
  const args = agentArgs(agent, strategy);
  const img = agent.image.span;
  const quoted = /^(['"])[^'"\\$]*\1$/.test(file.text.slice(img.start, img.end));
  if (typeof args === 'string' || !quoted) {
    plan.skipped.push(...builders.map((j) => `job \`${j.name}\` was not translated: ${typeof args === 'string' ? args : 'the agent image is not a plain string'}`));
    return finish(strategy, plan, settings);
  }
  translateSteps(builders, settings, plan);
  if (plan.skipped.length > 0) return finish(strategy, plan, settings);
  plan.edits.push({ file, start: img.start + 1, end: img.end - 1, text: builderImage(settings, strategy) }, ...args);
  if (strategy === 'buildah') plan.notes.push('buildah in a docker agent may need `--security-opt seccomp=unconfined` (or a user namespace) on agents whose seccomp profile blocks it');
  return finish(strategy, plan, settings);
}

/** Edits of the agent's `args '…'`: the words the strategy makes unnecessary go; a reason when they cannot. */
function agentArgs(agent: Container, strategy: JenkinsStrategy): Edit[] | string {
  const file = agent.span.file;
  const text = file.text;
  const spans = [
    ...(agent.privileged ? [agent.privileged.span] : []),
    ...agent.mounts.filter((m) => isDaemonPath(m.hostPath)).map((m) => m.span),
  ];
  const body = text.slice(agent.span.start, agent.span.end);
  const m = /\bargs(\s+|\s*\(\s*)(['"])([^'"\\$\n]*)\2/.exec(body);
  if (!m) return spans.length > 0 || strategy === 'kaniko' ? 'its agent `args` is not a plain one-line string' : [];
  const contentStart = agent.span.start + m.index + 'args'.length + m[1]!.length + 1;
  const content = m[3]!;
  const cuts: { start: number; end: number }[] = [];
  for (const s of spans) {
    const from = s.start - contentStart;
    const to = s.end - contentStart;
    if (from < 0 || to > content.length) return 'its agent `args` is not a plain one-line string';
    // A mount's value follows its option (`-v`, `--volume`, `--mount`), with a blank or `=`.
    const flag = s === agent.privileged?.span ? null : /(?:-v|--volume|--mount)(?:\s+|=)$/.exec(content.slice(0, from));
    cuts.push({ start: flag ? flag.index : from, end: to });
  }
  let out = '';
  let at = 0;
  for (const c of cuts.sort((a, b) => a.start - b.start)) {
    out += content.slice(at, c.start).replace(/\s+$/, '');
    at = c.end;
  }
  out = (out + content.slice(at)).trim().replace(/\s{2,}/g, ' ');
  if (strategy === 'kaniko' && !/--entrypoint\b/.test(out)) out = `--entrypoint= ${out}`.trim();
  if (out === content) return [];
  return [{ file, start: contentStart, end: contentStart + content.length, text: out }];
}

/** The host's docker socket or binary, which a daemonless build does not need. */
function isDaemonPath(path: string): boolean {
  return /(^|\/)docker\.sock$|^\/(usr\/(local\/)?)?bin\/docker$/.test(path);
}
