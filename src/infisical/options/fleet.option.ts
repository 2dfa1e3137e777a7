import { describeValue, type OptionReader } from './option-readers.js';
import type { ResolvedAuth } from './resolved-auth.interface.js';

/** Fleet coordination, resolved. */
export interface ResolvedFleetOptions {
  redisUrl: string;
  /** Key material of the snapshot published in Redis. */
  key: string;
  keyPrefix: string;
}

export const DEFAULT_FLEET_KEY_PREFIX = 'nestjs-infisical';

/** Reads the `fleet` option (`{ redisUrl, key?, keyPrefix? }`); undefined when absent or when Infisical is disabled. */
export function resolveFleet(reader: OptionReader, value: unknown, enabled: boolean, auth: ResolvedAuth | undefined): ResolvedFleetOptions | undefined {
  if (value === undefined || !enabled) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    reader.bad('fleet', `must be { redisUrl, key?, keyPrefix? } (got ${describeValue(value)})`);
    return undefined;
  }
  const { redisUrl, key, keyPrefix } = value as { redisUrl?: unknown; key?: unknown; keyPrefix?: unknown };
  const url = reader.text('fleet.redisUrl', true, 'a Redis URL such as redis://10.0.0.3:6379 or rediss://… (INFISICAL_REDIS_URL)', redisUrl, true);
  if (url !== undefined && !/^rediss?:\/\//.test(url)) reader.bad('fleet.redisUrl', 'must start with redis:// or rediss:// (INFISICAL_REDIS_URL)');
  const prefix = reader.text('fleet.keyPrefix', false, 'a Redis key prefix', keyPrefix) ?? DEFAULT_FLEET_KEY_PREFIX;
  if (key !== undefined && (typeof key !== 'string' || key.length < 32)) {
    reader.bad('fleet.key', 'must be a string of at least 32 characters (or omitted to derive the key from the client secret)');
  }
  const material = typeof key === 'string' ? key : auth?.method === 'universal-auth' ? auth.clientSecret : undefined;
  if (material === undefined && key === undefined && auth) {
    reader.bad('fleet.key', 'is required with this login method (there is no client secret to derive the snapshot key from): set it to at least 32 random characters, the same on every instance');
  }
  return url !== undefined && material !== undefined ? { redisUrl: url, key: material, keyPrefix: prefix } : undefined;
}
