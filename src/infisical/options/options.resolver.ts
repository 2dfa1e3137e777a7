import { InfisicalOptionsError } from '../errors/options.error.js';
import {
  DEFAULT_CACHE_TTL_SECONDS,
  DEFAULT_EXPAND_SECRET_REFERENCES,
  DEFAULT_HEALTH_MAX_KEYS,
  DEFAULT_PREVIOUS_VALUE_GRACE_SECONDS,
  MAX_PREVIOUS_VALUE_GRACE_SECONDS,
  DEFAULT_MAX_STALE_SECONDS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_STARTUP_TIMEOUT_MS,
  MAX_CACHE_TTL_SECONDS,
  MAX_TIMEOUT_MS,
} from '../infisical.defaults.js';
import type { ConfigSchema, InfisicalModuleOptions } from '../interfaces/infisical-module-options.interface.js';
import { UNUSABLE_KEYS } from '../api/list-response.parser.js';
import { resolveAuth } from './auth.option.js';
import { describeValue, OptionReader } from './option-readers.js';
import type { ResolvedInfisicalOptions } from './resolved-options.interface.js';
import { resolveSiteUrl } from './site-url.option.js';
import { resolveSources } from './sources.option.js';
import { resolveWebhook } from './webhook.option.js';
import { resolveFleet } from './fleet.option.js';
import { resolveMirror } from './mirror.option.js';
import { resolveDynamicSecrets } from './dynamic-secrets.option.js';

const KNOWN_OPTIONS = new Set<string>([
  'enabled', 'siteUrl', 'projectId', 'environment', 'secretPath', 'recursive', 'includeImports', 'expandSecretReferences',
  'sources', 'auth', 'cacheTtlSeconds', 'startupTimeoutMs', 'requestTimeoutMs', 'maxStaleSeconds', 'schema',
  'requiredKeys', 'persistentCache', 'revokeTokenOnShutdown', 'fetch', 'healthMaxKeys',
  'previousValueGraceSeconds',
  'webhook', 'fleet', 'mirrorToProcessEnv', 'dynamicSecrets',
]);

/** Settings of `forRoot` / `forRootAsync` itself that end up in the options by mistake (e.g. from `useFactory`). */
const EXTRAS = new Set(['isGlobal', 'credentials', 'namespaces', 'imports', 'inject', 'useFactory', 'useClass', 'useExisting']);

function isStandardSchema(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { '~standard'?: { validate?: unknown } })['~standard']?.validate === 'function';
}

/** A list of key names (`requiredKeys`): distinct, non-empty, no prototype names. */
function keyList(reader: OptionReader, option: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((k) => typeof k !== 'string' || k.trim() === '' || k.trim() !== k)) {
    reader.bad(option, 'must be an array of key names (non-empty strings without surrounding whitespace)');
    return [];
  }
  if (value.some((k) => UNUSABLE_KEYS.has(k))) {
    reader.bad(option, 'cannot list __proto__, constructor or prototype: such secrets are never loaded (they would reach object prototypes)');
    return [];
  }
  return [...new Set(value as string[])];
}

