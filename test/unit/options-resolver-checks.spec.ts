import { describe, expect, it } from '@jest/globals';
import { InfisicalOptionsError } from '../../src/infisical/errors/options.error.js';
import type { InfisicalModuleOptions } from '../../src/infisical/interfaces/infisical-module-options.interface.js';
import { resolveInfisicalOptions } from '../../src/infisical/options/options.resolver.js';

const CLIENT_SECRET = 'client-secret-of-the-machine-identity';
const valid = {
  projectId: '6f0c1a52-1111-4222-8333-444455556666',
  environment: 'dev',
  auth: { universalAuth: { clientId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', clientSecret: CLIENT_SECRET } },
};
const withToken = { ...valid, auth: { token: { accessToken: 'an-identity-access-token' } } };
const KEY = 'k'.repeat(32);

/** The `option: problem` lines of the error the options raise (fails the test when they are accepted). */
function problemsOf(options: unknown): string[] {
  try {
    resolveInfisicalOptions(options as InfisicalModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InfisicalOptionsError);
    return (error as InfisicalOptionsError).problems.map((p) => `${p.option}: ${p.problem}`);
  }
  throw new Error('expected the options to be rejected');
}

const resolve = (options: Record<string, unknown>) => resolveInfisicalOptions(options as InfisicalModuleOptions);

describe('resolveInfisicalOptions: the options object itself', () => {
  it.each([
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['an array', [valid], 'a value of type array'],
    ['a string', 'secret-text', 'a string of 11 characters'],
  ])('refuses %s as the options, never printing it', (_name, value, described) => {
    const [problem, ...rest] = problemsOf(value);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^options: must be an object \(got /);
    expect(problem).toContain(described);
    expect(problem).toContain('InfisicalModule.forRoot({ … })');
    expect(problem).not.toContain('secret-text');
  });

  it('names a forRoot setting returned by the factory (isGlobal, credentials, …) as one to pass beside useFactory', () => {
    const problems = problemsOf({ ...valid, isGlobal: true, credentials: [] });
    expect(problems).toEqual([
      expect.stringMatching(/^isGlobal: is a setting of InfisicalModule\.forRoot \/ forRootAsync itself, not an option: pass it beside useFactory \(forRootAsync\(\{ isGlobal: …, useFactory \}\)\)/),
      expect.stringMatching(/^credentials: is a setting of InfisicalModule\.forRoot/),
    ]);
  });

  it('names an unknown option, cut to 80 characters', () => {
    const long = `x${'y'.repeat(100)}`;
    expect(problemsOf({ ...valid, [long]: 1 })).toEqual([`${long.slice(0, 80)}: is not an option of InfisicalModule (check the spelling)`]);
  });
});

describe('resolveInfisicalOptions: schema, key lists, fetch', () => {
  it('accepts a class or a Standard Schema as the schema, as it is', () => {
    class Schema {}
    const standard = { '~standard': { version: 1, vendor: 'x', validate: () => ({ value: {} }) } };
    expect(resolve({ ...valid, schema: Schema }).schema).toBe(Schema);
    expect(resolve({ ...valid, schema: standard }).schema).toBe(standard);
    expect(resolve(valid).schema).toBeUndefined();
  });

  it.each([
    ['an arrow function', () => ({})],
    ['a plain object', { shape: {} }],
    ['an object whose ~standard has no validate', { '~standard': { version: 1 } }],
    ['null', null],
  ])('refuses %s as the schema', (_name, schema) => {
    expect(problemsOf({ ...valid, schema })).toEqual([expect.stringMatching(/^schema: must be a class decorated with class-validator rules or a Standard Schema/)]);
  });

  it('reads requiredKeys and mirrorToProcessEnv as distinct key names (empty by default)', () => {
    const resolved = resolve({ ...valid, requiredKeys: ['A', 'B', 'A'], mirrorToProcessEnv: ['DB_URL'] });
    expect(resolved.requiredKeys).toEqual(['A', 'B']);
    expect(resolved.mirrorToProcessEnv).toEqual(['DB_URL']);
    expect(resolve(valid).mirrorToProcessEnv).toEqual([]);
  });

  it.each([
    ['not an array', 'A,B'],
    ['an empty name', ['A', '']],
    ['a blank name', ['   ']],
    ['a name with surrounding whitespace', [' A']],
    ['a name that is not a string', ['A', 3]],
  ])('refuses a key list that is %s', (_name, value) => {
    const message = 'must be an array of key names (non-empty strings without surrounding whitespace)';
    expect(problemsOf({ ...valid, requiredKeys: value, mirrorToProcessEnv: value })).toEqual([`requiredKeys: ${message}`, `mirrorToProcessEnv: ${message}`]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s in a key list', (key) => {
    expect(problemsOf({ ...valid, requiredKeys: ['A', key] })).toEqual([expect.stringMatching(/^requiredKeys: cannot list __proto__, constructor or prototype/)]);
  });

  it('takes a fetch function and refuses anything else', () => {
    const fetchFn = (() => undefined) as unknown as typeof fetch;
    expect(resolve({ ...valid, fetch: fetchFn }).fetch).toBe(fetchFn);
    expect(resolve(valid).fetch).toBeUndefined();
    expect(problemsOf({ ...valid, fetch: 'node-fetch' })).toEqual(['fetch: must be a fetch function (got "node-fetch")']);
  });
});

describe('resolveInfisicalOptions: persistent cache', () => {
  it('refuses a persistentCache that is not an object', () => {
    expect(problemsOf({ ...valid, persistentCache: '/tmp/cache' })).toEqual(['persistentCache: must be { path, key? } (got "/tmp/cache")']);
    expect(problemsOf({ ...valid, persistentCache: null })).toEqual(['persistentCache: must be { path, key? } (got null)']);
  });

  it('needs a path', () => {
    expect(problemsOf({ ...valid, persistentCache: { key: KEY } })).toEqual([expect.stringMatching(/^persistentCache\.path: /)]);
  });

  it('takes a key of 32 characters or more, and refuses a key that is not a string', () => {
    expect(resolve({ ...valid, persistentCache: { path: '/tmp/c', key: KEY } }).persistentCache).toEqual({ path: '/tmp/c', key: KEY });
    expect(problemsOf({ ...valid, persistentCache: { path: '/tmp/c', key: 'k'.repeat(31) } })).toEqual([
      'persistentCache.key: must be a string of at least 32 characters (or omitted to derive the key from the client secret)',
    ]);
    expect(problemsOf({ ...valid, persistentCache: { path: '/tmp/c', key: 12345678901234567890123456789012 } })).toHaveLength(1);
  });

  it('needs a key with a login method that has no client secret to derive it from', () => {
    expect(problemsOf({ ...withToken, persistentCache: { path: '/tmp/c' } })).toEqual([
      expect.stringMatching(/^persistentCache\.key: is required with this login method .*INFISICAL_CACHE_KEY/),
    ]);
    expect(resolve({ ...withToken, persistentCache: { path: '/tmp/c', key: KEY } }).persistentCache).toEqual({ path: '/tmp/c', key: KEY });
  });

  it('reports only the missing auth, not a missing key, when there is no auth at all', () => {
    const { auth: _auth, ...noAuth } = valid;
    expect(problemsOf({ ...noAuth, persistentCache: { path: '/tmp/c' } }).map((p) => p.split(':')[0])).toEqual(['auth']);
  });
});

describe('resolveInfisicalOptions: the other settings', () => {
  it('has no auth when disabled, whatever auth says', () => {
    expect(resolve({ ...valid, enabled: false }).auth).toBeUndefined();
    expect(resolve(valid).auth).toEqual({ method: 'universal-auth', clientId: valid.auth.universalAuth.clientId, clientSecret: CLIENT_SECRET });
  });

  it('reads the booleans and bounded integers, with their defaults', () => {
    expect(resolve(valid)).toMatchObject({ healthMaxKeys: 500, revokeTokenOnShutdown: false, expandSecretReferences: true, webhook: undefined, fleet: undefined });
    const resolved = resolve({ ...valid, healthMaxKeys: 0, revokeTokenOnShutdown: true, expandSecretReferences: false, maxStaleSeconds: 0, requestTimeoutMs: 1, startupTimeoutMs: 600_000 });
    expect(resolved).toMatchObject({ healthMaxKeys: 0, revokeTokenOnShutdown: true, expandSecretReferences: false, maxStaleSeconds: 0, requestTimeoutMs: 1, startupTimeoutMs: 600_000 });
    expect(resolve({ ...valid, healthMaxKeys: 100_000, maxStaleSeconds: 31_536_000 })).toMatchObject({ healthMaxKeys: 100_000, maxStaleSeconds: 31_536_000 });
  });

  it.each([
    ['healthMaxKeys', 100_001],
    ['healthMaxKeys', -1],
    ['maxStaleSeconds', 31_536_001],
    ['requestTimeoutMs', 0],
    ['requestTimeoutMs', 600_001],
    ['startupTimeoutMs', 600_001],
  ])('refuses %s = %p', (option, value) => {
    expect(problemsOf({ ...valid, [option]: value })).toEqual([expect.stringMatching(new RegExp(`^${option}: must be an integer`))]);
  });

  it('resolves the webhook and fleet options through their readers', () => {
    const resolved = resolve({ ...valid, webhook: { secret: 'whk-secret' }, fleet: { redisUrl: 'redis://10.0.0.3:6379', key: KEY } });
    expect(resolved.webhook).toEqual({ path: '/webhooks/infisical', secret: 'whk-secret' });
    expect(resolved.fleet).toEqual({ redisUrl: 'redis://10.0.0.3:6379', key: KEY, previousKey: undefined, keyPrefix: 'nestjs-infisical' });
  });

  it('a fleet without its own key is refused with every login method, never keyed by the client secret', () => {
    const missing = expect.stringMatching(/^fleet\.key: is required whenever the fleet is on, with every login method: .*INFISICAL_FLEET_KEY/);
    expect(problemsOf({ ...valid, fleet: { redisUrl: 'redis://10.0.0.3:6379' } })).toEqual([missing]);
    expect(problemsOf({ ...withToken, fleet: { redisUrl: 'redis://10.0.0.3:6379' } })).toEqual([missing]);
    expect(problemsOf({ ...valid, fleet: { redisUrl: 'redis://10.0.0.3:6379', key: CLIENT_SECRET } })).toEqual([expect.stringMatching(/^fleet\.key: must not be a login setting/)]);
  });

  it('refuses a fleet without a cache TTL (the fleet shares one read per TTL window)', () => {
    expect(problemsOf({ ...valid, cacheTtlSeconds: 0, fleet: { redisUrl: 'redis://10.0.0.3:6379', key: KEY } })).toEqual([
      'fleet: needs cacheTtlSeconds > 0 (the fleet shares one read per TTL window)',
    ]);
    expect(resolve({ ...valid, cacheTtlSeconds: 0 }).cacheTtlSeconds).toBe(0);
  });
});
