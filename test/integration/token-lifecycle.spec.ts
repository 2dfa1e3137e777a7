import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { APP_SHORT_TTL, createAppSeed } from '../support/fixtures/app-seed.js';
import { ALL_CREDENTIALS, optionsFor, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { ManualClock } from '../support/manual-clock.js';

const LIST = '/api/v3/secrets/raw';
const LOGIN = '/api/v1/auth/universal-auth/login';
const RENEW = '/api/v1/auth/token/renew';

describe('access token lifecycle (identity with token TTL 60 s, max TTL 120 s)', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: TestApp;

  beforeEach(async () => {
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
  });
  afterEach(async () => {
    await app.close();
    await server.close();
  });

  it('renews before expiry and logs in again before the max TTL runs out: no request is ever refused', async () => {
    app = await startInfisicalApp({ options: optionsFor(server, APP_SHORT_TTL, 'dev', { cacheTtlSeconds: 10 }), credentials: ALL_CREDENTIALS, clock });
    await clock.advanceAsync(10 * 60 * 1000, () => app.store.whenSettled());

    const statuses = server.requests.map((r) => r.status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(server.requestsTo(RENEW).length).toBeGreaterThanOrEqual(5);
    expect(server.requestsTo(LOGIN).length).toBeGreaterThanOrEqual(5); // every 120 s at the latest
    expect(server.requestsTo(LOGIN).length).toBeLessThanOrEqual(11);
    expect(server.requestsTo(LIST).length).toBeGreaterThanOrEqual(55);
    expect(app.store.status()).toMatchObject({ state: 'up', consecutiveFailures: 0 });
  });

  it('logs in again instead of renewing when the cache TTL is longer than the token TTL', async () => {
    app = await startInfisicalApp({ options: optionsFor(server, APP_SHORT_TTL, 'dev', { cacheTtlSeconds: 300 }), credentials: ALL_CREDENTIALS, clock });
    await clock.advanceAsync(10 * 60 * 1000, () => app.store.whenSettled());
    const lists = server.requestsTo(LIST);
    expect(lists.every((r) => r.status === 200)).toBe(true);
    // one fresh login per refresh, never a list with a dead token
    expect(server.requestsTo(LOGIN).length).toBe(lists.length);
    expect(server.requestsTo(RENEW)).toHaveLength(0);
  });

  it('with a server that renews in place (same JWT, expiry unchanged), logs in again before the token expires', async () => {
    server.setRenewInPlace(true);
    app = await startInfisicalApp({ options: optionsFor(server, APP_SHORT_TTL, 'dev', { cacheTtlSeconds: 10 }), credentials: ALL_CREDENTIALS, clock });
    await clock.advanceAsync(5 * 60 * 1000, () => app.store.whenSettled());
    const renewals = server.requestsTo(RENEW);
    expect(renewals.length).toBeGreaterThanOrEqual(1);
    // a renewal that did not extend the token is not repeated: the next step is a fresh login
    expect(server.requests.map((r) => r.status).every((s) => s === 200)).toBe(true);
    expect(server.requestsTo(LOGIN).length).toBeGreaterThanOrEqual(4);
    expect(renewals.length).toBeLessThanOrEqual(server.requestsTo(LOGIN).length);
  });
});
