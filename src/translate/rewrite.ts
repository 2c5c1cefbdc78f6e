import type { PlannedCommand, StatementInfo, StepPlan } from './plan.js';

/**
 * Rewrites one script step at the commands a back end changes: everything else in the step (other
 * commands, comments, line breaks, indentation) stays as written.
 */

export type Action =
  /**
   * New shell text for the command (for a piped login, for the whole pipeline). Its later lines get
   * the indentation of the command's line, unless they are copied from the step (`asWritten`).
   */
  | { kind: 'replace'; text: string; asWritten?: boolean }
  /** Nothing left to do: a whole element of a top-level chain goes, elsewhere the command becomes `true`. */
  | { kind: 'drop' };

export interface StepEdit {
  actions: ReadonlyMap<PlannedCommand, Action>;
  /** Top-level statements that go as a whole (a wait-for-the-daemon loop). */
  dropStatements?: ReadonlySet<number>;
  /** Commands written before a top-level statement (credentials before a build). */
  before?: ReadonlyMap<number, readonly string[]>;
}

interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** The step's new texts: none when it empties, several when commands come before a one-line step. */
export function rewriteStep(plan: StepPlan, edit: StepEdit): string[] | undefined {
  const text = plan.step.text;
  const leaves: TextEdit[] = [];
  const droppedElements = new Map<number, Set<number>>();
  for (const [cmd, action] of edit.actions) {
    const range = cmd.pipeline ?? { start: cmd.start, end: cmd.end };
    if (action.kind === 'replace') {
      leaves.push({ ...range, text: action.asWritten ? action.text : indentFollowingLines(action.text, lineIndent(text, range.start)) });
    } else if (cmd.direct) {
      droppedElements.set(cmd.statement, (droppedElements.get(cmd.statement) ?? new Set()).add(cmd.element));
    } else {
      leaves.push({ ...range, text: 'true' });
    }
  }
  const edits: TextEdit[] = [];
  const consumed = new Set<TextEdit>();
  let prefixSteps: string[] = [];
  const oneLine = plan.statements.length === 1 && !text.trim().includes('\n');
  plan.statements.forEach((st, i) => {
    const before = edit.before?.get(i) ?? [];
    const dropped = edit.dropStatements?.has(i) ? new Set(st.elements.map((_, e) => e)) : withFallbacks(st, droppedElements.get(i));
    if (dropped.size === 0 && before.length === 0) return;
    const inside = leaves.filter((l) => l.start >= st.start && l.end <= st.end);
    inside.forEach((l) => consumed.add(l));
    const indent = lineIndent(text, st.start);
    const kept = st.elements.map((el, e) => ({ el, e })).filter(({ e }) => !dropped.has(e));
    const chain = kept
      .map(({ el, e }, k) => `${k === 0 ? '' : ` ${st.operators[e - 1]} `}${applyEdits(text, el.start, el.end, inside)}`)
      .join('');
    if (oneLine && before.length > 0) {
      prefixSteps = [...before];
      if (kept.length === 0) edits.push(removal(text, st));
      else edits.push({ start: st.start, end: st.end, text: chain });
      return;
    }
    const lines = [...before, ...(kept.length > 0 ? [chain] : [])];
    if (lines.length === 0) edits.push(removal(text, st));
    else edits.push({ start: st.start, end: st.end, text: lines.join(`\n${indent}`) });
  });
  edits.push(...leaves.filter((l) => !consumed.has(l)));
  if (edits.length === 0 && prefixSteps.length === 0) return undefined;
  const out = applyEdits(text, 0, text.length, edits);
  const steps = out.trim() === '' ? [] : [out];
  return [...prefixSteps, ...steps];
}

/** Elements dropped, with the `||` fallbacks of each (`docker pull X || true` goes whole). */
function withFallbacks(st: StatementInfo, dropped: ReadonlySet<number> | undefined): Set<number> {
  const out = new Set<number>();
  if (!dropped) return out;
  for (let e = 0; e < st.elements.length; e++) {
    if (!dropped.has(e) && !(out.has(e - 1) && st.operators[e - 1] === '||')) continue;
    out.add(e);
  }
  return out;
}

function applyEdits(text: string, start: number, end: number, edits: readonly TextEdit[]): string {
  let out = '';
  let at = start;
  for (const e of [...edits].filter((x) => x.start >= start && x.end <= end).sort((a, b) => a.start - b.start)) {
    if (e.start < at) continue;
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at, end);
}

/** The blanks a line starts with, for the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

function indentFollowingLines(text: string, indent: string): string {
  return indent === '' ? text : text.replace(/\n/g, `\n${indent}`);
}

/**
 * The text a removed statement leaves behind: its whole line when it stands alone on it (with a
 * trailing `;` or comment), else the statement and the `;` that separates it from its neighbour.
 */
function removal(text: string, st: StatementInfo): TextEdit {
  const lineStart = text.lastIndexOf('\n', st.start - 1) + 1;
  const aloneBefore = text.slice(lineStart, st.start).trim() === '';
  const after = /^[ \t]*;?[ \t]*(#[^\n]*)?/.exec(text.slice(st.end))![0];
  const end = st.end + after.length;
  const atLineEnd = end === text.length || text[end] === '\n' || text[end] === '\r';
  if (aloneBefore && atLineEnd) {
    const nl = text.indexOf('\n', end);
    return { start: lineStart, end: nl === -1 ? text.length : nl + 1, text: '' };
  }
  if (aloneBefore) {
    const next = /^[ \t]*;?[ \t]*/.exec(text.slice(st.end))![0];
    return { start: st.start, end: st.end + next.length, text: '' };
  }
  const lead = /[ \t]*;?[ \t]*$/.exec(text.slice(lineStart, st.start))![0];
  return { start: st.start - lead.length, end: st.end, text: '' };
}
