/**
 * What application code holds of a dynamic secret: the handle over a running lease lifecycle (credentials, lease ID,
 * expiry, hand-over events, forced refresh, printing without credentials), and how each lease call is bound to its
 * address, TTL, the project slug (looked up once) and the access-token session.
 */
import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import type { DynamicSecretsApi } from '../../src/infisical/api/dynamic-secrets.api.js';
import { DynamicSecretHandle } from '../../src/infisical/leases/dynamic-secret.handle.js';
import { bindLeaseApi, projectSlugOnce } from '../../src/infisical/leases/lease-api.binding.js';
import { Deferred, failureOf } from '../support/deferred.js';
import { credentialsOf } from '../support/fakes/dynamic-secrets-api.fake.js';
import { failures } from '../support/fakes/infisical-errors.fake.js';
import { leaseHarness, unavailable } from '../support/lease-harness.js';

const S = 1000;

describe('DynamicSecretHandle', () => {
  async function started() {
    const harness = leaseHarness();
    await harness.start();
    return { ...harness, handle: new DynamicSecretHandle(harness.lifecycle) };
  }

  it('reads the current lease at every access', async () => {
    const { handle, until, t0 } = await started();
    expect(handle.name).toBe('postgres-app');
    expect(handle.leaseId).toBe('lease-1');
    expect(handle.expiresAt).toEqual(new Date(t0 + 60 * S));
    expect(handle.credentials.username).toBe('lease_user_1');
    expect(handle.credentials.password).toBe(credentialsOf(1).DB_PASSWORD);
    expect(handle.lease).toMatchObject({ leaseId: 'lease-1', expireAt: t0 + 60 * S });
    expect(handle.status).toMatchObject({ name: 'postgres-app', state: 'active', leaseId: 'lease-1' });
    await until(151.2);
    expect(handle.leaseId).toBe('lease-2');
    expect(handle.credentials.username).toBe('lease_user_2');
  });

  it('calls onRotate listeners with the handle after a hand-over, until unsubscribed', async () => {
    const { handle, until } = await started();
    const seen: string[] = [];
    const unsubscribe = handle.onRotate((h) => {
      expect(h).toBe(handle);
      seen.push(h.leaseId);
    });
    await until(151.2);
    expect(seen).toEqual(['lease-2']);
    unsubscribe();
    await handle.forceRefresh();
    expect(seen).toEqual(['lease-2']);
    expect(handle.leaseId).toBe('lease-3');
  });

  it('forces a new lease and resolves with it', async () => {
    const { handle, fake } = await started();
    const lease = await handle.forceRefresh();
    expect(lease.leaseId).toBe('lease-2');
    expect(handle.leaseId).toBe('lease-2');
    expect(fake.log).toEqual(['create', 'create']);
  });

  it('throws instead of handing out an expired lease, through every accessor', async () => {
    const { handle, fake, until } = await started();
    fake.onRenew = async () => {
      throw failures.network();
    };
    fake.onCreate = async () => {
      throw failures.network();
    };
    await until(60);
    for (const read of [() => handle.credentials, () => handle.leaseId, () => handle.expiresAt, () => handle.lease]) {
      expect(unavailable(read).reason).toBe('expired');
    }
    expect(handle.status.state).toBe('expired');
    expect(String(handle)).toContain('DynamicSecretHandle(postgres-app) { expired, lease lease-1, expires ');
  });

  it('prints name, state, lease ID and expiry, never a credential', async () => {
    const { handle, t0 } = await started();
    const expires = new Date(t0 + 60 * S).toISOString();
    expect(String(handle)).toBe(`DynamicSecretHandle(postgres-app) { active, lease lease-1, expires ${expires}, credentials: [REDACTED] }`);
    expect(inspect(handle)).toBe(String(handle));
    expect(JSON.parse(JSON.stringify(handle))).toEqual({ name: 'postgres-app', state: 'active', leaseId: 'lease-1', expireAt: expires, credentials: '[REDACTED]' });
    const everything = [String(handle), inspect(handle), JSON.stringify(handle), inspect(handle.lease), JSON.stringify(handle.lease), inspect({ handle }, { depth: 9 })].join('\n');
    expect(everything).not.toContain(credentialsOf(1).DB_PASSWORD);
    expect(everything).not.toContain(credentialsOf(1).DB_USERNAME);
  });

  it('prints a handle without a lease yet', () => {
    const { lifecycle } = leaseHarness();
    const handle = new DynamicSecretHandle(lifecycle);
    expect(String(handle)).toBe('DynamicSecretHandle(postgres-app) { starting, credentials: [REDACTED] }');
    expect(handle.toJSON()).toEqual({ name: 'postgres-app', state: 'starting', leaseId: undefined, expireAt: undefined, credentials: '[REDACTED]' });
    expect(unavailable(() => handle.credentials).reason).toBe('not-started');
  });
});

