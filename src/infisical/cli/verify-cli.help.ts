import { VERIFY_EXIT_CODES } from './verify-exit-codes.js';
import { VERIFY_STEPS } from './verification-report.js';
import { INFISICAL_ENV_VARIABLES } from '../options/env-variables.js';

/** `verify-infisical --help`. */
export function verifyHelpText(): string {
  const steps = VERIFY_STEPS.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s.title}`).join('\n');
  const width = Math.max(...INFISICAL_ENV_VARIABLES.map((v) => v.variable.length));
  const variables = INFISICAL_ENV_VARIABLES.map((v) => `  ${v.variable.padEnd(width)}  ${v.description}`).join('\n');
  const codes = VERIFY_EXIT_CODES.map((e) => `  ${String(e.code).padStart(2)}  ${e.name.padEnd(15)} ${e.meaning}`).join('\n');
  return `verify-infisical — checks, step by step, that this machine can load its configuration from Infisical.
Prints key names, sources and versions; never a secret value, the client secret or an access token.

Usage:
  verify-infisical [--schema <module>#<Export>] [--app <module>#<AppModule>] [--credentials gmail,gemini,notion]
                   [--require KEY,KEY] [--env-file <path>] [--json]

Configuration: the same INFISICAL_* variables the app reads:
${variables}
A .env file in the working directory is loaded first; variables already set in the environment win.

Options:
  --schema <module>#<Export>   class-validator class or Standard Schema to validate against, e.g.
                               dist/config/app-environment.js#AppEnvironment (path relative to the working directory)
  --app <module>#<AppModule>   the app's root module, e.g. dist/app.module.js#AppModule: also checks the keys its
                               code requires (InfisicalModule.forFeature, registerSecretsAs namespaces, credential
                               classes) by reading the module graph; nothing is started and no provider is created
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
