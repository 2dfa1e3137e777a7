import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, credentialValues, createAppSeed } from '../support/fixtures/app-seed.js';
import { ALL_CREDENTIALS, optionsFor, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';
import { MetricCollector } from '../support/metric-collector.js';
import { waitFor } from '../support/wait-for.js';
import { webhookOptions } from '../support/readme/webhook-options.js';
import { deliver, infisicalWebhook, WEBHOOK_SECRET } from '../support/webhook-sender.js';

const LIST = '/api/v3/secrets/raw';
const PATH = '/webhooks/infisical';

describe.each([
  ['Express', (): FastifyAdapter | undefined => undefined, false],
  ['Fastify (rawBody)', (): FastifyAdapter | undefined => new FastifyAdapter(), true],
] as const)('webhook receiver on %s', (_name, adapter, rawBody) => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: TestApp;
  let collector: MetricCollector;
  const rotated = credentialValues('dev', '2').GEMINI_API_KEY;

  beforeEach(async () => {
    clock = new ManualClock();
    collector = new MetricCollector();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    app = await startInfisicalApp({
      options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: 300, ...webhookOptions(WEBHOOK_SECRET) }),
      credentials: ALL_CREDENTIALS,
      clock,
      http: true,
      httpAdapter: adapter(),
      rawBody,
    });
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated });
  });
  afterEach(async () => {
    await app.close();
    await server.close();
    await collector.stop();
  });

  const lists = () => server.requestsTo(LIST).length;
  const outcomes = async () => Object.fromEntries((await collector.points('infisical.webhook.events')).map((p) => [p.attributes['infisical.webhook.outcome'], p.value]));

  it('a correctly signed secrets.modified event refreshes at once (one list) and the new value is served', async () => {
    const before = lists();
    const reply = await deliver(app.url + PATH, infisicalWebhook(clock.now()));
    expect(reply).toEqual({ status: 200, body: '{"received":true}' });
    await waitFor(() => app.store.get('GEMINI_API_KEY') === rotated, 'the rotated value', 1000);
    await app.store.whenSettled();
    expect(lists()).toBe(before + 1);
    expect(await outcomes()).toEqual({ refresh: 1 });
    expect(findLeaks(app.logs.text, [rotated, WEBHOOK_SECRET])).toEqual([]);
  });

  it.each([
    ['a wrong signature', () => ({ ...infisicalWebhook(clock.now(), {}, 'not-the-secret-key-0000000000000000') })],
    ['no signature', () => ({ body: infisicalWebhook(clock.now()).body })],
    ['a malformed signature header', () => ({ ...infisicalWebhook(clock.now()), signature: 'sha256=abc' })],
    ['a body changed after signing', () => ({ ...infisicalWebhook(clock.now()), body: infisicalWebhook(clock.now(), { environment: 'prod' }).body })],
    ['a timestamp older than 5 minutes', () => infisicalWebhook(clock.now() - 5 * 60_000 - 1)],
  ])('%s: 401 with no detail, nothing refreshed', async (_case, make) => {
    const before = lists();
    expect(await deliver(app.url + PATH, make())).toEqual({ status: 401, body: 'Unauthorized' });
    await app.store.whenSettled();
    expect(lists()).toBe(before);
    expect(app.store.get('GEMINI_API_KEY')).toBe(APP_VALUES.dev.GEMINI_API_KEY);
    expect(await outcomes()).toEqual({ rejected: 1 });
  });

  it('a replayed delivery is refused (401) and triggers nothing more', async () => {
    const delivery = infisicalWebhook(clock.now());
    expect((await deliver(app.url + PATH, delivery)).status).toBe(200);
    await app.store.whenSettled();
    const after = lists();
    clock.advance(2000);
    expect(await deliver(app.url + PATH, delivery)).toEqual({ status: 401, body: 'Unauthorized' });
    await app.store.whenSettled();
    expect(lists()).toBe(after);
    expect(await outcomes()).toEqual({ refresh: 1, rejected: 1 });
  });

  it.each([
    ['another project', { projectId: '00000000-0000-4000-8000-000000000000' }],
    ['another environment', { environment: 'prod' }],
    ['another folder', { secretPath: '/elsewhere' }],
  ])('an event for %s is acknowledged and ignored', async (_case, project) => {
    const before = lists();
    expect((await deliver(app.url + PATH, infisicalWebhook(clock.now(), project))).status).toBe(200);
    await app.store.whenSettled();
    expect(lists()).toBe(before);
    expect(await outcomes()).toEqual({ ignored: 1 });
  });

  it('starts at most one refresh per second: deliveries in between coalesce into one refresh a second later', async () => {
    const before = lists();
    await deliver(app.url + PATH, infisicalWebhook(clock.now()));
    await app.store.whenSettled();
    for (let i = 1; i <= 3; i++) expect((await deliver(app.url + PATH, infisicalWebhook(clock.now() + i))).status).toBe(200);
    await app.store.whenSettled();
    expect(lists()).toBe(before + 1);
    await clock.advanceAsync(1000, () => app.store.whenSettled());
    expect(lists()).toBe(before + 2);
  });
});
