import { ConfigService } from '@nestjs/config';
import { InfisicalOptionsError, type InfisicalModuleOptions, type InfisicalOptionProblem } from '../infisical/index.js';
import { AppEnvironment } from './app-environment.js';

/**
 * Maps the `INFISICAL_*` environment variables (process environment or `.env`) to the module options. Bad values
 * fail bootstrap with the variable's name.
 */
export function infisicalOptionsFromEnvironment(config: ConfigService): InfisicalModuleOptions {
  const problems: InfisicalOptionProblem[] = [];
  const read = (name: string): string | undefined => {
    const value = config.get<string>(name);
    return value === undefined || value === '' ? undefined : String(value);
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
    schema: AppEnvironment,
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
