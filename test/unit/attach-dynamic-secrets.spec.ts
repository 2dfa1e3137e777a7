/**
 * The leases of the `dynamicSecrets` option as the assembly builds them: one project-slug lookup and one create per
 * dynamic secret at start-up, within what is left of the start-up deadline; every lease event counted, credentials
 * masked, problems logged under the dynamic secret's name.
 */
import { describe, expect, it } from '@jest/globals';
import { createDynamicSecretLeases, startDynamicSecretLeases, type DynamicSecretsContext } from '../../src/infisical/assembly/attach-dynamic-secrets.js';
import type { ResolvedDynamicSecret } from '../../src/infisical/interfaces/dynamic-secret-options.interface.js';
import { failureOf, flushEventLoop } from '../support/deferred.js';
import { FakeLeaseApi } from '../support/fakes/dynamic-secrets-api.fake.js';
import { failures } from '../support/fakes/infisical-errors.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const S = 1000;
const secret = (name: string): ResolvedDynamicSecret => ({ name, environment: 'dev', path: '/', ttl: undefined, drainMs: 5 * S });

function setup(names = ['postgres-app', 'redis-cache']) {
  const clock = new ManualClock();
  const fake = new FakeLeaseApi(clock, { defaultTtlSeconds: 60, maxTtlSeconds: 180 });
  const calls: string[] = [];
  const masked: string[] = [];
  const warnings: string[] = [];
  const context: DynamicSecretsContext = {
    options: { dynamicSecrets: names.map(secret), siteUrl: 'https://i.test', sources: [{ siteUrl: 'https://i.test', projectId: 'p-1', environment: 'dev', secretPath: '/', recursive: false, includeImports: true }], startupTimeoutMs: 5 * S },
    api: {
      projectSlug: async () => (calls.push('slug'), 'shop'),
      createLease: (_token, at, _ttl, signal) => (calls.push(`create ${at.name} in ${at.projectSlug}`), fake.api.create(signal)),
      renewLease: (_token, at, leaseId, _ttl, signal) => (calls.push(`renew ${at.name}`), fake.api.renew(leaseId, signal)),
      revokeLease: (_token, at, leaseId, signal) => (calls.push(`revoke ${at.name}`), fake.api.revoke(leaseId, signal)),
    },
    session: { withToken: (_signal, call) => call('token') },
    clock,
    metrics: { lease: (name, event, error) => void calls.push(`metric ${name} ${event}${error ? ` ${(error as { code: string }).code}` : ''}`) },
    redactor: { add: (group, ...values) => void masked.push(...(values as string[]).map((v) => `${group}:${v}`)) },
    logger: { warn: (message) => void warnings.push(message) },
    random: () => 1,
  };
  return { clock, fake, calls, masked, warnings, context, tick: (ms: number) => clock.advanceAsync(ms, flushEventLoop) };
}

describe('createDynamicSecretLeases / startDynamicSecretLeases', () => {
  it('builds nothing without dynamic secrets', () => {
    expect(createDynamicSecretLeases(setup([]).context)).toBeUndefined();
  });

  it('starts with one slug lookup and one create per dynamic secret; counts, masks and revokes', async () => {
    const { context, calls, masked, warnings, clock, tick } = setup();
    const leases = createDynamicSecretLeases(context)!;
    await startDynamicSecretLeases(leases, context, clock.now());
    expect(calls.filter((c) => !c.startsWith('metric'))).toEqual(['slug', 'create postgres-app in shop', 'create redis-cache in shop']);
    expect(calls.filter((c) => c.startsWith('metric'))).toEqual(['metric postgres-app created', 'metric redis-cache created']);
    expect(masked).toEqual(expect.arrayContaining(['credentials:lease_user_1', 'credentials:lease-password-1-s3cr3t', 'credentials:lease_user_2', 'credentials:lease-password-2-s3cr3t']));
    expect(clock.pending.filter((ms) => ms <= 5 * S)).toEqual([]); // the deadline timer is gone once started
    expect(leases.handle('postgres-app').leaseId).toBe('lease-1');
    leases.handle('postgres-app').onRotate(() => {
      throw new Error('listener broke');
    });
    await leases.handle('postgres-app').forceRefresh();
    expect(warnings).toEqual([expect.stringMatching(/^Dynamic secret "postgres-app": An onRotate listener of dynamic secret "postgres-app" failed: .*listener broke/)]);
    calls.length = 0;
    await tick(40 * S);
    expect(calls).toEqual(expect.arrayContaining(['renew postgres-app', 'metric postgres-app renewed', 'metric redis-cache renewed']));
    calls.length = 0;
    await leases.stop();
    expect(calls.sort()).toEqual(['metric postgres-app revoked', 'metric redis-cache revoked', 'revoke postgres-app', 'revoke redis-cache']);
  });

  it('fails start-up at what is left of the deadline with the last failure, counted by its code', async () => {
    const { context, calls, fake, clock, tick } = setup(['postgres-app']);
    fake.onCreate = async () => {
      throw failures.network();
    };
    const leases = createDynamicSecretLeases(context)!;
    const startedAt = clock.now() - 2 * S; // 2 s of the 5 s deadline already spent on the secrets
    let settled = false;
    const outcome = failureOf(startDynamicSecretLeases(leases, context, startedAt).finally(() => (settled = true)));
    await tick(3 * S - 100);
    expect(settled).toBe(false);
    await tick(200);
    expect(settled).toBe(true);
    const error = (await outcome) as Error & { code: string };
    expect(error.code).toBe('INFISICAL_UNREACHABLE');
    expect(calls).toContain('metric postgres-app failed INFISICAL_UNREACHABLE');
    expect(clock.pending).toEqual([]);
  });

  it('a failure that needs a human fails start-up at once, without waiting for the deadline', async () => {
    const { context, fake, clock } = setup(['postgres-app']);
    fake.onCreate = async () => {
      throw failures.refused();
    };
    const error = await failureOf(startDynamicSecretLeases(createDynamicSecretLeases(context)!, context, clock.now()));
    expect((error as { code: string }).code).toBe('INFISICAL_REQUEST_FAILED');
  });
});
