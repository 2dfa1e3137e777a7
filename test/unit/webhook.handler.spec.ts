import { describe, expect, it } from '@jest/globals';
import { CHANGE_REFRESH_MIN_INTERVAL_MS, MAX_WEBHOOK_BODY_BYTES, WEBHOOK_MAX_AGE_MS } from '../../src/infisical/infisical.defaults.js';
import type { ResolvedSource } from '../../src/infisical/options/resolved-options.interface.js';
import { attachWebhook } from '../../src/infisical/webhook/attach-webhook.js';
import { WEBHOOK_REFUSAL_WARN_INTERVAL_MS, WebhookHandler, type WebhookDelivery } from '../../src/infisical/webhook/webhook.handler.js';
import { signWebhookBody } from '../support/webhook-sender.js';
import { APP_PROJECT_ID } from '../support/fixtures/app-seed.js';
import { ManualClock } from '../support/manual-clock.js';
import { infisicalWebhook } from '../support/webhook-sender.js';

const SECRET = 'whk-unit-4c1d9e7a2b5f8c3e6a0d';
const SOURCES = [{ projectId: APP_PROJECT_ID, environment: 'dev', secretPath: '/', recursive: false }] as unknown as ResolvedSource[];
const ACCEPTED = { status: 200, body: '{"received":true}' };
const UNAUTHORIZED = { status: 401, body: 'Unauthorized' };
const UNAVAILABLE = { status: 503, body: 'Service Unavailable' };

/** Plain fakes: the outcomes counted, the lines logged, the refreshes asked for. */
function setup(sources = SOURCES, replayCapacity?: number) {
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
    replayCapacity,
  });
  const signed = (at = clock.now(), project: Parameters<typeof infisicalWebhook>[1] = {}, event?: string) => infisicalWebhook(at, project, SECRET, event);
  const at = (level: string) => lines.filter((l) => l.level === level).map((l) => l.message);
  return { clock, handler, outcomes, lines, at, requests: () => requests, signed };
}

