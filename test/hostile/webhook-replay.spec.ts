/**
 * Issue 23, webhook replay: a captured delivery must never be accepted twice. Infisical signs
 * `JSON.stringify({ ...payload, timestamp })` and sends `t=<timestamp>` unsigned beside the HMAC, so an attacker
 * who captured one delivery can only change `t` — which must equal the signed `timestamp`, judged fresh on that.
 * Real application and real HTTP on loopback; time moves on the manual clock.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { MAX_CACHE_TTL_SECONDS } from '../../src/infisical/infisical.defaults.js';
import { APP_PROJECT_ID, APP_VALUES, appSeedSecrets, credentialValues } from '../support/fixtures/app-seed.js';
import type { TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';
import { waitFor } from '../support/wait-for.js';
import { deliver, infisicalWebhook, signWebhookBody, WEBHOOK_SECRET } from '../support/webhook-sender.js';
import { startWebhookApp } from '../support/webhook-app.js';

const LIST = '/api/v3/secrets/raw';
const PATH = '/webhooks/infisical';
const MINUTE = 60_000;

describe('webhook replay (captured deliveries re-sent, t forged)', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: TestApp;
  let close: () => Promise<void>;
  const answers: string[] = [];
  const rotated = credentialValues('dev', '2').GEMINI_API_KEY;

  beforeEach(async () => {
    answers.length = 0;
    // no regular refresh within the test: every list after boot is one a webhook asked for
    ({ clock, server, app, close } = await startWebhookApp(MAX_CACHE_TTL_SECONDS));
  });
  afterEach(() => close());

  const lists = () => server.requestsTo(LIST).length;
  const send = async (delivery: { body: string; signature?: string }) => {
    const answer = await deliver(app.url + PATH, delivery);
    answers.push(JSON.stringify(answer));
    await app.store.whenSettled();
    return answer;
  };
  /** Moves the clock to `ms` after `from`, letting whatever the timers start finish. */
  const moveTo = (from: number, ms: number) => clock.advanceAsync(from + ms - clock.now(), () => app.store.whenSettled());
  /** The same body and HMAC with another `t`: all an attacker who captured the delivery can change. */
  const withT = (delivery: { body: string; signature: string }, t: number) => ({ ...delivery, signature: delivery.signature.replace(/^t=\d+;/, `t=${t};`) });
  /** Logs, answers, health and how the store prints hold no webhook secret, no value, no token. */
  const expectNoLeak = () => {
    const text = [app.logs.text, ...answers, inspect(app.store), JSON.stringify(app.store.status())].join('\n');
    expect(findLeaks(text, [WEBHOOK_SECRET, rotated!, ...appSeedSecrets(), ...server.issuedAccessTokens()])).toEqual([]);
  };

  it('a fresh valid delivery is accepted and refreshes once', async () => {
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated! });
    const before = lists();
    expect(await send(infisicalWebhook(clock.now()))).toEqual({ status: 200, body: '{"received":true}' });
    await waitFor(() => app.store.get('GEMINI_API_KEY') === rotated, 'the rotated value', 1000);
    expect(lists()).toBe(before + 1);
    expectNoLeak();
  });

  it('a captured delivery re-sent with a fresh t at +1 min and at +11 min is refused both times (and as it was, too)', async () => {
    const captured = infisicalWebhook(clock.now());
    const sentAt = clock.now();
    expect((await send(captured)).status).toBe(200);
    const after = lists();
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated! });

    await moveTo(sentAt, 1 * MINUTE);
    expect(await send(withT(captured, clock.now()))).toEqual({ status: 401, body: 'Unauthorized' });
    expect(await send(captured)).toEqual({ status: 401, body: 'Unauthorized' });
    expectNoLeak();

    await moveTo(sentAt, 11 * MINUTE);
    expect(await send(withT(captured, clock.now()))).toEqual({ status: 401, body: 'Unauthorized' });
    expect(await send(captured)).toEqual({ status: 401, body: 'Unauthorized' });
    expectNoLeak();

    expect(lists()).toBe(after);
    expect(app.store.get('GEMINI_API_KEY')).toBe(APP_VALUES.dev.GEMINI_API_KEY);
  });

  it('a delivery whose t differs from its signed timestamp is refused, however little', async () => {
    const before = lists();
    const signedAt = clock.now() - 1000;
    const delivery = infisicalWebhook(signedAt);
    for (const t of [signedAt + 1, signedAt - 1, clock.now()]) expect(await send(withT(delivery, t))).toEqual({ status: 401, body: 'Unauthorized' });
    expect(lists()).toBe(before);
    expectNoLeak();
    // the genuine delivery was never remembered by those refusals: it is still accepted once
    expect((await send(delivery)).status).toBe(200);
    expect(lists()).toBe(before + 1);
    expectNoLeak();
  });

  it('a body re-signed with another key, or without its timestamp, is refused', async () => {
    const before = lists();
    const forged = infisicalWebhook(clock.now(), {}, 'not-the-secret-key-0000000000000000');
    const body = JSON.stringify({ event: 'secrets.modified', project: { projectId: APP_PROJECT_ID, environment: 'dev', secretPath: '/' } });
    for (const delivery of [forged, { body, signature: signWebhookBody(body, WEBHOOK_SECRET, clock.now()) }]) {
      expect(await send(delivery)).toEqual({ status: 401, body: 'Unauthorized' });
    }
    expect(lists()).toBe(before);
    expectNoLeak();
  });
});
