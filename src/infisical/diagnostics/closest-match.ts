const ALIASES: Record<string, string[]> = {
  prod: ['production', 'prd', 'live'],
  staging: ['stg', 'stage', 'preprod', 'uat'],
  dev: ['development', 'develop', 'local'],
  test: ['testing', 'qa'],
};

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}

/** Edit distance counting an adjacent transposition (`dve` → `dev`) as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate a user most likely meant by `input` (e.g. `stg` → `staging`, `production` → `prod`), or undefined
 * when nothing is close. Used to suggest real environment slugs.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  const scored = candidates.map((candidate) => {
    const c = candidate.toLowerCase();
    let score = Number.POSITIVE_INFINITY;
    if (c === wanted) score = 0;
    else if ((ALIASES[c] ?? []).includes(wanted) || Object.entries(ALIASES).some(([k, v]) => v.includes(c) && (k === wanted || v.includes(wanted)))) score = 1;
    else if (c.startsWith(wanted) || wanted.startsWith(c)) score = 2;
    else if (isSubsequence(wanted, c) || isSubsequence(c, wanted)) score = 3;
    else {
      const distance = editDistance(wanted, c);
      if (distance <= Math.max(1, Math.floor(Math.max(wanted.length, c.length) / 3))) score = 3 + distance;
    }
    return { candidate, score };
  });
  const best = scored.filter((s) => Number.isFinite(s.score)).sort((a, b) => a.score - b.score)[0];
  return best?.candidate;
}