/** Applies defaults and validates; throws one {@link InfisicalOptionsError} naming every wrong option. @internal */
export function resolveInfisicalOptions(options: InfisicalModuleOptions | undefined | null): ResolvedInfisicalOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InfisicalOptionsError([
      {
        option: 'options',
        problem:
          `must be an object (got ${describeValue(options, true)}) — pass the options to InfisicalModule.forRoot({ … }), ` +
          'or return them from the useFactory of forRootAsync',
      },
    ]);
  }
  const raw = options as Record<string, unknown>;
  const reader = new OptionReader(raw);
  for (const key of Object.keys(raw)) {
    if (EXTRAS.has(key)) {
      reader.bad(key, `is a setting of InfisicalModule.forRoot / forRootAsync itself, not an option: pass it beside useFactory (forRootAsync({ ${key}: …, useFactory })), not in the object useFactory returns`);
    } else if (!KNOWN_OPTIONS.has(key)) {
      reader.bad(key.slice(0, 80), 'is not an option of InfisicalModule (check the spelling)');
    }
  }

  const enabled = reader.boolean('enabled', true);
  const siteUrl = resolveSiteUrl(reader, raw.siteUrl);
  const sources = resolveSources(reader, raw, siteUrl, enabled);
  const auth = resolveAuth(reader, raw.auth, enabled);

  const schema = raw.schema;
  if (schema !== undefined && !(typeof schema === 'function' && schema.prototype) && !isStandardSchema(schema)) {
    reader.bad('schema', `must be a class decorated with class-validator rules or a Standard Schema such as a zod object (got ${describeValue(schema)})`);
  }
  const requiredKeys = keyList(reader, 'requiredKeys', raw.requiredKeys);
  const mirrorToProcessEnv = resolveMirror(reader, raw.mirrorToProcessEnv);
  if (raw.fetch !== undefined && typeof raw.fetch !== 'function') reader.bad('fetch', `must be a fetch function (got ${describeValue(raw.fetch)})`);

  let persistentCache: ResolvedInfisicalOptions['persistentCache'];
  const pc = raw.persistentCache;
  // The snapshot only stands in for Infisical: with Infisical disabled it is ignored, whatever it says.
  if (pc !== undefined && enabled) {
    if (typeof pc !== 'object' || pc === null) {
      reader.bad('persistentCache', `must be { path, key? } (got ${describeValue(pc)})`);
    } else {
      const { path, key } = pc as { path?: unknown; key?: unknown };
      const file = reader.text('persistentCache.path', true, 'a file path (INFISICAL_CACHE_FILE)', path);
      if (key !== undefined && (typeof key !== 'string' || key.length < 32)) {
        reader.bad('persistentCache.key', 'must be a string of at least 32 characters (or omitted to derive the key from the client secret)');
      }
      const material = typeof key === 'string' ? key : auth?.method === 'universal-auth' ? auth.clientSecret : undefined;
      if (material === undefined && key === undefined && auth) {
        reader.bad('persistentCache.key', 'is required with this login method (there is no client secret to derive the file key from): set INFISICAL_CACHE_KEY to at least 32 random characters');
      }
      if (file !== undefined && material !== undefined) persistentCache = { path: file, key: material };
    }
  }

  const resolved: ResolvedInfisicalOptions = {
    enabled,
    siteUrl,
    sources,
    expandSecretReferences: reader.boolean('expandSecretReferences', DEFAULT_EXPAND_SECRET_REFERENCES),
    auth: enabled ? auth : undefined,
    cacheTtlSeconds: reader.integer('cacheTtlSeconds', DEFAULT_CACHE_TTL_SECONDS, 0, MAX_CACHE_TTL_SECONDS, 'seconds'),
    startupTimeoutMs: reader.integer('startupTimeoutMs', DEFAULT_STARTUP_TIMEOUT_MS, 1, MAX_TIMEOUT_MS, 'milliseconds'),
    requestTimeoutMs: reader.integer('requestTimeoutMs', DEFAULT_REQUEST_TIMEOUT_MS, 1, MAX_TIMEOUT_MS, 'milliseconds'),
    maxStaleSeconds: reader.integer('maxStaleSeconds', DEFAULT_MAX_STALE_SECONDS, 0, 31_536_000, 'seconds'),
    schema: schema as ConfigSchema | undefined,
    requiredKeys,
    mirrorToProcessEnv,
    persistentCache,
    revokeTokenOnShutdown: reader.boolean('revokeTokenOnShutdown', false),
    fetch: raw.fetch as typeof fetch | undefined,
    healthMaxKeys: reader.integer('healthMaxKeys', DEFAULT_HEALTH_MAX_KEYS, 0, 100_000, 'keys'),
    previousValueGraceSeconds: reader.integer('previousValueGraceSeconds', DEFAULT_PREVIOUS_VALUE_GRACE_SECONDS, 0, MAX_PREVIOUS_VALUE_GRACE_SECONDS, 'seconds'),
    webhook: resolveWebhook(reader, raw.webhook, enabled),
    fleet: resolveFleet(reader, raw.fleet, enabled, auth),
    dynamicSecrets: resolveDynamicSecrets(reader, raw.dynamicSecrets, { environment: sources[0]?.environment ?? '', secretPath: sources[0]?.secretPath ?? '/' }),
  };
  if (!enabled && resolved.dynamicSecrets.length) {
    reader.bad('dynamicSecrets', 'needs Infisical (leases are taken from it): remove dynamicSecrets (INFISICAL_DYNAMIC_SECRETS) or set enabled: true');
  }
  if (resolved.fleet && resolved.cacheTtlSeconds === 0) reader.bad('fleet', 'needs cacheTtlSeconds > 0 (the fleet shares one read per TTL window)');
  if (reader.problems.length) throw new InfisicalOptionsError(reader.problems);
  return resolved;
}
