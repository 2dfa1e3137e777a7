/** What the command line asked for. */
export interface VerifyCliArgs {
  help: boolean;
  json: boolean;
  /** `<module>#<ExportName>` of a class-validator class or Standard Schema. */
  schema: string | undefined;
  /** Built-in credential names, lower case (`gmail`, `gemini`, `notion`). */
  credentials: string[];
  /** `<module>#<ExportName>` of the application's root module, whose required keys are checked too. */
  app: string | undefined;
  /** Extra required keys. */
  require: string[];
  /** `.env` file to load first (variables already set win). */
  envFile: string;
}

/** A flag the CLI does not understand, or a flag without its value (exit code 2). */
export class VerifyUsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'VerifyUsageError';
  }
}

const VALUE_FLAGS = new Set(['--schema', '--app', '--credentials', '--require', '--env-file']);
const KEY_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const list = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * Parses `process.argv.slice(2)`: `--flag value` and `--flag=value` forms; `--credentials` and `--require` take
 * comma-separated lists and may be repeated.
 */
export function parseVerifyArgs(argv: readonly string[]): VerifyCliArgs {
  const args: VerifyCliArgs = { help: false, json: false, schema: undefined, app: undefined, credentials: [], require: [], envFile: '.env' };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    if (flag === '--help' || flag === '-h') {
      args.help = true;
      continue;
    }
    if (flag === '--json') {
      args.json = true;
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) {
      throw new VerifyUsageError(`unknown argument "${raw}" (see --help)`);
    }
    let value: string | undefined;
    if (eq > 0) value = raw.slice(eq + 1);
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) value = argv[++i];
    if (value === undefined || value.trim() === '') throw new VerifyUsageError(`${flag} needs a value (see --help)`);
    switch (flag) {
      case '--schema':
        args.schema = value.trim();
        break;
      case '--app':
        args.app = value.trim();
        break;
      case '--credentials':
        args.credentials.push(...list(value).map((name) => name.toLowerCase()));
        break;
      case '--require': {
        const keys = list(value);
        const bad = keys.filter((key) => !KEY_NAME.test(key));
        if (bad.length) throw new VerifyUsageError(`--require takes key names such as STRIPE_API_KEY (not: ${bad.map((k) => `"${k}"`).join(', ')})`);
        args.require.push(...keys);
        break;
      }
      case '--env-file':
        args.envFile = value.trim();
        break;
    }
  }
  args.credentials = [...new Set(args.credentials)];
  args.require = [...new Set(args.require)];
  return args;
}
