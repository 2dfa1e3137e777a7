/** The fleet option on its own: what it resolves to, the fleet key's rules, and what each refusal says. */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_FLEET_KEY_PREFIX, MIN_FLEET_KEY_BYTES, resolveFleet } from '../../src/infisical/options/fleet.option.js';
import { OptionReader } from '../../src/infisical/options/option-readers.js';
import type { ResolvedAuth } from '../../src/infisical/options/resolved-options.interface.js';

const CLIENT_SECRET = 'the-client-secret-of-the-identity-0123456789';
const UNIVERSAL: ResolvedAuth = { method: 'universal-auth', clientId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', clientSecret: CLIENT_SECRET };
const TOKEN: ResolvedAuth = { method: 'token', accessToken: 'a'.repeat(40) };
const GCP: ResolvedAuth = { method: 'gcp-id-token', identityId: 'b0000000-0000-4000-8000-000000000001' };
const KEY = 'k'.repeat(32);
const PREVIOUS = 'p'.repeat(32);
const FIX = "at least 32 random bytes, the same on every instance, kept in the platform's secret store (e.g. Secret Manager) and set as INFISICAL_FLEET_KEY — generate one with `openssl rand -base64 48`";
const REQUIRED = `fleet.key is required whenever the fleet is on, with every login method: ${FIX}. It is never derived from a login credential`;

/** `auth` null: no login resolved. */
const read = (value: unknown, auth: ResolvedAuth | null = UNIVERSAL, enabled = true) => {
  const reader = new OptionReader({});
  const fleet = resolveFleet(reader, value, enabled, auth ?? undefined);
  return { fleet, problems: reader.problems.map((p) => `${p.option} ${p.problem}`) };
};

describe('resolveFleet', () => {
  it('is off when absent or when Infisical is disabled (nothing checked then)', () => {
    expect(read(undefined)).toEqual({ fleet: undefined, problems: [] });
    expect(read({ redisUrl: 'http://x', key: 'short' }, UNIVERSAL, false)).toEqual({ fleet: undefined, problems: [] });
  });

  it('resolves the URL, the key and the default prefix; no previous key', () => {
    expect(DEFAULT_FLEET_KEY_PREFIX).toBe('nestjs-infisical');
    expect(read({ redisUrl: 'redis://10.0.0.3:6379', key: KEY })).toEqual({
      fleet: { redisUrl: 'redis://10.0.0.3:6379', key: KEY, previousKey: undefined, keyPrefix: 'nestjs-infisical' },
      problems: [],
    });
  });

  it('a previous key (rotation) and a prefix are kept; rediss:// is accepted; every login method works with a key', () => {
    for (const auth of [UNIVERSAL, TOKEN, GCP, null]) {
      expect(read({ redisUrl: 'rediss://user:pw@redis.internal:6380/2', key: KEY, previousKey: PREVIOUS, keyPrefix: 'shop' }, auth)).toEqual({
        fleet: { redisUrl: 'rediss://user:pw@redis.internal:6380/2', key: KEY, previousKey: PREVIOUS, keyPrefix: 'shop' },
        problems: [],
      });
    }
  });

  it.each([
    [null, 'null'],
    [[], 'a value of type array'],
    ['redis://x', '"redis://x"'],
  ])('refuses a fleet that is not an object (%p)', (value, shown) => {
    expect(read(value)).toEqual({ fleet: undefined, problems: [`fleet must be { redisUrl, key, previousKey?, keyPrefix? } (got ${shown})`] });
  });

  it('redisUrl is required, a string, and a redis:// or rediss:// URL', () => {
    expect(read({ key: KEY }).problems).toEqual(['fleet.redisUrl is required — a Redis URL such as redis://10.0.0.3:6379 or rediss://… (INFISICAL_REDIS_URL)']);
    expect(read({ key: KEY }).fleet).toBeUndefined();
    expect(read({ redisUrl: 42, key: KEY }).problems).toEqual([expect.stringMatching(/^fleet\.redisUrl must be a string \(got a value of type number\)/)]);
    expect(read({ redisUrl: 'http://10.0.0.3', key: KEY }).problems).toEqual(['fleet.redisUrl must start with redis:// or rediss:// (INFISICAL_REDIS_URL)']);
    expect(read({ redisUrl: 'http://proxy/redis://10.0.0.3', key: KEY }).problems).toEqual(['fleet.redisUrl must start with redis:// or rediss:// (INFISICAL_REDIS_URL)']);
    expect(read({ redisUrl: ' redis://x', key: KEY }).problems).toEqual([expect.stringContaining('fleet.redisUrl has leading or trailing whitespace')]);
  });

  it('the URL is read as a secret (its password is never echoed)', () => {
    expect(read({ redisUrl: ['redis://:hunter2@x'], key: KEY }).problems.join()).not.toContain('hunter2');
  });

  it('keyPrefix must be a string', () => {
    const { fleet, problems } = read({ redisUrl: 'redis://x', key: KEY, keyPrefix: 7 });
    expect(problems).toEqual([expect.stringMatching(/^fleet\.keyPrefix must be a string \(got 7\) — a Redis key prefix \(INFISICAL_FLEET_KEY_PREFIX\)$/)]);
    expect(fleet?.keyPrefix).toBe('nestjs-infisical');
  });

  it('the key is required with every login method, none resolved included, and the message says where to set it', () => {
    for (const auth of [UNIVERSAL, TOKEN, GCP, null]) {
      expect(read({ redisUrl: 'redis://x' }, auth)).toEqual({ fleet: undefined, problems: [REQUIRED] });
      expect(read({ redisUrl: 'redis://x', key: '' }, auth)).toEqual({ fleet: undefined, problems: [REQUIRED] });
    }
    expect(read({ redisUrl: 'http://x' }).problems).toEqual(['fleet.redisUrl must start with redis:// or rediss:// (INFISICAL_REDIS_URL)', REQUIRED]);
  });

  it(`the key has at least ${MIN_FLEET_KEY_BYTES} bytes (UTF-8), counted in bytes`, () => {
    expect(MIN_FLEET_KEY_BYTES).toBe(32);
    expect(read({ redisUrl: 'redis://x', key: 'k'.repeat(31) })).toEqual({ fleet: undefined, problems: [`fleet.key must be at least 32 bytes long (got 31) — ${FIX}`] });
    expect(read({ redisUrl: 'redis://x', key: 'é'.repeat(16) }).problems).toEqual([]); // 16 characters, 32 bytes
    expect(read({ redisUrl: 'redis://x', key: 'é'.repeat(15) }).problems).toEqual([`fleet.key must be at least 32 bytes long (got 30) — ${FIX}`]);
  });

  it('a key that is not a string, or padded, is refused without its value', () => {
    expect(read({ redisUrl: 'redis://x', key: 1234567890 }).problems).toEqual([`fleet.key must be a string (got a value of type number) — ${FIX}`]);
    const padded = read({ redisUrl: 'redis://x', key: ` ${KEY}\n` });
    expect(padded.problems).toEqual([`fleet.key has leading or trailing whitespace — ${FIX}`]);
    expect(padded.fleet).toBeUndefined();
  });

  it.each([
    ['the client secret', UNIVERSAL, CLIENT_SECRET],
    ['the client ID', UNIVERSAL, UNIVERSAL.method === 'universal-auth' ? UNIVERSAL.clientId : ''],
    ['the access token', TOKEN, 'a'.repeat(40)],
    ['the identity ID', GCP, 'b0000000-0000-4000-8000-000000000001'],
  ])('the key may not be %s', (_name, auth, key) => {
    const { fleet, problems } = read({ redisUrl: 'redis://x', key }, auth);
    expect(fleet).toBeUndefined();
    expect(problems).toEqual([
      'fleet.key must not be a login setting (it equals the client secret, token, JWT or an ID of the auth option): whoever holds that ' +
        `credential could then forge the fleet's snapshot — use a key of its own, ${FIX}`,
    ]);
    expect(problems.join()).not.toContain(key);
  });

  it('the previous key follows the same rules, and may not be the key itself', () => {
    const previousFix = "the fleet key being replaced during a rotation (INFISICAL_FLEET_PREVIOUS_KEY): at least 32 random bytes, the same on every instance, kept in the platform's secret store (e.g. Secret Manager)";
    expect(read({ redisUrl: 'redis://x', key: KEY, previousKey: 'short' }).problems).toEqual([`fleet.previousKey must be at least 32 bytes long (got 5) — ${previousFix}`]);
    expect(read({ redisUrl: 'redis://x', key: KEY, previousKey: CLIENT_SECRET }).problems).toEqual([expect.stringMatching(/^fleet\.previousKey must not be a login setting .* use a key of its own, the fleet key being replaced/)]);
    expect(read({ redisUrl: 'redis://x', key: KEY, previousKey: '' })).toEqual({ fleet: { redisUrl: 'redis://x', key: KEY, previousKey: undefined, keyPrefix: 'nestjs-infisical' }, problems: [] });
    expect(read({ redisUrl: 'redis://x', key: KEY, previousKey: KEY }).problems).toEqual([
      'fleet.previousKey is the same as fleet.key: during a rotation it holds the key being replaced (INFISICAL_FLEET_PREVIOUS_KEY); remove it once every instance runs the new key',
    ]);
    expect(read({ redisUrl: 'redis://x', previousKey: PREVIOUS }).problems).toEqual([REQUIRED]);
  });
});
