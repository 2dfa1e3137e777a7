/** The fleet option on its own: what it resolves to, where the snapshot key comes from, and what each refusal says. */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_FLEET_KEY_PREFIX, resolveFleet } from '../../src/infisical/options/fleet.option.js';
import { OptionReader } from '../../src/infisical/options/option-readers.js';
import type { ResolvedAuth } from '../../src/infisical/options/resolved-options.interface.js';

const UNIVERSAL: ResolvedAuth = { method: 'universal-auth', clientId: 'id', clientSecret: 'the-client-secret' };
const TOKEN: ResolvedAuth = { method: 'token', accessToken: 'a'.repeat(40) };
const KEY = 'k'.repeat(32);

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

  it('defaults: the client secret as key material, the default prefix', () => {
    expect(DEFAULT_FLEET_KEY_PREFIX).toBe('nestjs-infisical');
    expect(read({ redisUrl: 'redis://10.0.0.3:6379' })).toEqual({
      fleet: { redisUrl: 'redis://10.0.0.3:6379', key: 'the-client-secret', keyPrefix: 'nestjs-infisical' },
      problems: [],
    });
  });

  it('an explicit key and prefix win; rediss:// is accepted; any login method works with a key', () => {
    expect(read({ redisUrl: 'rediss://user:pw@redis.internal:6380/2', key: KEY, keyPrefix: 'shop' }, TOKEN)).toEqual({
      fleet: { redisUrl: 'rediss://user:pw@redis.internal:6380/2', key: KEY, keyPrefix: 'shop' },
      problems: [],
    });
  });

  it.each([
    [null, 'null'],
    [[], 'a value of type array'],
    ['redis://x', '"redis://x"'],
  ])('refuses a fleet that is not an object (%p)', (value, shown) => {
    expect(read(value)).toEqual({ fleet: undefined, problems: [`fleet must be { redisUrl, key?, keyPrefix? } (got ${shown})`] });
  });

  it('redisUrl is required, a string, and a redis:// or rediss:// URL', () => {
    expect(read({}).problems).toEqual(['fleet.redisUrl is required — a Redis URL such as redis://10.0.0.3:6379 or rediss://… (INFISICAL_REDIS_URL)']);
    expect(read({}).fleet).toBeUndefined();
    expect(read({ redisUrl: 42 }).problems).toEqual([expect.stringMatching(/^fleet\.redisUrl must be a string \(got a value of type number\)/)]);
    expect(read({ redisUrl: 'http://10.0.0.3' }).problems).toEqual(['fleet.redisUrl must start with redis:// or rediss:// (INFISICAL_REDIS_URL)']);
    expect(read({ redisUrl: 'http://proxy/redis://10.0.0.3' }).problems).toEqual(['fleet.redisUrl must start with redis:// or rediss:// (INFISICAL_REDIS_URL)']);
    expect(read({ redisUrl: ' redis://x' }).problems).toEqual([expect.stringContaining('fleet.redisUrl has leading or trailing whitespace')]);
  });

  it('the URL is read as a secret (its password is never echoed)', () => {
    expect(read({ redisUrl: ['redis://:hunter2@x'] }).problems.join()).not.toContain('hunter2');
  });

  it('keyPrefix must be a string', () => {
    const { fleet, problems } = read({ redisUrl: 'redis://x', keyPrefix: 7 });
    expect(problems).toEqual([expect.stringMatching(/^fleet\.keyPrefix must be a string \(got 7\) — a Redis key prefix$/)]);
    expect(fleet?.keyPrefix).toBe('nestjs-infisical');
  });

  it('key must be a string of at least 32 characters', () => {
    const message = 'fleet.key must be a string of at least 32 characters (or omitted to derive the key from the client secret)';
    expect(read({ redisUrl: 'redis://x', key: 'k'.repeat(31) })).toEqual({ fleet: { redisUrl: 'redis://x', key: 'k'.repeat(31), keyPrefix: 'nestjs-infisical' }, problems: [message] });
    expect(read({ redisUrl: 'redis://x', key: 12345 }).problems).toEqual([message]);
    expect(read({ redisUrl: 'redis://x', key: 12345 }).fleet?.key).toBe('the-client-secret');
    expect(read({ redisUrl: 'redis://x', key: KEY }).problems).toEqual([]);
  });

  it('without a client secret to derive from, the key is required', () => {
    const { fleet, problems } = read({ redisUrl: 'redis://x' }, TOKEN);
    expect(fleet).toBeUndefined();
    expect(problems).toEqual([
      'fleet.key is required with this login method (there is no client secret to derive the snapshot key from): set it to at least 32 random characters, the same on every instance',
    ]);
    expect(read({ redisUrl: 'redis://x', key: 12345 }, TOKEN).problems).toHaveLength(1); // the bad key is the one problem
  });

  it('with no login resolved (already reported elsewhere) nothing more is said', () => {
    expect(read({ redisUrl: 'redis://x' }, null)).toEqual({ fleet: undefined, problems: [] });
  });
});
