#!/usr/bin/env node
/**
 * Prints the per-file mutation scores of a Stryker JSON report as the Markdown table of docs/CONTRIBUTING.md, worst files first
 * within each folder, and the overall score. Usage (after `MUTATION_TESTS=unit npx stryker run`):
 *   node scripts/mutation-scores.mjs [reports/mutation-unit/mutation.json]
 * Score = (killed + timeout) / (killed + timeout + survived + no coverage), as Stryker computes it; runtime and
 * compile errors and ignored mutants are not counted.
 */
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'reports/mutation-unit/mutation.json';
const report = JSON.parse(readFileSync(file, 'utf8'));
const COUNTED = ['Killed', 'Timeout', 'Survived', 'NoCoverage'];

const rows = [];
const total = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
for (const [path, { mutants }] of Object.entries(report.files)) {
  const count = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  for (const { status } of mutants) if (COUNTED.includes(status)) count[status] += 1;
  for (const status of COUNTED) total[status] += count[status];
  const valid = COUNTED.reduce((sum, status) => sum + count[status], 0);
  const relative = path.replace(/^.*src\/infisical\//, '');
  const slash = relative.lastIndexOf('/');
  rows.push({ folder: slash < 0 ? '(root)' : relative.slice(0, slash + 1), name: relative.slice(slash + 1), count, valid, score: valid ? (100 * (count.Killed + count.Timeout)) / valid : 100 });
}

const score = (row) => `${row.score.toFixed(1)} %`;
const folders = [...new Set(rows.map((row) => row.folder))].sort();
console.log('| folder (`src/infisical/`) | files: score (killed / timeout / survived / no coverage) |');
console.log('|---|---|');
for (const folder of folders) {
  const files = rows.filter((row) => row.folder === folder).sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  const cells = files.map((row) => `\`${row.name}\` ${row.score < 85 ? `**${score(row)}**` : score(row)} (${COUNTED.map((s) => row.count[s]).join('/')})`);
  console.log(`| \`${folder}\` | ${cells.join(', ')} |`);
}
const valid = COUNTED.reduce((sum, status) => sum + total[status], 0);
const overall = (100 * (total.Killed + total.Timeout)) / valid;
const lowest = rows.reduce((low, row) => (row.valid && row.score < low.score ? row : low));
console.log(`\noverall ${overall.toFixed(2)} % (${COUNTED.map((s) => `${s} ${total[s]}`).join(', ')}; ${rows.length} files); lowest file ${lowest.folder}${lowest.name} ${score(lowest)}; files under 70 %: ${rows.filter((row) => row.score < 70).length}`);
