/** Plain-text table for the terminal (no colours, fixed-width columns). */
export type Cell = string | number;

export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly Cell[] | 'rule'>): string {
  const text = rows.map((r) => (r === 'rule' ? r : r.map(String)));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => (r === 'rule' ? 0 : (r[i] ?? '').length))));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), rule, ...text.map((r) => (r === 'rule' ? rule : line(r)))].join('\n');
}

export const tick = (met: boolean | undefined): string => (met === undefined ? '' : met ? '✓' : '✗');

export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toFixed(digits);
}
