import { describe, expect, it } from '@jest/globals';
import { infisicalOptionsFromEnv } from '../../src/infisical/index.js';
import { fleetKeys } from '../../src/infisical/fleet/fleet-keys.js';
import { resolveInfisicalOptions } from '../../src/infisical/options/options.resolver.js';

const env = { INFISICAL_CLIENT_ID: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', INFISICAL_CLIENT_SECRET: 'client-secret', INFISICAL_PROJECT_ID: 'p1', INFISICAL_ENVIRONMENT: 'prod' };
const FLEET_KEY = 'fleet-key-from-the-secret-store-0123456789';
const binding = (environment: string) => ({ siteUrl: 'https://app.infisical.com', sources: [{ projectId: 'p1', environment, secretPath: '/' }] });

describe('fleet parts', () => {
  it('INFISICAL_REDIS_URL and INFISICAL_FLEET_KEY turn the fleet on, with the key of its own', () => {
    const options = infisicalOptionsFromEnv({ ...env, INFISICAL_REDIS_URL: 'redis://10.0.0.3:6379', INFISICAL_FLEET_KEY: FLEET_KEY });
    expect(resolveInfisicalOptions(options).fleet).toEqual({ redisUrl: 'redis://10.0.0.3:6379', key: FLEET_KEY, previousKey: undefined, keyPrefix: 'nestjs-infisical' });
    expect(resolveInfisicalOptions(infisicalOptionsFromEnv(env)).fleet).toBeUndefined();
  });

  it('names a bad URL, a short key, a TTL of 0 and a missing key with every login method', () => {
    const base = infisicalOptionsFromEnv(env);
    expect(() => resolveInfisicalOptions({ ...base, fleet: { redisUrl: 'http://x', key: FLEET_KEY } })).toThrow(/fleet\.redisUrl.*redis:\/\//);
    expect(() => resolveInfisicalOptions({ ...base, fleet: { redisUrl: 'redis://x', key: 'short' } })).toThrow(/fleet\.key.*32/);
    expect(() => resolveInfisicalOptions({ ...base, cacheTtlSeconds: 0, fleet: { redisUrl: 'redis://x', key: FLEET_KEY } })).toThrow(/fleet.*cacheTtlSeconds > 0/);
    expect(() => resolveInfisicalOptions({ ...base, fleet: { redisUrl: 'redis://x' } as never })).toThrow(/fleet\.key.*is required/);
    const token = { ...base, auth: { token: { accessToken: 'a'.repeat(40) } } };
    expect(() => resolveInfisicalOptions({ ...token, fleet: { redisUrl: 'redis://x' } as never })).toThrow(/fleet\.key.*is required/);
  });

  it('keys are per binding (site, project, environment, ordered sources) and never contain a value', () => {
    const prod = fleetKeys('p', binding('prod'));
    const dev = fleetKeys('p', binding('dev'));
    expect(prod.snapshot).not.toBe(dev.snapshot);
    expect(prod.snapshot).toMatch(/^p:[0-9a-f]{24}:snapshot$/);
    expect(prod.lease(7)).toMatch(/:lease:7$/);
    expect(fleetKeys('p', binding('prod'))).toMatchObject({ snapshot: prod.snapshot, channel: prod.channel });
  });

  it('snapshot, back-off, channel and leases share one base per prefix and binding', () => {
    const keys = fleetKeys('shop', binding('prod'));
    const base = keys.snapshot.replace(/:snapshot$/, '');
    expect(base).toMatch(/^shop:[0-9a-f]{24}$/);
    expect({ ...keys, lease: [keys.lease(0), keys.lease(29_000_000)] }).toEqual({
      snapshot: `${base}:snapshot`,
      backoff: `${base}:backoff`,
      channel: `${base}:refresh`,
      lease: [`${base}:lease:0`, `${base}:lease:29000000`],
    });
    expect(fleetKeys('other', binding('prod')).snapshot).toBe(keys.snapshot.replace(/^shop:/, 'other:'));
  });
});
