/**
 * One merge model in a real application against the local server: a key that code requires (forFeature, a
 * namespace), absent in Infisical but set by the operator, boots; the process.env mirror never reads its own writes
 * back as the operator's value.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InfisicalModule, registerSecretsAs, type SecretRef } from '../../src/infisical/index.js';
import { getSecretToken } from '../../src/infisical/infisical.decorators.js';
import { APP_DEV, APP_PROJECT_ID, createAppSeed } from '../support/fixtures/app-seed.js';
import { optionsFor, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { ManualClock } from '../support/manual-clock.js';

const TTL = 60;
const KEY = 'MERGE_STRIPE_API_KEY';
const payments = registerSecretsAs('payments', (secrets) => ({ apiKey: secrets[KEY] as string }));

describe('one merge model in a Nest application', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: TestApp | undefined;
  const refresh = () => clock.advanceAsync(TTL * 1000 * 1.1 + 1, () => app!.store.whenSettled());
  const start = (overrides: Parameters<typeof optionsFor>[3], feature: Parameters<typeof InfisicalModule.forFeature>[0] = { secrets: [KEY] }) =>
    startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: TTL, ...overrides }), clock, imports: [InfisicalModule.forFeature(feature)] });

  beforeEach(async () => {
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    delete process.env[KEY];
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server.close();
    delete process.env[KEY];
  });

  it('item 1: a forFeature key absent in Infisical but set in the process environment boots, as refresh accepts it', async () => {
    process.env[KEY] = 'sk_test_operator';
    app = await start({});
    const ref = app.app.get<SecretRef>(getSecretToken(KEY));
    expect(ref.value).toBe('sk_test_operator');
    expect(app.config.get(KEY)).toBe('sk_test_operator');
    expect(app.store.status().keys[KEY]).toEqual(expect.objectContaining({ source: 'env' }));
    await refresh();
    expect(ref.value).toBe('sk_test_operator');
    expect(app.store.status().state).toBe('up');
  });

  it('item 1: a registerSecretsAs namespace reading a key set only in the process environment boots', async () => {
    process.env[KEY] = 'sk_test_operator';
    app = await start({}, { namespaces: [payments] });
    expect(app.app.get(payments.KEY)).toEqual({ apiKey: 'sk_test_operator' });
  });

  it('item 2: deleting a mirrored key in Infisical brings back the operator value in every view', async () => {
    process.env[KEY] = 'sk_test_operator';
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: KEY, value: 'sk_test_infisical' });
    app = await start({ mirrorToProcessEnv: [KEY] });
    const ref = app.app.get<SecretRef>(getSecretToken(KEY));
    expect(process.env[KEY]).toBe('sk_test_infisical');

    server.deleteSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: KEY });
    await refresh();
    expect(ref.value).toBe('sk_test_operator');
    expect(app.store.get(KEY)).toBe('sk_test_operator');
    expect(app.config.get(KEY)).toBe('sk_test_operator');
    expect(process.env[KEY]).toBe('sk_test_operator');
    expect(app.store.status().keys[KEY]).toEqual(expect.objectContaining({ source: 'env' }));
    expect(app.store.status().state).toBe('up');
  });

  it('item 2: with no operator value, deleting a required mirrored key is rejected: last good kept, degraded, key named', async () => {
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: KEY, value: 'sk_test_infisical' });
    app = await start({ mirrorToProcessEnv: [KEY] });
    const ref = app.app.get<SecretRef>(getSecretToken(KEY));
    server.deleteSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: KEY });
    await refresh();
    expect(ref.value).toBe('sk_test_infisical');
    expect(app.config.get(KEY)).toBe('sk_test_infisical');
    expect(process.env[KEY]).toBe('sk_test_infisical');
    expect(app.store.status().state).toBe('degraded');
    expect(app.logs.text).toContain(KEY);
    await app.close();
    app = undefined;
    expect(process.env[KEY]).toBeUndefined();
  });
});
