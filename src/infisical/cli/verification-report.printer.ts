import type { SecretRedactor } from '../redaction/secret-redactor.js';
import { VERIFY_EXIT_CODES } from './verify-exit-codes.js';
import type { KeyReport, StepStatus, VerificationReport } from './verification-report.js';
import type { EnvFileResult } from './env-file.loader.js';

const MARKS: Record<StepStatus, string> = { passed: '✓', failed: '✗', skipped: '–' };

/** Left-aligned columns separated by two spaces; the last column is not padded. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

function keyRow(key: KeyReport): string[] {
  return [key.key, key.source === 'none' ? '–' : key.source, key.version === undefined ? '–' : String(key.version), key.from ?? '', key.status];
}

function exitName(code: number): string {
  return VERIFY_EXIT_CODES.find((e) => e.code === code)?.name ?? 'unknown';
}

/** The human report: a header, the step table, the key table; the failure explanation goes to stderr. */
export function renderText(report: VerificationReport, envFile: EnvFileResult | undefined, appNote?: string): { stdout: string; stderr: string } {
  const out: string[] = [];
  const t = report.target;
  const sources = report.sources ?? [];
  const place = (s: { environment: string; secretPath: string; projectId: string }) => `environment "${s.environment}", path "${s.secretPath}" of project ${s.projectId}`;
  out.push(
    !t
      ? 'Infisical check'
      : sources.length > 1
        ? `Infisical check for ${sources.length} sources at ${t.siteUrl}, a later one winning a key clash: ${sources.map((s, i) => `#${i + 1} ${place(s)}`).join('; ')}`
        : `Infisical check for ${place(t)} at ${t.siteUrl}`,
  );
  if (envFile) {
    const kept = envFile.overridden.length ? `; already set in the environment, kept: ${envFile.overridden.join(', ')}` : '';
    out.push(`Loaded ${envFile.path}: ${envFile.loaded.length} variable(s)${kept}`);
  }
  out.push('');
  out.push(table([['#', 'CHECK', 'RESULT', 'DETAIL'], ...report.steps.map((s) => [String(s.number).padStart(2), s.title, MARKS[s.status], s.detail])]));
  if (report.keys.length) {
    out.push('');
    const showFrom = report.keys.some((k) => k.from);
    const rows = [['KEY', 'SOURCE', 'VERSION', 'FROM', 'CHECK'], ...report.keys.map(keyRow)];
    out.push(table(showFrom ? rows : rows.map((row) => row.filter((_, column) => column !== 3))));
  }
  for (const warning of report.warnings) out.push('', `Warning: ${warning}`);
  if (appNote) out.push('', appNote);
  out.push('');
  if (report.ok) {
    out.push(`OK: all ${report.steps.length} checks passed (exit code 0).`);
    return { stdout: `${out.join('\n')}\n`, stderr: '' };
  }
  const failed = report.steps.find((s) => s.id === report.error?.step);
  out.push(`FAILED${failed ? ` at check ${failed.number}, ${failed.title}` : ''}: exit code ${report.exitCode} (${exitName(report.exitCode)}).`);
  return { stdout: `${out.join('\n')}\n`, stderr: `\n✗ ${report.error?.message ?? 'verification failed'}\n` };
}

/** The `--json` report: one object, names / sources / versions only. */
export function renderJson(report: VerificationReport, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...report, exitName: exitName(report.exitCode), ...extra }, null, 2)}\n`;
}

/** Masks every sensitive string the run met, whatever the text (defence in depth: the report holds no values). */
export function redactOutput(text: string, redactor: SecretRedactor): string {
  return redactor.redact(text);
}
