import type { TEntry, TMap, Tree } from '../../model/tree.js';

/**
 * GitLab's deep merge (includes and `extends`): mappings merge key by key, recursively; any other
 * value in `over` replaces the one in `base`, in place (Ruby's `Hash#deep_merge` keeps key order).
 * Entries keep the spans where they are written.
 */
export function deepMerge(base: TMap, over: TMap): TMap {
  const byKey = new Map<string, TEntry>();
  for (const e of base.entries) byKey.set(e.key, e);
  for (const e of over.entries) {
    const prev = byKey.get(e.key);
    if (prev && prev.value.kind === 'map' && e.value.kind === 'map') {
      byKey.set(e.key, { key: e.key, keySpan: e.keySpan, value: deepMerge(prev.value, e.value) });
    } else {
      byKey.set(e.key, e);
    }
  }
  return { kind: 'map', entries: [...byKey.values()], span: over.span };
}

export function withoutKeys(map: TMap, keys: readonly string[]): TMap {
  return { ...map, entries: map.entries.filter((e) => !keys.includes(e.key)) };
}

export function isMap(t: Tree | undefined): t is TMap {
  return t?.kind === 'map';
}