describe('WebhookHandler', () => {
  it('a signed, fresh secrets.modified event of a source: 200, one refresh asked for, counted and logged at debug', () => {
    const { handler, outcomes, lines, requests, signed } = setup();
    expect(handler.handle(signed())).toEqual(ACCEPTED);
    expect(requests()).toBe(1);
    expect(outcomes).toEqual(['refresh']);
    expect(lines).toEqual([{ level: 'debug', message: 'Infisical webhook: secrets.modified in environment "dev"; refreshing now.' }]);
  });

  const t = (d: WebhookDelivery) => Number(/t=(\d+)/.exec(d.signature!)![1]);
  it.each([
    ['no signature', (d: WebhookDelivery): WebhookDelivery => ({ ...d, signature: undefined }), 'no x-infisical-signature header'],
    ['a malformed signature', (d: WebhookDelivery) => ({ ...d, signature: 'sha256=abc' }), 'the x-infisical-signature header is not "t=<ms>;<64 hex digits>"'],
    ['another secret', (d: WebhookDelivery) => ({ ...d, signature: signWebhookBody(d.body, 'other-secret', t(d)) }), 'the signature does not match the body (webhook.secret / INFISICAL_WEBHOOK_SECRET must be the secret key of the project webhook)'],
    ['a body changed after signing', (d: WebhookDelivery) => ({ ...d, body: d.body.replace('"dev"', '"prod"') }), 'the signature does not match the body (webhook.secret / INFISICAL_WEBHOOK_SECRET must be the secret key of the project webhook)'],
    ['a body over MAX_WEBHOOK_BODY_BYTES', (d: WebhookDelivery) => {
      const body = d.body.replace('"event"', `"pad":"${'x'.repeat(MAX_WEBHOOK_BODY_BYTES)}","event"`);
      return { body, signature: signWebhookBody(body, SECRET, t(d)) };
    }, `the body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes`],
    ['a signed body without a timestamp', (d: WebhookDelivery) => {
      const body = d.body.replace(/,"timestamp":\d+/, '');
      return { body, signature: signWebhookBody(body, SECRET, t(d)) };
    }, 'the signed body has no numeric "timestamp"'],
    ['a header t that is not the signed timestamp', (d: WebhookDelivery) => ({ ...d, signature: d.signature!.replace(/t=\d+/, `t=${t(d) + 1}`) }), `the header's t differs from the signed body's "timestamp"`],
  ])('%s: 401 without detail, counted as rejected, the reason in the log (debug, and the first of its cause at warn), nothing refreshed', (_name, tamper, reason) => {
    const { handler, outcomes, lines, requests, signed } = setup();
    expect(handler.handle(tamper(signed()))).toEqual(UNAUTHORIZED);
    expect(requests()).toBe(0);
    expect(outcomes).toEqual(['rejected']);
    expect(lines).toEqual([
      { level: 'debug', message: `Infisical webhook refused: ${reason}.` },
      { level: 'warn', message: `Infisical webhook refused (401): ${reason}. Further refusals for this cause are warned at most once per 60 s (each one is logged at debug).` },
    ]);
  });

  it('a body of exactly MAX_WEBHOOK_BODY_BYTES is verified and accepted', () => {
    const { clock, handler } = setup();
    const base = infisicalWebhook(clock.now(), {}, SECRET).body;
    const body = base.replace('"event"', `"pad":"${'x'.repeat(MAX_WEBHOOK_BODY_BYTES - base.length - 9)}","event"`);
    expect(Buffer.byteLength(body)).toBe(MAX_WEBHOOK_BODY_BYTES);
    expect(handler.handle({ body, signature: signWebhookBody(body, SECRET, clock.now()) })).toEqual(ACCEPTED);
  });

  it('a signed timestamp further than WEBHOOK_MAX_AGE_MS from now is refused as expired; at the limit it is accepted', () => {
    const { clock, handler, outcomes, at, requests, signed } = setup();
    expect(handler.handle(signed(clock.now() - WEBHOOK_MAX_AGE_MS - 1))).toEqual(UNAUTHORIZED);
    expect(handler.handle(signed(clock.now() + WEBHOOK_MAX_AGE_MS + 1))).toEqual(UNAUTHORIZED);
    expect(at('debug')).toEqual(Array(2).fill(`Infisical webhook refused: the signed timestamp is more than the freshness window away from this machine's clock (check its time).`));
    expect(handler.handle(signed(clock.now() - WEBHOOK_MAX_AGE_MS))).toEqual(ACCEPTED);
    expect(outcomes).toEqual(['rejected', 'rejected', 'refresh']);
    expect(requests()).toBe(1);
  });

  it('a captured delivery is never accepted again: re-sent as it was, or with a fresh t, at +1 min, +5 min, +11 min', () => {
    const { clock, handler, outcomes, at, requests, signed } = setup();
    const delivery = signed();
    const sentAt = clock.now();
    expect(handler.handle(delivery)).toEqual(ACCEPTED);
    const replies: number[] = [];
    for (const minutes of [1, 5, 11]) {
      clock.advance(sentAt + minutes * 60_000 - clock.now());
      replies.push(handler.handle(delivery).status);
      replies.push(handler.handle({ ...delivery, signature: delivery.signature.replace(/t=\d+/, `t=${clock.now()}`) }).status);
    }
    expect(replies).toEqual([401, 401, 401, 401, 401, 401]);
    expect(requests()).toBe(1);
    expect(outcomes).toEqual(['refresh', ...Array(6).fill('rejected')]);
    expect(at('debug').slice(1)).toEqual([
      'Infisical webhook refused: this delivery was already accepted (a replay).',
      `Infisical webhook refused: the header's t differs from the signed body's "timestamp".`,
      'Infisical webhook refused: this delivery was already accepted (a replay).',
      `Infisical webhook refused: the header's t differs from the signed body's "timestamp".`,
      `Infisical webhook refused: the signed timestamp is more than the freshness window away from this machine's clock (check its time).`,
      `Infisical webhook refused: the header's t differs from the signed body's "timestamp".`,
    ]);
  });

  it('the signature in upper case is the same delivery: a replay', () => {
    const { handler, signed } = setup();
    const delivery = signed();
    expect(handler.handle(delivery)).toEqual(ACCEPTED);
    expect(handler.handle({ ...delivery, signature: delivery.signature.toUpperCase().replace('T=', 't=') })).toEqual(UNAUTHORIZED);
  });

  it('a refused delivery is not remembered: the genuine one sent after it is accepted', () => {
    const { handler, requests, signed } = setup();
    const delivery = signed();
    expect(handler.handle({ ...delivery, body: `${delivery.body} ` })).toEqual(UNAUTHORIZED);
    expect(handler.handle(delivery)).toEqual(ACCEPTED);
    expect(requests()).toBe(1);
  });

  it('when the replay memory is full, genuine deliveries are refused with 503 and one warning until room is made', () => {
    const { clock, handler, outcomes, lines, at, requests, signed } = setup(SOURCES, 2);
    expect(handler.handle(signed())).toEqual(ACCEPTED);
    expect(handler.handle(signed(clock.now() + 1))).toEqual(ACCEPTED);
    expect(handler.handle(signed(clock.now() + 2))).toEqual(UNAVAILABLE);
    expect(handler.handle(signed(clock.now() + 3))).toEqual(UNAVAILABLE);
    expect(at('warn')).toEqual([
      'Infisical webhook refused: 2 deliveries accepted within the freshness window are remembered, the most kept to refuse replays; more ' +
        'are refused until the oldest expire (the values are still refreshed every cacheTtlSeconds). If this was not a burst of changes, the ' +
        'webhook secret key may be known to someone else: rotate it in the project settings.',
    ]);
    expect(outcomes).toEqual(['refresh', 'refresh', 'rejected', 'rejected']);
    clock.advance(WEBHOOK_MAX_AGE_MS + 1);
    expect(handler.handle(signed())).toEqual(ACCEPTED); // the first one left the window
    expect(handler.handle(signed(clock.now() + 1))).toEqual(UNAVAILABLE); // the second one is still fresh
    clock.advance(1);
    expect(handler.handle(signed(clock.now() + 1))).toEqual(ACCEPTED);
    expect(handler.handle(signed(clock.now() + 2))).toEqual(UNAVAILABLE);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(3);
    expect(requests()).toBe(4);
  });

  it('refusals warn once per cause, then at most once per cause every WEBHOOK_REFUSAL_WARN_INTERVAL_MS with the count in between', () => {
    const { clock, handler, at, signed } = setup();
    const forged = () => ({ ...signed(), signature: signWebhookBody(signed().body, 'other-secret', clock.now()) });
    const unsigned = () => ({ ...signed(), signature: undefined });
    const MISMATCH = 'the signature does not match the body (webhook.secret / INFISICAL_WEBHOOK_SECRET must be the secret key of the project webhook)';
    const NOTE = 'Further refusals for this cause are warned at most once per 60 s (each one is logged at debug).';
    expect(WEBHOOK_REFUSAL_WARN_INTERVAL_MS).toBe(60_000);
    handler.handle(forged());
    handler.handle(unsigned()); // another cause: its own first warning
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      handler.handle(forged());
    }
    expect(at('warn')).toEqual([`Infisical webhook refused (401): ${MISMATCH}. ${NOTE}`, `Infisical webhook refused (401): no x-infisical-signature header. ${NOTE}`]);
    clock.advance(9_999); // 59.999 s after the first warning
    handler.handle(forged());
    expect(at('warn')).toHaveLength(2);
    clock.advance(1);
    handler.handle(forged());
    handler.handle(unsigned());
    expect(at('warn').slice(2)).toEqual([
      `Infisical webhook refused (401): ${MISMATCH}. 6 more refused for this cause since the last warning (60 s ago). ${NOTE}`,
      `Infisical webhook refused (401): no x-infisical-signature header. ${NOTE}`,
    ]);
    clock.advance(WEBHOOK_REFUSAL_WARN_INTERVAL_MS);
    handler.handle(forged());
    expect(at('warn').slice(4)).toEqual([`Infisical webhook refused (401): ${MISMATCH}. ${NOTE}`]);
    expect(at('debug')).toHaveLength(11);
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

  it('a correctly signed, timestamped body that is not an event is acknowledged and ignored', () => {
    const { clock, handler, outcomes, requests } = setup();
    const body = JSON.stringify({ hello: 'world', timestamp: clock.now() });
    expect(handler.handle({ body, signature: signWebhookBody(body, SECRET, clock.now()) })).toEqual(ACCEPTED);
    expect(requests()).toBe(0);
    expect(outcomes).toEqual(['ignored']);
  });

  it('never logs the secret, the signature or the body', () => {
    const { clock, handler, lines, signed } = setup(SOURCES, 3);
    const deliveries = [signed(), signed(clock.now() + 1, { projectId: 'elsewhere' }), { ...signed(clock.now() + 2), signature: 't=1;' + 'a'.repeat(64) }, signed(1), signed(clock.now() + 3), signed(clock.now() + 4)];
    for (const delivery of deliveries) handler.handle(delivery);
    handler.handle(deliveries[0]!);
    const text = lines.map((l) => l.message).join('\n');
    expect(lines.map((l) => l.level)).toEqual(['debug', 'debug', 'warn', 'debug', 'warn', 'debug', 'warn', 'debug', 'warn']);
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
