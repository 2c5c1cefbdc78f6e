import type { Pipeline } from '../../model/pipeline.js';
import { getEntry, setOwn, toPlain, type Tree } from '../../model/tree.js';

const SHOWN_GLOBALS = ['stages', 'variables', 'workflow'] as const;
const SCRIPT_KEYS = new Set(['before_script', 'script', 'after_script']);

/**
 * The effective pipeline as plain data, what GitLab's "Full configuration" view shows: includes merged,
 * `!reference` and anchors expanded, and each job with `extends` and `default:` applied. Hidden jobs
 * and `default:` itself are left out, since every job now carries what it inherits.
 */
export function effectiveConfig(p: Pipeline): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!p.merged) return out;
  const budget = { nodes: 2_000_000 };
  for (const key of SHOWN_GLOBALS) {
    const v = getEntry(p.merged, key)?.value;
    if (v) out[key] = toPlain(v, budget);
  }
  for (const job of p.jobs) {
    const plain: Record<string, unknown> = {};
    for (const e of job.config?.entries ?? []) {
      setOwn(plain, e.key, SCRIPT_KEYS.has(e.key) ? flattenScript(e.value, budget) : toPlain(e.value, budget));
    }
    setOwn(out, job.name, plain);
  }
  return out;
}

/** GitLab flattens nested script arrays (from `!reference` or anchors) into one list of lines. */
function flattenScript(t: Tree, budget: { nodes: number }): unknown {
  if (t.kind !== 'seq') return toPlain(t, budget);
  const lines: unknown[] = [];
  const walk = (n: Tree): void => {
    if (n.kind === 'seq') n.items.forEach(walk);
    else lines.push(toPlain(n, budget));
  };
  walk(t);
  return lines;
}
