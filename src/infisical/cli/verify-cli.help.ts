import { VERIFY_EXIT_CODES } from './verify-exit-codes.js';
import { VERIFY_STEPS } from './verification-report.js';
import { INFISICAL_ENVIRONMENT_VARIABLES } from '../infisical-env.options.js';

/** `verify-infisical --help`. */
export function verifyHelpText(): string {
  const steps = VERIFY_STEPS.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s.title}`).join('\n');
  const variables = wrap(INFISICAL_ENVIRONMENT_VARIABLES.join(', '), 100, '  ');
  const codes = VERIFY_EXIT_CODES.map((e) => `  ${String(e.code).padStart(2)}  ${e.name.padEnd(15)} ${e.meaning}`).join('\n');
  return `verify-infisical — checks, step by step, that this machine can load its configuration from Infisical.
Prints key names, sources and versions; never a secret value, the client secret or an access token.

Usage:
  verify-infisical [--schema <module>#<Export>] [--credentials gmail,gemini,notion] [--require KEY,KEY]
                   [--env-file <path>] [--json]

Configuration: the same INFISICAL_* variables the app reads:
${variables}
A .env file in the working directory is loaded first; variables already set in the environment win.

Options:
  --schema <module>#<Export>   class-validator class or Standard Schema to validate against, e.g.
                               dist/config/app-environment.js#AppEnvironment (path relative to the working directory)
  --credentials <names>        built-in credential rules to apply: gmail, gemini, notion (comma-separated)
  --require <keys>             extra keys that must be present (comma-separated; adds to INFISICAL_REQUIRED_KEYS)
  --env-file <path>            the .env file to load first (default: .env; skipped when absent)
  --json                       print one JSON object (steps, keys, exitCode, error) instead of tables
  -h, --help                   this text

Checks (once one fails, the later ones are skipped and shown as –):
${steps}
  The checks make one login attempt only, so they never lock the identity out. Infisical hides secrets an
  identity may not read instead of refusing; check 10 detects this ("keys missing here, but the identity reads
  other environments") and explains missing keys with it.

Exit codes:
${codes}
`;
}

/** Breaks `text` at spaces into lines of at most `width` characters, each prefixed with `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}
