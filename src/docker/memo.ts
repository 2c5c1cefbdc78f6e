/**
 * Memoisation for facts derived from model objects. Every runner in the lint set is checked against
 * every job by default, so facts about a runner or a job are computed once, not once per pair.
 */
export function memoByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as V;
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
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
