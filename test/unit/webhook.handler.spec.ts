import { describe, expect, it } from '@jest/globals';
import { CHANGE_REFRESH_MIN_INTERVAL_MS, WEBHOOK_MAX_AGE_MS } from '../../src/infisical/infisical.defaults.js';
import type { ResolvedSource } from '../../src/infisical/options/resolved-options.interface.js';
import { attachWebhook } from '../../src/infisical/webhook/attach-webhook.js';
import { WebhookHandler, type WebhookDelivery } from '../../src/infisical/webhook/webhook.handler.js';
import { signWebhookBody } from '../support/webhook-sender.js';
import { APP_PROJECT_ID } from '../support/fixtures/app-seed.js';
import { ManualClock } from '../support/manual-clock.js';
import { infisicalWebhook } from '../support/webhook-sender.js';

const SECRET = 'whk-unit-4c1d9e7a2b5f8c3e6a0d';
const SOURCES = [{ projectId: APP_PROJECT_ID, environment: 'dev', secretPath: '/', recursive: false }] as unknown as ResolvedSource[];
const ACCEPTED = { status: 200, body: '{"received":true}' };
const UNAUTHORIZED = { status: 401, body: 'Unauthorized' };

/** Plain fakes: the outcomes counted, the lines logged, the refreshes asked for. */
function setup(sources = SOURCES) {
  const clock = new ManualClock();
  const outcomes: string[] = [];
  const lines: Array<{ level: string; message: string }> = [];
  let requests = 0;
  const handler = new WebhookHandler({
    secret: SECRET,
    maxAgeMs: WEBHOOK_MAX_AGE_MS,
    sources,
    clock,
    metrics: { webhook: (outcome) => void outcomes.push(outcome) },
    logger: { write: (level, message) => void lines.push({ level, message }) },
    trigger: { request: () => (requests++, Promise.resolve(true)) },
  });
  const signed = (at = clock.now(), project: Parameters<typeof infisicalWebhook>[1] = {}, event?: string) => infisicalWebhook(at, project, SECRET, event);
  return { clock, handler, outcomes, lines, requests: () => requests, signed };
}

describe('WebhookHandler', () => {
  it('a signed, fresh secrets.modified event of a source: 200, one refresh asked for, counted and logged at debug', () => {
    const { handler, outcomes, lines, requests, signed } = setup();
    expect(handler.handle(signed())).toEqual(ACCEPTED);
    expect(requests()).toBe(1);
    expect(outcomes).toEqual(['refresh']);
    expect(lines).toEqual([{ level: 'debug', message: 'Infisical webhook: secrets.modified in environment "dev"; refreshing now.' }]);
  });

  it.each([
    ['no signature', (d: WebhookDelivery): WebhookDelivery => ({ ...d, signature: undefined }), 'missing'],
    ['a malformed signature', (d: WebhookDelivery) => ({ ...d, signature: 'sha256=abc' }), 'malformed'],
    ['another secret', (d: WebhookDelivery) => ({ ...d, signature: signWebhookBody(d.body, 'other-secret', Number(/t=(\d+)/.exec(d.signature!)![1])) }), 'mismatch'],
    ['a body changed after signing', (d: WebhookDelivery) => ({ ...d, body: d.body.replace('"dev"', '"prod"') }), 'mismatch'],
  ])('%s: 401 without detail, counted as rejected, the reason only in the debug log, nothing refreshed', (_name, tamper, problem) => {
    const { handler, outcomes, lines, requests, signed } = setup();
    expect(handler.handle(tamper(signed()))).toEqual(UNAUTHORIZED);
    expect(requests()).toBe(0);
    expect(outcomes).toEqual(['rejected']);
    expect(lines).toEqual([{ level: 'debug', message: `Infisical webhook refused (${problem} signature).` }]);
  });

  it('a timestamp further than WEBHOOK_MAX_AGE_MS from now is refused as expired; at the limit it is accepted', () => {
    const { clock, handler, outcomes, lines, requests, signed } = setup();
    expect(handler.handle(signed(clock.now() - WEBHOOK_MAX_AGE_MS - 1))).toEqual(UNAUTHORIZED);
    expect(handler.handle(signed(clock.now() + WEBHOOK_MAX_AGE_MS + 1))).toEqual(UNAUTHORIZED);
    expect(lines.map((l) => l.message)).toEqual(Array(2).fill('Infisical webhook refused (expired signature).'));
    expect(handler.handle(signed(clock.now() - WEBHOOK_MAX_AGE_MS))).toEqual(ACCEPTED);
    expect(outcomes).toEqual(['rejected', 'rejected', 'refresh']);
    expect(requests()).toBe(1);
  });

  it('the same delivery sent again within the window is refused as a replay and refreshes nothing more', () => {
    const { clock, handler, outcomes, lines, requests, signed } = setup();
    const delivery = signed();
    expect(handler.handle(delivery)).toEqual(ACCEPTED);
    clock.advance(WEBHOOK_MAX_AGE_MS);
    expect(handler.handle(delivery)).toEqual(UNAUTHORIZED);
    expect(handler.handle({ ...delivery, signature: delivery.signature.toUpperCase().replace('T=', 't=') })).toEqual(UNAUTHORIZED);
    expect(requests()).toBe(1);
    expect(outcomes).toEqual(['refresh', 'rejected', 'rejected']);
    expect(lines.slice(1).map((l) => l.message)).toEqual(Array(2).fill('Infisical webhook refused (replayed signature).'));
  });

  it('a refused delivery is not remembered: the genuine one sent after it is accepted', () => {
    const { handler, requests, signed } = setup();
    const delivery = signed();
    expect(handler.handle({ ...delivery, body: `${delivery.body} ` })).toEqual(UNAUTHORIZED);
    expect(handler.handle(delivery)).toEqual(ACCEPTED);
    expect(requests()).toBe(1);
  });

  it.each([
    ['another project', { projectId: 'other-project' }, undefined],
    ['another environment', { environment: 'prod' }, undefined],
    ['another folder', { secretPath: '/elsewhere' }, undefined],
    ['an event that changes no value', {}, 'secrets.rotation-failed'],
  ])('a signed event about %s is acknowledged (200), counted as ignored, refreshes nothing and logs nothing', (_name, project, event) => {
    const { handler, outcomes, lines, requests, signed } = setup();
    expect(handler.handle(signed(undefined, project, event))).toEqual(ACCEPTED);
    expect(requests()).toBe(0);
    expect(outcomes).toEqual(['ignored']);
    expect(lines).toEqual([]);
  });

  it.each([
    ['not JSON', 'not json {'],
    ['JSON without an event', '{"hello":"world"}'],
    ['an empty body', ''],
  ])('a correctly signed body that is %s is acknowledged and ignored', (_name, body) => {
    const { clock, handler, outcomes, requests } = setup();
    expect(handler.handle({ body, signature: signWebhookBody(body, SECRET, clock.now()) })).toEqual(ACCEPTED);
    expect(requests()).toBe(0);
    expect(outcomes).toEqual(['ignored']);
  });

  it('never logs the secret, the signature or the body', () => {
    const { clock, handler, lines, signed } = setup();
    const deliveries = [signed(), signed(clock.now() + 1, { projectId: 'elsewhere' }), { ...signed(clock.now() + 2), signature: 't=1;' + 'a'.repeat(64) }, signed(1)];
    for (const delivery of deliveries) handler.handle(delivery);
    handler.handle(deliveries[0]!);
    const text = lines.map((l) => l.message).join('\n');
    expect(lines).toHaveLength(4);
    for (const delivery of deliveries) {
      expect(text).not.toContain(delivery.signature.slice(-64));
      expect(text).not.toContain(delivery.body);
    }
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('someone@example.com');
  });
});

