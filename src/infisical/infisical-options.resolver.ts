import {
  DEFAULT_CACHE_TTL_SECONDS,
  DEFAULT_MAX_STALE_SECONDS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SECRET_PATH,
  DEFAULT_SITE_URL,
  DEFAULT_STARTUP_TIMEOUT_MS,
  MAX_CACHE_TTL_SECONDS,
} from './infisical.constants.js';
import { InfisicalOptionsError, type InfisicalOptionProblem } from './infisical.errors.js';
import type { ConfigSchema, InfisicalModuleOptions } from './interfaces/infisical-module-options.interface.js';
import type { InfisicalTarget } from './interfaces/infisical-target.interface.js';

/** The options with every default applied, checked once at bootstrap. */
export interface ResolvedInfisicalOptions {
  enabled: boolean;
  target: InfisicalTarget;
  recursive: boolean;
  includeImports: boolean;
  expandSecretReferences: boolean;
  clientId: string;
  clientSecret: string;
  cacheTtlSeconds: number;
  startupTimeoutMs: number;
  requestTimeoutMs: number;
  maxStaleSeconds: number;
  schema: ConfigSchema | undefined;
  requiredKeys: string[];
  persistentCache: { path: string; key: string } | undefined;
  revokeTokenOnShutdown: boolean;
}

