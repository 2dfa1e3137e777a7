import { InfisicalOptionsError, type InfisicalOptionProblem } from '../errors/options.error.js';
import type { InfisicalModuleOptions } from '../interfaces/infisical-module-options.interface.js';
import { authMethodFromEnv } from './auth-from-env.js';
import { INFISICAL_ENV_VARIABLES, METHOD_PLACEHOLDER, variableForOption, type EnvVariable } from './env-variables.js';
import { resolveInfisicalOptions } from './options.resolver.js';

/** Anything that answers `get(name)` (a `ConfigService`) or a plain environment object (`process.env`). */
export type EnvironmentSource =
  | {
      /** Reads one variable, as `ConfigService.get(name)` does. */
      get(name: string): unknown;
    }
  | Record<string, string | undefined>;

const TRUE = ['true', '1', 'yes'];
const FALSE = ['false', '0', 'no'];

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

/**
 * Maps the conventional `INFISICAL_*` variables (the table of docs/configuration.md) to module options and checks them,
 * so that a bad value fails here, naming the variable first and then the option:
 * `useFactory: (config: ConfigService) => ({ ...infisicalOptionsFromEnv(config), schema: AppEnvironment })`.
 */
export function infisicalOptionsFromEnv(source: EnvironmentSource): InfisicalModuleOptions {
  const problems: InfisicalOptionProblem[] = [];
  const read = (name: string): string | undefined => {
    const value = typeof source.get === 'function' ? (source as { get(n: string): unknown }).get(name) : (source as Record<string, unknown>)[name];
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const parse = ({ variable, option, kind }: EnvVariable, text: string): unknown => {
    const bad = (problem: string) => problems.push({ option, variable, problem });
    switch (kind) {
      case 'boolean':
        if (TRUE.includes(text.toLowerCase())) return true;
        if (FALSE.includes(text.toLowerCase())) return false;
        return bad(`must be true or false (got "${text.slice(0, 40)}")`), undefined;
      case 'integer': {
        const digits = text.trim();
        if (/^\d{1,15}$/.test(digits)) return Number(digits);
        return bad(`must be a whole number (got "${text.slice(0, 40)}")`), undefined;
      }
      case 'list':
        return text.split(',').map((k) => k.trim()).filter(Boolean);
      case 'paths':
        // An empty entry (a stray comma) is no folder: it must not turn into the root folder, last and winning.
        return text.split(',').map((p) => p.trim()).filter(Boolean).map((secretPath) => ({ secretPath }));
      default:
        return text;
    }
  };

  const options: Record<string, unknown> = {};
  const enabled = read('INFISICAL_ENABLED') === undefined || !FALSE.includes(read('INFISICAL_ENABLED')!.toLowerCase());
  const method = enabled ? authMethodFromEnv(read, problems) : undefined;
  for (const entry of INFISICAL_ENV_VARIABLES) {
    const text = read(entry.variable);
    if (text === undefined || entry.kind === 'method') continue;
    const isAuth = entry.option.startsWith('auth.');
    if (isAuth && (!method || !method.variables.includes(entry.variable))) continue;
    const value = parse(entry, text);
    if (value !== undefined) setPath(options, isAuth ? entry.option.replace(METHOD_PLACEHOLDER, method!.option) : entry.option, value);
  }
  if (read('INFISICAL_SECRET_PATH') !== undefined && read('INFISICAL_SECRET_PATHS') !== undefined) {
    problems.push({ option: 'secretPath', variable: 'INFISICAL_SECRET_PATH', problem: 'and INFISICAL_SECRET_PATHS are both set: keep one (INFISICAL_SECRET_PATHS lists several folders)' });
  }
  // Disabled, no login method is read, so no `auth` option is set.
  if (enabled) {
    const required: Array<[string, string]> = [
      ['INFISICAL_PROJECT_ID', 'projectId'],
      ['INFISICAL_ENVIRONMENT', 'environment'],
    ];
    for (const [variable, option] of required) {
      if (read(variable) === undefined) problems.push({ option, variable, problem: 'is required (or set INFISICAL_ENABLED=false to run on .env alone)' });
    }
  }
  if (problems.length) throw new InfisicalOptionsError(problems);
  try {
    resolveInfisicalOptions(options);
  } catch (error) {
    if (!(error instanceof InfisicalOptionsError)) throw error;
    throw new InfisicalOptionsError(error.problems.map((p) => ({ ...p, variable: variableForOption(p.option) })));
  }
  return options as InfisicalModuleOptions;
}
