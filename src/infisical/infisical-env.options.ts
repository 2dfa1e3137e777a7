import { InfisicalOptionsError, type InfisicalOptionProblem } from './infisical.errors.js';
import type { InfisicalModuleOptions } from './interfaces/infisical-module-options.interface.js';

/** Anything that answers `get(name)` (a `ConfigService`) or a plain environment object (`process.env`). */
export type EnvironmentSource = { get(name: string): unknown } | Record<string, string | undefined>;

/**
 * The environment variables the module's conventional configuration reads (all optional unless noted):
 * `INFISICAL_ENABLED` (default true), `INFISICAL_SITE_URL`, `INFISICAL_CLIENT_ID`*, `INFISICAL_CLIENT_SECRET`*,
 * `INFISICAL_PROJECT_ID`*, `INFISICAL_ENVIRONMENT`*, `INFISICAL_SECRET_PATH`, `INFISICAL_CACHE_TTL` (seconds),
 * `INFISICAL_STARTUP_TIMEOUT_MS`, `INFISICAL_MAX_STALE_SECONDS`, `INFISICAL_CACHE_FILE`, `INFISICAL_CACHE_KEY`,
 * `INFISICAL_REQUIRED_KEYS` (comma-separated). * = required while enabled.
 */
export const INFISICAL_ENVIRONMENT_VARIABLES = [
  'INFISICAL_ENABLED',
  'INFISICAL_SITE_URL',
  'INFISICAL_CLIENT_ID',
  'INFISICAL_CLIENT_SECRET',
  'INFISICAL_PROJECT_ID',
  'INFISICAL_ENVIRONMENT',
  'INFISICAL_SECRET_PATH',
  'INFISICAL_CACHE_TTL',
  'INFISICAL_STARTUP_TIMEOUT_MS',
  'INFISICAL_MAX_STALE_SECONDS',
  'INFISICAL_CACHE_FILE',
  'INFISICAL_CACHE_KEY',
  'INFISICAL_REQUIRED_KEYS',
] as const;

/**
 * Maps the `INFISICAL_*` environment variables to module options (schema and credentials are yours to add):
 * `useFactory: (config: ConfigService) => ({ ...infisicalOptionsFromEnv(config), schema: AppEnvironment })`.
 * A bad value fails with an {@link InfisicalOptionsError} naming the variable.
 */
export function infisicalOptionsFromEnv(source: EnvironmentSource): InfisicalModuleOptions {
  const problems: InfisicalOptionProblem[] = [];
  const read = (name: string): string | undefined => {
    const value = typeof source.get === 'function' ? (source as { get(n: string): unknown }).get(name) : (source as Record<string, unknown>)[name];
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const value = read(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    problems.push({ option: name, problem: `must be true or false (got "${value}")` });
    return fallback;
  };
  const integer = (name: string): number | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value.trim())) {
      problems.push({ option: name, problem: `must be a whole number (got "${value}")` });
      return undefined;
    }
    return Number(value);
  };

  const enabled = bool('INFISICAL_ENABLED', true);
  const cacheFile = read('INFISICAL_CACHE_FILE');
  const options: InfisicalModuleOptions = {
    enabled,
    siteUrl: read('INFISICAL_SITE_URL'),
    projectId: read('INFISICAL_PROJECT_ID'),
    environment: read('INFISICAL_ENVIRONMENT'),
    secretPath: read('INFISICAL_SECRET_PATH'),
    cacheTtlSeconds: integer('INFISICAL_CACHE_TTL'),
    startupTimeoutMs: integer('INFISICAL_STARTUP_TIMEOUT_MS'),
    maxStaleSeconds: integer('INFISICAL_MAX_STALE_SECONDS'),
    auth: enabled
      ? { universalAuth: { clientId: read('INFISICAL_CLIENT_ID') ?? '', clientSecret: read('INFISICAL_CLIENT_SECRET') ?? '' } }
      : undefined,
    persistentCache: cacheFile ? { path: cacheFile, key: read('INFISICAL_CACHE_KEY') } : undefined,
    requiredKeys: read('INFISICAL_REQUIRED_KEYS')
      ?.split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  };
  if (enabled) {
    const required: Array<[string, unknown]> = [
      ['INFISICAL_CLIENT_ID', options.auth?.universalAuth.clientId],
      ['INFISICAL_CLIENT_SECRET', options.auth?.universalAuth.clientSecret],
      ['INFISICAL_PROJECT_ID', options.projectId],
      ['INFISICAL_ENVIRONMENT', options.environment],
    ];
    for (const [name, value] of required) {
      if (!value) problems.push({ option: name, problem: 'is required (or set INFISICAL_ENABLED=false to run on .env alone)' });
    }
  }
  if (problems.length) throw new InfisicalOptionsError(problems);
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as InfisicalModuleOptions;
}