describe('attachWebhook', () => {
  function attach(webhook: { path: string; secret: string } | undefined) {
    const clock = new ManualClock();
    const closers: Array<() => void | Promise<void>> = [];
    const refreshes: number[] = [];
    const outcomes: string[] = [];
    const receiver = attachWebhook({ onClose: (close) => void closers.push(close) }, { webhook, sources: SOURCES }, {
      clock,
      metrics: { webhook: (outcome) => void outcomes.push(outcome) },
      logger: { write: () => undefined },
      refresh: async () => (refreshes.push(clock.now()), true),
    });
    return { clock, closers, refreshes, outcomes, receiver, signed: (at = clock.now()) => infisicalWebhook(at, {}, SECRET) };
  }

  it('builds nothing without the webhook option', () => {
    const { receiver, closers } = attach(undefined);
    expect(receiver).toBeUndefined();
    expect(closers).toEqual([]);
  });

  it('answers on the configured path with the configured secret and the default freshness window', () => {
    const { clock, receiver, outcomes, signed } = attach({ path: '/hooks/infisical', secret: SECRET });
    expect(receiver!.path).toBe('/hooks/infisical');
    expect(receiver!.handler.handle(infisicalWebhook(clock.now(), {}, 'other-secret'))).toMatchObject({ status: 401 });
    expect(receiver!.handler.handle(signed(clock.now() - WEBHOOK_MAX_AGE_MS - 1))).toMatchObject({ status: 401 });
    expect(receiver!.handler.handle(signed(clock.now() - WEBHOOK_MAX_AGE_MS))).toMatchObject({ status: 200 });
    expect(outcomes).toEqual(['rejected', 'rejected', 'refresh']);
  });

  it('a burst of deliveries starts one refresh at once and one more when the interval is over', () => {
    const { clock, receiver, refreshes, signed } = attach({ path: '/w', secret: SECRET });
    const start = clock.now();
    for (let i = 0; i < 5; i++) {
      expect(receiver!.handler.handle(signed(clock.now()))).toMatchObject({ status: 200 });
      clock.advance(100);
    }
    expect(refreshes).toEqual([start]);
    clock.advance(CHANGE_REFRESH_MIN_INTERVAL_MS - 501);
    expect(refreshes).toEqual([start]);
    clock.advance(1);
    expect(refreshes).toEqual([start, start + CHANGE_REFRESH_MIN_INTERVAL_MS]);
  });

  it('closing the store stops the trigger: the waiting refresh is dropped and later deliveries start none', () => {
    const { clock, closers, receiver, refreshes, signed } = attach({ path: '/w', secret: SECRET });
    receiver!.handler.handle(signed());
    receiver!.handler.handle(signed(clock.now() + 1));
    expect(closers).toHaveLength(1);
    void closers[0]!();
    expect(clock.pending).toEqual([]);
    clock.advance(10 * CHANGE_REFRESH_MIN_INTERVAL_MS);
    receiver!.handler.handle(signed());
    expect(refreshes).toHaveLength(1);
  });
});
