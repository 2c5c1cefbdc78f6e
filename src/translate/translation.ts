import type { YamlValue } from '../edit/yaml.js';
import type { ScriptStep } from '../model/pipeline.js';
import type { JobPlan, PlannedCommand, StepPlan } from './plan.js';
import { commandText, whereWritten } from './plan.js';
import { rewriteStep, type Action, type StepEdit } from './rewrite.js';

/** What a back end makes of one job: its new image, variables and script steps. */
export interface JobTranslation {
  /** The job's new image; undefined keeps the one it has. */
  image?: YamlValue;
  addVariables: readonly (readonly [string, string])[];
  /** Variables the daemon needed, removed where no other job relies on them. */
  removeVariables: readonly string[];
  /** Set in the job when an inherited variable cannot be removed (socket: `DOCKER_HOST`). */
  overrideVariables: readonly (readonly [string, string])[];
  /** Rewritten steps: their new texts (none: the step goes). Steps not listed stay as written. */
  steps: ReadonlyMap<ScriptStep, readonly string[]>;
  notes: readonly string[];
}

export type TranslateOutcome = { translation: JobTranslation } | { blocked: readonly string[] };

/** The variables a Docker-in-Docker service and its client need; a job without the service needs none. */
export const DAEMON_VARIABLES = ['DOCKER_HOST', 'DOCKER_TLS_CERTDIR', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_DRIVER'] as const;

/** Commands a wait-for-the-daemon loop runs besides `docker info`. */
const WAIT_LOOP_COMMANDS = new Set(['sleep', 'echo', 'printf', 'true', 'false', ':', 'test', '[', 'exit', 'seq', 'break', 'continue', 'date']);

interface Changes {
  actions: Map<PlannedCommand, Action>;
  drop: Set<number>;
  before: Map<number, string[]>;
}

/** How a job's steps change: per step, the actions on its commands. */
export class StepEdits {
  private readonly edits = new Map<StepPlan, Changes>();
  private readonly steps = new Map<PlannedCommand, StepPlan>();

  constructor(private readonly plan: JobPlan) {
    for (const step of plan.steps) for (const c of step.commands) this.steps.set(c, step);
  }

  /** The step that holds `cmd`. */
  stepOf(cmd: PlannedCommand): StepPlan | undefined {
    return this.steps.get(cmd);
  }

  private entry(step: StepPlan): Changes {
    let e = this.edits.get(step);
    if (!e) this.edits.set(step, (e = { actions: new Map(), drop: new Set(), before: new Map() }));
    return e;
  }

  private of(cmd: PlannedCommand): Changes {
    return this.entry(this.stepOf(cmd)!);
  }

  replace(cmd: PlannedCommand, text: string, asWritten = false): void {
    this.of(cmd).actions.set(cmd, { kind: 'replace', text, asWritten });
  }

  drop(cmd: PlannedCommand): void {
    this.of(cmd).actions.set(cmd, { kind: 'drop' });
  }

  /** Runs `lines` just before the top-level statement that holds `cmd`. */
  before(cmd: PlannedCommand, lines: readonly string[]): void {
    const e = this.of(cmd);
    e.before.set(cmd.statement, [...(e.before.get(cmd.statement) ?? []), ...lines]);
  }

  /** Drops the top-level statements that only wait for or ask about the daemon (`until docker info; do sleep 1; done`). */
  dropDaemonProbes(): void {
    for (const step of this.plan.steps) {
      step.statements.forEach((st, i) => {
        const cmds = step.commands.filter((c) => c.statement === i);
        if (cmds.length === 0 || cmds.some((c) => c.op.kind !== 'absorbed' || c.approximate)) return;
        if (cmds.every((c) => c.direct)) return;
        const others = step.others.filter((o) => o.start >= st.start && o.end <= st.end && !cmds.some((c) => c.start === o.start));
        if (others.some((o) => !WAIT_LOOP_COMMANDS.has(o.name) && o.name !== 'docker')) return;
        const e = this.entry(step);
        e.drop.add(i);
        for (const c of cmds) e.actions.delete(c);
      });
    }
  }

  /** Whether `cmd` sits in a statement that goes whole. */
  isDropped(cmd: PlannedCommand): boolean {
    const step = this.stepOf(cmd);
    return !!step && !!this.edits.get(step)?.drop.has(cmd.statement);
  }

  result(): Map<ScriptStep, readonly string[]> {
    const out = new Map<ScriptStep, readonly string[]>();
    for (const [step, e] of this.edits) {
      const edit: StepEdit = { actions: e.actions, dropStatements: e.drop, before: e.before };
      const texts = rewriteStep(step, edit);
      if (texts && !(texts.length === 1 && texts[0] === step.step.text)) out.set(step.step, texts);
    }
    return out;
  }
}

/** The reasons a daemonless builder cannot take this job over, one per command. */
export function daemonBlockers(plan: JobPlan, strategy: string): string[] {
  const out: string[] = [];
  for (const c of plan.commands) {
    if (c.op.kind === 'needs-daemon') {
      out.push(
        `job \`${plan.job.name}\` runs \`${commandText(c)}\` (${whereWritten(c)}), which needs a Docker daemon; ${strategy} builds without one. ` +
          (plan.job.platform === 'jenkins'
            ? 'Keep this job on its daemon, or move that command to a stage of its own'
            : 'Use --strategy socket for this job, or move that command to a job of its own'),
      );
    } else if (c.approximate) {
      out.push(`job \`${plan.job.name}\` runs \`${commandText(c)}\` (${whereWritten(c)}) inside a string a shell decodes (\`sh -c\`), which cilint cannot rewrite exactly`);
    }
  }
  return out;
}

/** A blocker message for a command that a one-shot builder cannot keep where it is. */
export function nestedBlocker(plan: JobPlan, c: PlannedCommand, strategy: string): string {
  return (
    `job \`${plan.job.name}\` runs \`${commandText(c)}\` (${whereWritten(c)}) inside a condition, loop, pipe or wrapper; a ${strategy} build ` +
    'tags and pushes everything at once, so that cannot be kept. Use --strategy buildah, which translates command by command'
  );
}
