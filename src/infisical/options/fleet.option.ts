import { describeValue, type OptionReader } from './option-readers.js';
import type { ResolvedAuth } from './resolved-auth.interface.js';

/** Fleet coordination, resolved. */
export interface ResolvedFleetOptions {
  redisUrl: string;
  /** The fleet key: seals the snapshot and authenticates the shared back-off in Redis. */
  key: string;
  /** The key being rotated out: still opens what it sealed, never seals. */
  previousKey: string | undefined;
  keyPrefix: string;
}

export const DEFAULT_FLEET_KEY_PREFIX = 'nestjs-infisical';
/** Shortest fleet key, in bytes (UTF-8). @internal */
export const MIN_FLEET_KEY_BYTES = 32;

const RANDOM = `at least ${MIN_FLEET_KEY_BYTES} random bytes, the same on every instance, kept in the platform's secret store (e.g. Secret Manager)`;
const HINTS = {
  'fleet.key': `${RANDOM} and set as INFISICAL_FLEET_KEY — generate one with \`openssl rand -base64 48\``,
  'fleet.previousKey': `the fleet key being replaced during a rotation (INFISICAL_FLEET_PREVIOUS_KEY): ${RANDOM}`,
};

/** Reads the `fleet` option (`{ redisUrl, key, previousKey?, keyPrefix? }`); undefined when absent or when Infisical is disabled. */
export function resolveFleet(reader: OptionReader, value: unknown, enabled: boolean, auth: ResolvedAuth | undefined): ResolvedFleetOptions | undefined {
  if (value === undefined || !enabled) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    reader.bad('fleet', `must be { redisUrl, key, previousKey?, keyPrefix? } (got ${describeValue(value)})`);
    return undefined;
  }
  const fields = value as { redisUrl?: unknown; key?: unknown; previousKey?: unknown; keyPrefix?: unknown };
  const url = reader.text('fleet.redisUrl', true, 'a Redis URL such as redis://10.0.0.3:6379 or rediss://… (INFISICAL_REDIS_URL)', fields.redisUrl, true);
  if (url !== undefined && !/^rediss?:\/\//.test(url)) reader.bad('fleet.redisUrl', 'must start with redis:// or rediss:// (INFISICAL_REDIS_URL)');
  const prefix = reader.text('fleet.keyPrefix', false, 'a Redis key prefix (INFISICAL_FLEET_KEY_PREFIX)', fields.keyPrefix) ?? DEFAULT_FLEET_KEY_PREFIX;
  const key = fleetKey(reader, 'fleet.key', fields.key, auth);
  const previousKey = fleetKey(reader, 'fleet.previousKey', fields.previousKey, auth);
  if (previousKey !== undefined && previousKey === key) {
    reader.bad('fleet.previousKey', 'is the same as fleet.key: during a rotation it holds the key being replaced (INFISICAL_FLEET_PREVIOUS_KEY); remove it once every instance runs the new key');
  }
  return url !== undefined && key !== undefined ? { redisUrl: url, key, previousKey, keyPrefix: prefix } : undefined;
}

/**
 * `fleet.key` (required) or `fleet.previousKey`: a secret of at least 32 bytes that is none of the login settings —
 * the fleet's key is its own, so that whoever holds a login credential (a read-only identity's, say) cannot forge
 * what the fleet shares.
 */
function fleetKey(reader: OptionReader, option: 'fleet.key' | 'fleet.previousKey', value: unknown, auth: ResolvedAuth | undefined): string | undefined {
  const hint = HINTS[option];
  if ((value === undefined || value === '') && option === 'fleet.key') {
    reader.bad(option, `is required whenever the fleet is on, with every login method: ${hint}. It is never derived from a login credential`);
    return undefined;
  }
  const key = reader.text(option, false, hint, value, true);
  if (key === undefined) return undefined;
  if (Buffer.byteLength(key) < MIN_FLEET_KEY_BYTES) {
    reader.bad(option, `must be at least ${MIN_FLEET_KEY_BYTES} bytes long (got ${Buffer.byteLength(key)}) — ${hint}`);
    return undefined;
  }
  if (auth && Object.values(auth).includes(key)) {
    reader.bad(
      option,
      'must not be a login setting (it equals the client secret, token, JWT or an ID of the auth option): whoever holds that ' +
        `credential could then forge the fleet's snapshot — use a key of its own, ${hint}`,
    );
    return undefined;
  }
  return key;
}
