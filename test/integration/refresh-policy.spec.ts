/**
 * One refresh policy for every trigger, through a real Nest app and the local Infisical server (faults set through its
 * /__admin routes): signed webhooks during a 429 wait or while the login is refused do not hammer Infisical.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { APP_DEV, APP_PROJECT_ID, credentialValues } from '../support/fixtures/app-seed.js';
import type { TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';
import { deliver, infisicalWebhook, WEBHOOK_SECRET } from '../support/webhook-sender.js';
import { startWebhookApp } from '../support/webhook-app.js';

const LIST = '/api/v3/secrets/raw';
const LOGIN = '/api/v1/auth/universal-auth/login';
const PATH = '/webhooks/infisical';
const TTL = 300;

describe('refresh policy: signed webhooks while Infisical asks to wait or refuses the login', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: TestApp;
  let close: () => Promise<void>;
  const rotated = credentialValues('dev', '5').GEMINI_API_KEY;

  beforeEach(async () => {
    ({ clock, server, app, close } = await startWebhookApp(TTL));
  });
  afterEach(() => close());

  async function admin(method: 'POST' | 'DELETE', route: string, body: object = {}): Promise<void> {
    const response = await fetch(`${server.url}/__admin/${route}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  }
  const advance = (ms: number) => clock.advanceAsync(ms, () => app.store.whenSettled());
  const lists = () => server.requestsTo(LIST).length;
  const logins = () => server.requestsTo(LOGIN).length;

  /** 10 correctly signed `secrets.modified` deliveries, one a second. */
  async function tenWebhooks(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      expect(await deliver(app.url + PATH, infisicalWebhook(clock.now()))).toEqual({ status: 200, body: '{"received":true}' });
      await app.store.whenSettled();
      await advance(1_000);
    }
  }

  it('after a 429 asking for 120 s, 10 webhooks in 10 s send no list before the 120 s end, and one after it serves them', async () => {
    await admin('POST', 'faults', { kind: 'rate-limit', retryAfterSeconds: 120, path: LIST });
    const failedAt = clock.now();
    expect(await app.store.refresh()).toBe(false);
    expect(app.store.status()).toMatchObject({ consecutiveFailures: 1 });
    const before = lists();
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated });

    await tenWebhooks();
    expect(lists()).toBe(before);
    expect(await app.store.refreshNow()).toBe(false); // an explicit call during the wait: at once, no request
    await admin('DELETE', 'faults');
    await advance(failedAt + 120_000 - clock.now() - 1);
    expect(lists()).toBe(before);
    expect(app.store.get('GEMINI_API_KEY')).not.toBe(rotated);

    await advance(1_000 + 1); // Retry-After plus at most 1 s of jitter
    expect(lists()).toBe(before + 1);
    expect(app.store.get('GEMINI_API_KEY')).toBe(rotated);
    expect(app.store.status()).toMatchObject({ state: 'up', consecutiveFailures: 0 });
    expect(findLeaks(app.logs.text, [rotated, WEBHOOK_SECRET])).toEqual([]);
  });

  it('with the login refused (client secret revoked: 401), 10 webhooks make at most 1 login attempt', async () => {
    const before = logins();
    await admin('POST', 'client-secrets/revoke', { clientId: APP_DEV.clientId });

    await tenWebhooks();
    expect(logins() - before).toBeLessThanOrEqual(1);
    expect(app.store.status()).toMatchObject({ consecutiveFailures: 1 });
    expect(app.store.status().lastError).toMatch(/client secret|credentials/i);
    expect(await app.store.refreshNow()).toBe(false);
    expect(logins() - before).toBeLessThanOrEqual(1);

    await admin('POST', 'client-secrets/restore', { clientId: APP_DEV.clientId, secret: APP_DEV.clientSecret });
    await advance(300_000); // the pause after a failure that needs a human: the attempt at its end recovers
    expect(logins() - before).toBe(2);
    expect(app.store.status()).toMatchObject({ state: 'up', consecutiveFailures: 0 });
  });
});
