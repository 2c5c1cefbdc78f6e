/**
 * The candidate a misspelt `word` most likely meant, or undefined when none is close enough.
 *
 * Distance is Damerau-Levenshtein (optimal string alignment: insert, delete, substitute, swap two
 * neighbours), compared case-insensitively so `Privileged` finds `privileged`. A candidate counts as
 * close when at most a third of the longer word differs (at least one edit), so short words do not
 * match everything. Ties go to the candidate listed first.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const limit = Math.max(1, Math.floor(Math.max(lower.length, other.length) / 3));
    if (Math.abs(lower.length - other.length) > limit) continue;
    const d = editDistance(lower, other);
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal-string-alignment distance between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  // Three rolling rows: the swap rule looks two rows back.
  let beforePrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, beforePrev[j - 2] + 1);
      row.push(d);
    }
    beforePrev = prev;
    prev = row;
  }
  return prev[b.length];
}
