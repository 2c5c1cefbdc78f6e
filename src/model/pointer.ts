import { getEntry, type TEntry, type Tree } from './tree.js';

/** One step of a walk from a validated root to the value a JSON pointer names. */
export interface PointerStep {
  readonly node: Tree;
  /** The entry this step went through, for a step into a mapping. */
  readonly entry?: TEntry;
  /** The position this step went through, for a step into a list. */
  readonly index?: number;
}

/**
 * The nodes from `root` to the value a JSON pointer (ajv's `instancePath`) names, so that a schema
 * error can be reported where its value is written; undefined when the tree has no such place.
 */
export function walkPointer(root: Tree, pointer: string): PointerStep[] | undefined {
  const steps: PointerStep[] = [{ node: root }];
  for (const segment of pointer.split('/').slice(1).map(unescapePointer)) {
    const node = steps[steps.length - 1].node;
    if (node.kind === 'map') {
      const entry = getEntry(node, segment);
      if (!entry) return undefined;
      steps.push({ node: entry.value, entry });
    } else if (node.kind === 'seq') {
      const index = Number(segment);
      const item = node.items[index];
      if (!item) return undefined;
      steps.push({ node: item, index });
    } else {
      return undefined;
    }
  }
  return steps;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