describe('bindLeaseApi and projectSlugOnce', () => {
  const TARGET = { siteUrl: 'https://i.test', projectId: 'p-1', environment: 'prod', secretPath: '/db' };

  function bound(ttl: string | undefined) {
    const calls: unknown[][] = [];
    const api = {
      createLease: async (...args: unknown[]) => void calls.push(['create', ...args]),
      renewLease: async (...args: unknown[]) => void calls.push(['renew', ...args]),
      revokeLease: async (...args: unknown[]) => void calls.push(['revoke', ...args]),
    } as unknown as Pick<DynamicSecretsApi, 'createLease' | 'renewLease' | 'revokeLease'>;
    const tokens: AbortSignal[] = [];
    const session = {
      withToken: <T>(signal: AbortSignal, call: (token: string) => Promise<T>) => {
        tokens.push(signal);
        return call('tok-9');
      },
    };
    const leaseApi = bindLeaseApi({ api, session, projectSlug: async () => 'shop', target: TARGET, name: 'postgres-app', ttl });
    return { leaseApi, calls, tokens };
  }

  it('sends each call with a token, the address and the configured ttl', async () => {
    const { leaseApi, calls, tokens } = bound('10m');
    const signal = new AbortController().signal;
    await leaseApi.create(signal);
    await leaseApi.renew('lease-1', signal);
    await leaseApi.revoke('lease-1', signal);
    const address = { name: 'postgres-app', projectSlug: 'shop', target: TARGET };
    expect(calls).toEqual([
      ['create', 'tok-9', address, '10m', signal],
      ['renew', 'tok-9', address, 'lease-1', '10m', signal],
      ['revoke', 'tok-9', address, 'lease-1', signal],
    ]);
    expect(tokens).toEqual([signal, signal, signal]);
  });

  it('sends no ttl when none is configured', async () => {
    const { leaseApi, calls } = bound(undefined);
    await leaseApi.create(new AbortController().signal);
    expect(calls[0]![3]).toBeUndefined();
  });

  it('looks the slug up once for concurrent and later callers, and again after a failure', async () => {
    const lookups: Array<Deferred<string>> = [];
    const slug = projectSlugOnce(() => {
      const lookup = new Deferred<string>();
      lookups.push(lookup);
      return lookup.promise;
    });
    const signal = new AbortController().signal;
    const first = slug(signal);
    const second = slug(signal);
    expect(lookups).toHaveLength(1);
    lookups[0]!.reject(new Error('down'));
    expect((await failureOf<Error>(first)).message).toBe('down');
    expect((await failureOf<Error>(second)).message).toBe('down');
    const third = slug(signal);
    expect(lookups).toHaveLength(2);
    lookups[1]!.resolve('shop');
    expect(await third).toBe('shop');
    expect(await slug(signal)).toBe('shop');
    expect(lookups).toHaveLength(2);
  });
});
