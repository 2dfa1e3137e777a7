const UNITS: ReadonlyArray<[number, string]> = [
  [86_400, 'd'],
  [3_600, 'h'],
  [60, 'min'],
  [1, 's'],
];

/** `2592000` → `30 d`, `5400` → `1 h 30 min`, `90` → `1 min 30 s`: the two largest units, for humans. */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.round(totalSeconds));
  if (rest === 0) return '0 s';
  const parts: string[] = [];
  for (const [size, unit] of UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    } else if (parts.length) {
      break;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