const KNOWN_OPTIONS = new Set<string>([
  'enabled', 'siteUrl', 'projectId', 'environment', 'secretPath', 'recursive', 'includeImports',
  'expandSecretReferences', 'auth', 'cacheTtlSeconds', 'startupTimeoutMs', 'requestTimeoutMs', 'maxStaleSeconds',
  'schema', 'requiredKeys', 'persistentCache', 'revokeTokenOnShutdown',
]);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `"${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
}

/** Applies defaults and validates; throws one {@link InfisicalOptionsError} naming every wrong option. */
export function resolveInfisicalOptions(options: InfisicalModuleOptions | undefined | null): ResolvedInfisicalOptions {
  const problems: InfisicalOptionProblem[] = [];
  const bad = (option: string, problem: string) => problems.push({ option, problem });
  if (options === null || typeof options !== 'object') {
    throw new InfisicalOptionsError([{ option: 'options', problem: `must be an object (got ${describe(options)})` }]);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) bad(key, 'is not an option of InfisicalModule (check the spelling)');
  }

  const bool = (name: keyof InfisicalModuleOptions, fallback: boolean): boolean => {
    const value = options[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') bad(name, `must be true or false (got ${describe(value)})`);
    return value === true;
  };
  const integer = (name: keyof InfisicalModuleOptions, fallback: number, min: number, max: number, unit: string) => {
    const value = options[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      bad(name, `must be an integer number of ${unit} from ${min} to ${max} (got ${describe(value)})`);
      return fallback;
    }
    return value;
  };
  const text = (name: keyof InfisicalModuleOptions, required: boolean, hint: string): string => {
    const value = options[name];
    if (value === undefined || value === '') {
      if (required) bad(name, `is required when Infisical is enabled — ${hint}`);
      return '';
    }
    if (typeof value !== 'string') {
      bad(name, `must be a string (got ${describe(value)}) — ${hint}`);
      return '';
    }
    if (value.trim() !== value) bad(name, `has leading or trailing whitespace — ${hint}`);
    return value;
  };

  const enabled = bool('enabled', true);
  const siteUrl = text('siteUrl', false, 'e.g. https://app.infisical.com or https://eu.infisical.com') || DEFAULT_SITE_URL;
  try {
    const url = new URL(siteUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    if (url.search || url.hash) bad('siteUrl', 'must not contain a query string or fragment');
    if (/\/api\/?$/.test(url.pathname)) bad('siteUrl', 'must be the site root without "/api" (e.g. https://app.infisical.com)');
  } catch {
    bad('siteUrl', `must be an http(s) URL such as https://app.infisical.com (got ${describe(siteUrl)})`);
  }
  const projectId = text('projectId', enabled, 'the project ID from Project Settings (INFISICAL_PROJECT_ID)');
  const environment = text('environment', enabled, 'an environment slug such as "dev" or "prod" (INFISICAL_ENVIRONMENT)');
  if (environment && !/^[A-Za-z0-9_-]+$/.test(environment)) {
    bad('environment', `must be an environment slug (letters, digits, "-" or "_"), not a display name (got ${describe(environment)})`);
  }
  const secretPath = text('secretPath', false, 'a folder path such as "/" or "/backend"') || DEFAULT_SECRET_PATH;
  if (!secretPath.startsWith('/')) bad('secretPath', `must start with "/" (got ${describe(secretPath)})`);

  let clientId = '';
  let clientSecret = '';
  const auth = options.auth as unknown;
  if (auth === undefined) {
    if (enabled) bad('auth.universalAuth', 'is required when Infisical is enabled — { clientId, clientSecret } of a machine identity');
  } else if (typeof auth !== 'object' || auth === null || typeof (auth as { universalAuth?: unknown }).universalAuth !== 'object') {
    bad('auth', 'must be { universalAuth: { clientId, clientSecret } }');
  } else {
    const ua = (auth as { universalAuth: Record<string, unknown> }).universalAuth ?? {};
    if (typeof ua.clientId === 'string' && ua.clientId.trim() !== '') clientId = ua.clientId.trim();
    else if (enabled) bad('auth.universalAuth.clientId', `is required — the machine identity's client ID (INFISICAL_CLIENT_ID); got ${typeof ua.clientId === 'string' ? 'an empty string' : `a value of type ${typeof ua.clientId}`}`);
    if (typeof ua.clientSecret === 'string' && ua.clientSecret.trim() !== '') clientSecret = ua.clientSecret.trim();
    else if (enabled) bad('auth.universalAuth.clientSecret', `is required — the machine identity's client secret (INFISICAL_CLIENT_SECRET); got ${typeof ua.clientSecret === 'string' ? 'an empty string' : `a value of type ${typeof ua.clientSecret}`}`);
  }

  const cacheTtlSeconds = integer('cacheTtlSeconds', DEFAULT_CACHE_TTL_SECONDS, 0, MAX_CACHE_TTL_SECONDS, 'seconds');
  const startupTimeoutMs = integer('startupTimeoutMs', DEFAULT_STARTUP_TIMEOUT_MS, 1, 600_000, 'milliseconds');
  const requestTimeoutMs = integer('requestTimeoutMs', DEFAULT_REQUEST_TIMEOUT_MS, 1, 600_000, 'milliseconds');
  const maxStaleSeconds = integer('maxStaleSeconds', DEFAULT_MAX_STALE_SECONDS, 0, 31_536_000, 'seconds');

  const schema = options.schema as unknown;
  if (schema !== undefined && typeof schema !== 'function' && !(typeof schema === 'object' && schema !== null && '~standard' in schema)) {
    bad('schema', 'must be a class decorated with class-validator rules or a Standard Schema (e.g. a zod object)');
  }
  const requiredKeys = options.requiredKeys ?? [];
  if (!Array.isArray(requiredKeys) || requiredKeys.some((k) => typeof k !== 'string' || k === '')) {
    bad('requiredKeys', 'must be an array of non-empty key names');
  }

  let persistentCache: ResolvedInfisicalOptions['persistentCache'];
  const pc = options.persistentCache as unknown;
  // The snapshot only stands in for Infisical: with Infisical disabled it is ignored, whatever it says.
  if (pc !== undefined && enabled) {
    const { path, key } = (pc ?? {}) as { path?: unknown; key?: unknown };
    if (typeof path !== 'string' || path === '') bad('persistentCache.path', 'must be a file path (INFISICAL_CACHE_FILE)');
    if (key !== undefined && (typeof key !== 'string' || key.length < 32)) {
      bad('persistentCache.key', 'must be a string of at least 32 characters (or omitted to derive the key from the client secret)');
    }
    const material = typeof key === 'string' ? key : clientSecret;
    if (typeof path === 'string' && path) persistentCache = { path, key: material };
  }

  const revokeTokenOnShutdown = bool('revokeTokenOnShutdown', false);
  const recursive = bool('recursive', false);
  const includeImports = bool('includeImports', true);
  const expandSecretReferences = bool('expandSecretReferences', true);

  if (problems.length) throw new InfisicalOptionsError(problems);
  return {
    enabled,
    target: { siteUrl: siteUrl.replace(/\/+$/, ''), projectId, environment, secretPath: normalisePath(secretPath) },
    recursive,
    includeImports,
    expandSecretReferences,
    clientId,
    clientSecret,
    cacheTtlSeconds,
    startupTimeoutMs,
    requestTimeoutMs,
    maxStaleSeconds,
    schema: schema as ConfigSchema | undefined,
    requiredKeys: [...new Set(requiredKeys)],
    persistentCache,
    revokeTokenOnShutdown,
  };
}

function normalisePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
