import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { GeminiCredentials, InfisicalHealthIndicator } from '../../src/infisical/index.js';
import { AppEnvironment } from '../../src/config/app-environment.js';
import { APP_DEV, appSeedSecrets, createAppSeed } from '../support/fixtures/app-seed.js';
import { ALL_CREDENTIALS, optionsFor, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import {
  BACKOFF_CAP_MS,
  faultScenarios,
  LIST,
  MALFORMED_GEMINI_KEY,
  onList,
  original,
  REQUEST_TIMEOUT_MS,
  TTL,
  TTL_MS,
} from '../support/fault-scenarios.js';
import { findLeaks } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';
import { waitFor } from '../support/wait-for.js';

const LOGIN = '/api/v1/auth/universal-auth/login';

describe('mid-run faults: the last good values keep being served, health degrades, recovery is automatic', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: TestApp;

  beforeEach(async () => {
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    app = await startInfisicalApp({
      options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: TTL, requestTimeoutMs: REQUEST_TIMEOUT_MS, schema: AppEnvironment }),
      credentials: ALL_CREDENTIALS,
      clock,
    });
  });
  afterEach(async () => {
    await app.close();
    await server.close();
  });

  async function advance(ms: number) {
    await clock.advanceAsync(ms, () => app.store.whenSettled());
  }

  function health() {
    return app.app.get(InfisicalHealthIndicator).isHealthy().infisical;
  }

  it.each(faultScenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const gemini = app.app.get(GeminiCredentials);
    scenario.breakIt(server);
    const listsBefore = server.requestsTo(LIST).length;
    if (scenario.hangs) {
      clock.advance(TTL_MS * 1.1 + 1);
      await waitFor(() => server.requestsTo(LIST).length > listsBefore, 'the refresh to reach the server');
      clock.advance(REQUEST_TIMEOUT_MS); // the module's own attempt timeout, whatever the SDK would wait
      await app.store.whenSettled();
    } else {
      // no refresh is due before 0.9 × TTL; then step finely, stopping at the first failed attempt
      await advance(TTL_MS * 0.9 - 1);
      for (let waited = 0; app.store.status().consecutiveFailures === 0 && waited <= TTL_MS * 0.2 + 100; waited += 50) await advance(50);
    }

    // stale-on-error: the last good values, health degraded with the snapshot's age
    expect(gemini.apiKey).toBe(original.GEMINI_API_KEY);
    expect(app.config.get('GEMINI_API_KEY')).toBe(original.GEMINI_API_KEY);
    const degraded = health();
    expect(degraded).toMatchObject({ status: 'degraded', source: 'infisical', stale: true, consecutiveFailures: 1 });
    expect(degraded.snapshotAgeSeconds).toBeGreaterThanOrEqual(TTL * 0.9);
    expect(degraded.lastError).toMatch(scenario.error);
    // the same failure is logged once, not once per attempt
    expect(app.logs.find('warn', /Infisical refresh (failed|was rejected)/)).toHaveLength(1);

    // no hammering: nothing more is sent before a long back-off is due
    if (scenario.retryWithinMs > 32_000) {
      const attempts = server.requests.length;
      await advance(scenario.retryWithinMs * 0.05);
      expect(server.requests.length).toBe(attempts);
    }

    scenario.mend(server);
    await advance(scenario.retryWithinMs);
    expect(health()).toMatchObject({ status: 'up', consecutiveFailures: 0, stale: false });
    expect(health().lastError).toBeUndefined();
    expect(gemini.apiKey).toBe(original.GEMINI_API_KEY);
    expect(app.logs.find('log', /recovered after \d+ failed attempt/)).toHaveLength(1);

    const everything = `${app.logs.text}\n${JSON.stringify(health())}\n${inspect(app.store)}\n${JSON.stringify(app.store)}`;
    expect(findLeaks(everything, [...appSeedSecrets(), MALFORMED_GEMINI_KEY, ...server.issuedAccessTokens()])).toEqual([]);
  });

  it('a revoked client secret is reported once and not retried in a loop', async () => {
    server.revokeClientSecret(APP_DEV.clientId);
    await advance(TTL_MS * 1.1 + 1);
    const logins = () => server.requestsTo(LOGIN).length;
    expect(logins()).toBe(2); // bootstrap + the one re-login after the 401
    for (let i = 0; i < 5; i++) await advance(BACKOFF_CAP_MS - 1000);
    // one attempt per 5-minute cap, not a loop; the same failure is logged once
    expect(logins()).toBeLessThanOrEqual(2 + 5);
    expect(logins()).toBeGreaterThanOrEqual(2 + 4);
    expect(app.logs.find('warn', 'InfisicalAuthenticationError')).toHaveLength(1);
    expect(health().status).toBe('degraded');
  });

  it('an expired token (403 TokenError) leads to one fresh login and the refresh succeeds', async () => {
    server.advanceTime(31 * 24 * 3600 * 1000); // the server's clock passes the 30-day token TTL
    await advance(TTL_MS * 1.1 + 1);
    const tail = server.requests.slice(-3).map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(tail).toEqual([`GET ${LIST} 403`, `POST ${LOGIN} 200`, `GET ${LIST} 200`]);
    expect(health()).toMatchObject({ status: 'up', consecutiveFailures: 0 });
  });

  it('a revoked token (401) leads to one fresh login and the refresh succeeds', async () => {
    server.revokeIdentityTokens(APP_DEV.id);
    await advance(TTL_MS * 1.1 + 1);
    const tail = server.requests.slice(-3).map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(tail).toEqual([`GET ${LIST} 401`, `POST ${LOGIN} 200`, `GET ${LIST} 200`]);
    // the fresh login carried no stale Bearer header: it answered 200, not 403
    expect(health().status).toBe('up');
  });

  it('Infisical down and back up on the same address', async () => {
    const port = server.port;
    await server.close();
    await advance(TTL_MS * 1.1 + 1);
    expect(health()).toMatchObject({ status: 'degraded' });
    expect(health().lastError).toMatch(/connection refused \(ECONNREFUSED\)|connection closed by the server/);
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now, port });
    await advance(32_000);
    expect(health()).toMatchObject({ status: 'up', consecutiveFailures: 0 });
    expect(app.app.get(GeminiCredentials).apiKey).toBe(original.GEMINI_API_KEY);
  });

  it('reports down past maxStaleSeconds while still serving the values', async () => {
    await app.close();
    app = await startInfisicalApp({
      options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: TTL, maxStaleSeconds: 600 }),
      credentials: ALL_CREDENTIALS,
      clock,
    });
    server.injectFault({ kind: 'status', status: 503, ...onList });
    await advance(TTL_MS * 1.1 + 1);
    expect(health().status).toBe('degraded');
    for (let i = 0; i < 4; i++) await advance(BACKOFF_CAP_MS / 2);
    expect(health()).toMatchObject({ status: 'down', stale: true });
    expect(health().snapshotAgeSeconds).toBeGreaterThan(600);
    expect(app.app.get(GeminiCredentials).apiKey).toBe(original.GEMINI_API_KEY);
  });
});
