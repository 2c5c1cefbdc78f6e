/**
 * Memoisation for facts derived from model objects. Every runner in the lint set is checked against
 * every job by default, so facts about a runner or a job are computed once, not once per pair.
 */

/** For objects that live as long as the lint run (runners): a fact is kept as long as its object. */
export function memoByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as V;
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
}

const groupCaches: (() => void)[] = [];

/**
 * For the objects of one group of pipelines (jobs, script steps, files, trees): the engine forgets the
 * facts when it moves on to the next group (`forgetGroupFacts`). A table that outlived the group would
 * still reach them at the next minor GC, long enough to move them to the old generation, where they
 * pile up until a full GC: the peak memory of a big run.
 */
export function memoForGroup<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  let memo = memoByObject(compute);
  groupCaches.push(() => (memo = memoByObject(compute)));
  return (key) => memo(key);
}

/**
 * Facts recorded while a group of pipelines is read (by a parser) and looked up while it is judged,
 * forgotten with the group's other facts.
 */
export function tableForGroup<K extends object, V>(): { get(key: K): V | undefined; set(key: K, value: V): void } {
  let table = new WeakMap<K, V>();
  groupCaches.push(() => (table = new WeakMap()));
  return {
    get: (key) => table.get(key),
    set: (key, value) => {
      table.set(key, value);
    },
  };
}

/** Forgets every fact memoised with `memoForGroup` or recorded in a `tableForGroup`. */
export function forgetGroupFacts(): void {
  for (const forget of groupCaches) forget();
}

/** The same for string keys (image references), bounded so a huge lint set cannot grow it forever. */
export function memoByString<V>(compute: (key: string) => V, limit = 50_000): (key: string) => V {
  const cache = new Map<string, V>();
  return (key) => {
    const known = cache.get(key);
    if (known !== undefined || cache.has(key)) return known as V;
    if (cache.size >= limit) cache.clear();
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
}
