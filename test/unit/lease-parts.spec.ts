/**
 * The pure parts of dynamic-secret leases: ms-style TTLs as Infisical reads them, the renew / drain / retry timing,
 * the lease answer parser, and the credentials value (what it reads and how it prints).
 */
import { describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { inspect, format } from 'node:util';
import { parseCreatedLease, parseDynamicSecret, parseLease, parseLeaseAnswer, parseLeaseData, parseProjectSlug } from '../../src/infisical/api/lease-response.parser.js';
import { MalformedAnswerError } from '../../src/infisical/api/malformed-answer.error.js';
import {
  InfisicalDynamicSecretForbiddenError,
  InfisicalDynamicSecretNotFoundError,
  InfisicalLeaseNotFoundError,
  InfisicalLeaseRefusedError,
  InfisicalLeaseUnavailableError,
} from '../../src/infisical/errors/dynamic-secret.errors.js';
import { sleep } from '../../src/infisical/infisical.clock.js';
import { DynamicSecretCredentials } from '../../src/infisical/leases/lease-credentials.js';
import { parseDurationMs } from '../../src/infisical/api/ttl-duration.parser.js';
import { DEFAULT_LEASE_DRAIN_MS, DEFAULT_LEASE_SHUTDOWN_BUDGET_MS } from '../../src/infisical/infisical.defaults.js';
import {
  drainDelayMs,
  EXPIRED_LEASE_RETRY_CAP_MS,
  MIN_LEASE_RETRY_MS,
  renewalFits,
  renewDelayMs,
  retryWithinMs,
} from '../../src/infisical/leases/lease-timing.js';
import { failureOf, flushEventLoop } from '../support/deferred.js';
import { ManualClock } from '../support/manual-clock.js';

const S = 1000;
const DAY = 86_400 * S;

describe('parseDurationMs', () => {
  it.each([
    ['30s', 30 * S],
    ['10m', 600 * S],
    ['1h', 3600 * S],
    ['2 days', 2 * DAY],
    ['1d', DAY],
    ['1w', 7 * DAY],
    ['1y', 365.25 * DAY],
    ['2 years', 730.5 * DAY],
    ['1.5h', 5400 * S],
    ['.5s', 500],
    ['1500', 1500],
    ['250ms', 250],
    ['3 msecs', 3],
    ['5 mins', 300 * S],
    ['2hrs', 7200 * S],
    ['4 secs', 4 * S],
    ['1 minute', 60 * S],
    ['3 weeks', 21 * DAY],
    ['10M', 600 * S],
    ['1 millisecond', 1],
    ['2 milliseconds', 2],
    ['1 msec', 1],
    ['1 sec', S],
    ['1 second', S],
    ['3 seconds', 3 * S],
    ['1 min', 60 * S],
    ['2 minutes', 120 * S],
    ['1 hour', 3600 * S],
    ['1 hr', 3600 * S],
    ['2 hours', 7200 * S],
    ['1 day', DAY],
    ['1 week', 7 * DAY],
    ['1 yr', 365.25 * DAY],
    ['2 yrs', 730.5 * DAY],
    ['1 year', 365.25 * DAY],
    [' 10m ', 600 * S],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each([
    ...['', 'm', '0s', '0', '-1s', '1x', 'PT1M', '10 m s', 'ten minutes', '1.2.3s', `${'1'.repeat(99)}s `],
    // A unit word with something before or after it is no unit.
    ...['1msx', '1xms', '1sx', '1xs', '1mx', '1xm', '1hx', '1xh', '1dx', '1xd', '1wx', '1xw', '1yx', '1xy'],
  ])('refuses %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });

  it('reads no duration from nothing', () => {
    expect(parseDurationMs(undefined)).toBeUndefined();
  });

  it('refuses text longer than 100 characters without reading it', () => {
    expect(parseDurationMs(`${'0'.repeat(98)}1s`)).toBe(1000);
    expect(parseDurationMs(`${'0'.repeat(99)}1s`)).toBeUndefined();
  });
});

describe('lease timing', () => {
  it('renews after two thirds of the remaining life, at once when it is over', () => {
    expect(renewDelayMs(0, 60 * S)).toBeCloseTo(40 * S, 6);
    expect(renewDelayMs(30 * S, 60 * S)).toBeCloseTo(20 * S, 6);
    expect(renewDelayMs(60 * S, 60 * S)).toBe(0);
    expect(renewDelayMs(70 * S, 60 * S)).toBe(0);
  });

  it('lets a renewal through up to the max TTL exactly, and whenever something is unknown', () => {
    expect(renewalFits(120 * S, 60 * S, 0, 180 * S)).toBe(true);
    expect(renewalFits(120 * S + 1, 60 * S, 0, 180 * S)).toBe(false);
    expect(renewalFits(120 * S, 60 * S, -1, 180 * S)).toBe(false);
    expect(renewalFits(1e12, undefined, 0, 180 * S)).toBe(true);
    expect(renewalFits(1e12, 60 * S, undefined, 180 * S)).toBe(true);
    expect(renewalFits(1e12, 60 * S, 0, undefined)).toBe(true);
  });

  it('drains for the drain period, never past the expiry, never negative', () => {
    expect(drainDelayMs(0, 60 * S, 30 * S)).toBe(30 * S);
    expect(drainDelayMs(40 * S, 60 * S, 30 * S)).toBe(20 * S);
    expect(drainDelayMs(70 * S, 60 * S, 30 * S)).toBe(0);
    expect(DEFAULT_LEASE_DRAIN_MS).toBe(30 * S);
    expect(DEFAULT_LEASE_SHUTDOWN_BUDGET_MS).toBe(5 * S);
  });

  it('retries within half the remaining life (at least 0.5 s), and at most every 30 s without a valid lease', () => {
    expect(retryWithinMs(0, 60 * S, 4 * S)).toBe(4 * S);
    expect(retryWithinMs(0, 60 * S, 300 * S)).toBe(30 * S);
    expect(retryWithinMs(59.9 * S, 60 * S, 300 * S)).toBe(MIN_LEASE_RETRY_MS);
    expect(retryWithinMs(59.9 * S, 60 * S, 100)).toBe(100);
    expect(retryWithinMs(60 * S, 60 * S, 300 * S)).toBe(EXPIRED_LEASE_RETRY_CAP_MS);
    expect(retryWithinMs(0, undefined, 300 * S)).toBe(30 * S);
    expect(retryWithinMs(0, undefined, 2 * S)).toBe(2 * S);
    expect([MIN_LEASE_RETRY_MS, EXPIRED_LEASE_RETRY_CAP_MS]).toEqual([500, 30 * S]);
  });
});

describe('lease answer parser', () => {
  const problem = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(MalformedAnswerError);
      return (error as MalformedAnswerError).problem;
    }
    throw new Error('expected a malformed answer');
  };

  it('reads dates as ISO strings or epoch numbers; a missing or null creation date is unknown', () => {
    expect(parseLease({ id: 'l', expireAt: '2026-01-01T00:00:00Z', createdAt: 5 })).toEqual({ id: 'l', expireAt: Date.UTC(2026, 0, 1), createdAt: 5 });
    expect(parseLease({ id: 'l', expireAt: 7 }).createdAt).toBeUndefined();
    expect(parseLease({ id: 'l', expireAt: 7, createdAt: null }).createdAt).toBeUndefined();
    expect(problem(() => parseLease({ id: 'l', expireAt: Number.NaN }))).toBe('the lease answer has no usable date in "lease.expireAt"');
    expect(problem(() => parseLease({ id: 'l', expireAt: true }))).toBe('the lease answer has no usable date in "lease.expireAt"');
    expect(problem(() => parseLease(null))).toBe('the lease answer has no "lease" object');
    expect(problem(() => parseLease([]))).toBe('the lease answer has no "lease" object');
  });

  it('keeps only string TTLs and names of the dynamic secret', () => {
    expect(parseDynamicSecret({ name: 'db', type: 'sql-database', defaultTTL: '1h', maxTTL: null })).toEqual({ name: 'db', type: 'sql-database', defaultTtl: '1h', maxTtl: undefined });
    expect(parseDynamicSecret({ name: 3, defaultTTL: '', maxTTL: 60 })).toEqual({ name: undefined, type: undefined, defaultTtl: undefined, maxTtl: undefined });
    expect(parseDynamicSecret(null)).toEqual({ name: undefined, type: undefined, defaultTtl: undefined, maxTtl: undefined });
  });

  it('keeps every credential as an own key, "__proto__" included, and never names a value', () => {
    const data = parseLeaseData(JSON.parse('{"__proto__":"proto-value","DB_PASSWORD":"pw-123456"}'));
    expect(Object.keys(data)).toEqual(['__proto__', 'DB_PASSWORD']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(data['__proto__']).toBe('proto-value');
    expect(problem(() => parseLeaseData({ A: null }))).toBe(`the lease answer's "data.A" is not a string`);
    expect(problem(() => parseLeaseData('pw-123456'))).toBe('the lease answer has no "data" object (the credentials)');
  });

  it('reads the parts of create and lease answers, whatever else the body is', () => {
    expect(problem(() => parseCreatedLease(null))).toBe('the lease answer has no "lease" object');
    expect(problem(() => parseLeaseAnswer('x'))).toBe('the lease answer has no "lease" object');
    expect(parseLeaseAnswer({ lease: { id: 'l', expireAt: 1 } }).dynamicSecret).toEqual({ name: undefined, type: undefined, defaultTtl: undefined, maxTtl: undefined });
    expect(parseProjectSlug({ workspace: { slug: 'shop' } })).toBe('shop');
    expect(problem(() => parseProjectSlug({ workspace: 'shop' }))).toBe('the project answer has no string "workspace.slug"');
    expect(problem(() => parseProjectSlug(null))).toBe('the project answer has no string "workspace.slug"');
  });
});

describe('DynamicSecretCredentials', () => {
  const secret = 'pw-Very-Secret-123';

  it('reads the user name and password by the provider keys, in order', () => {
    expect(new DynamicSecretCredentials({ DB_USERNAME: 'a', USERNAME: 'b', DB_PASSWORD: 'p', PASSWORD: 'q' })).toMatchObject({ username: 'a', password: 'p' });
    expect(new DynamicSecretCredentials({ USERNAME: 'b', username: 'c', PASSWORD: 'q', password: 'r' })).toMatchObject({ username: 'b', password: 'q' });
    expect(new DynamicSecretCredentials({ username: 'c', user: 'd', password: 'r' })).toMatchObject({ username: 'c', password: 'r' });
    expect(new DynamicSecretCredentials({ user: 'd' })).toMatchObject({ username: 'd', password: undefined });
    expect(new DynamicSecretCredentials({ ACCESS_KEY: 'k' })).toMatchObject({ username: undefined, password: undefined, keys: ['ACCESS_KEY'] });
  });

  it('hands out a frozen copy of every value', () => {
    const source = { DB_USERNAME: 'u', DB_PASSWORD: secret };
    const credentials = new DynamicSecretCredentials(source);
    source.DB_PASSWORD = 'changed';
    expect(credentials.data).toEqual({ DB_USERNAME: 'u', DB_PASSWORD: secret });
    expect(Object.isFrozen(credentials.data)).toBe(true);
  });

  it('prints key names only, with every value redacted', () => {
    const credentials = new DynamicSecretCredentials({ DB_USERNAME: 'lease_user_77', DB_PASSWORD: secret });
    const printed = [String(credentials), `${credentials}`, JSON.stringify(credentials), inspect(credentials), inspect({ nested: credentials }, { depth: 5 }), format('%o %j', credentials, credentials)];
    for (const text of printed) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('lease_user_77');
    }
    expect(String(credentials)).toBe('DynamicSecretCredentials { DB_USERNAME: [REDACTED], DB_PASSWORD: [REDACTED] }');
    expect(inspect(credentials)).toBe(String(credentials));
    expect(JSON.parse(JSON.stringify(credentials))).toEqual({ DB_USERNAME: '[REDACTED]', DB_PASSWORD: '[REDACTED]' });
    expect(Object.keys(credentials)).toEqual([]);
  });
});

describe('sleep on the injected clock', () => {
  it('resolves when its timer fires', async () => {
    const clock = new ManualClock();
    let done = false;
    const signal = new AbortController().signal;
    const slept = sleep(clock, 500, signal).then(() => (done = true));
    clock.advance(499);
    await flushEventLoop();
    expect(done).toBe(false);
    clock.advance(1);
    await slept;
    expect(done).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('rejects with the reason as soon as the signal aborts, and clears its timer', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const slept = failureOf(sleep(clock, 500, controller.signal));
    controller.abort('deadline');
    expect(await slept).toBe('deadline');
    expect(clock.pending).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(await failureOf(sleep(clock, 500, controller.signal))).toBe('deadline');
    expect(clock.pending).toEqual([]);
  });
});

describe('lease errors', () => {
  const target = { siteUrl: 'https://i.test', projectId: 'p-1', environment: 'prod', secretPath: '/db' };

  it('names the dynamic secret and the cause of an unavailable lease, with a fix per reason', () => {
    const notStarted = new InfisicalLeaseUnavailableError('db', 'not-started');
    expect(notStarted).toMatchObject({ code: 'INFISICAL_LEASE_UNAVAILABLE', transient: false, reason: 'not-started' });
    expect(notStarted.message).toBe(
      'Dynamic secret "db" has no lease yet: its credentials are read before the module started. Fix: read the credentials after the application has started (onModuleInit or later), not at import time.',
    );
    const stopped = new InfisicalLeaseUnavailableError('db', 'stopped');
    expect(stopped.transient).toBe(false);
    expect(stopped.message).toBe('Dynamic secret "db" was shut down and its lease revoked: its credentials are no longer handed out. Fix: read credentials only while the application runs.');
    const expired = new InfisicalLeaseUnavailableError('db', 'expired', Date.UTC(2026, 0, 1));
    expect(expired.transient).toBe(true);
    expect(expired.message).toBe(
      'The lease of dynamic secret "db" expired at 2026-01-01T00:00:00.000Z and no new lease could be taken yet; expired credentials are never handed out. Fix: check that Infisical is reachable; a new lease is taken as soon as it answers.',
    );
    expect(expired.detail).toEqual({ dynamicSecret: 'db', reason: 'expired', expiredAt: Date.UTC(2026, 0, 1), lastErrorCode: undefined });
    const cause = new InfisicalDynamicSecretForbiddenError('db', target, 'not allowed');
    const withCause = new InfisicalLeaseUnavailableError('db', 'expired', 0, cause);
    expect(withCause.problem).toBe(`The lease of dynamic secret "db" expired at 1970-01-01T00:00:00.000Z and no new lease could be taken yet; expired credentials are never handed out. Last failure: ${cause.problem}`);
    expect(withCause.fix).toBe(cause.fix);
    expect(withCause.detail).toMatchObject({ lastErrorCode: 'INFISICAL_DYNAMIC_SECRET_FORBIDDEN' });
  });

  it('describes refused leases and leases Infisical no longer knows', () => {
    const refused = new InfisicalLeaseRefusedError('db', target, 'create', 'other', 'plan');
    expect(refused.message).toBe(
      'Infisical refused to create a lease of the dynamic secret "db" (environment "prod", folder "/db", project p-1): plan. Fix: set dynamicSecrets[].ttl between "1m" and the max TTL of the dynamic secret, or check the plan and the lease limit of the instance.',
    );
    expect(refused.detail).toEqual({ siteUrl: 'https://i.test', projectId: 'p-1', environment: 'prod', secretPath: '/db', dynamicSecret: 'db', operation: 'create', reason: 'other' });
    expect(new InfisicalLeaseRefusedError('db', target, 'renew', 'max-ttl', 'too long').fix).toBe(
      'nothing to do for a renewal (a new lease replaces the old one); for a new lease, set dynamicSecrets[].ttl at or below the max TTL.',
    );
    const gone = new InfisicalLeaseNotFoundError('db', target, 'l-1');
    expect(gone).toMatchObject({ code: 'INFISICAL_LEASE_NOT_FOUND', transient: false, detail: { siteUrl: 'https://i.test', dynamicSecret: 'db', leaseId: 'l-1' } });
    expect(gone.fix).toBe('nothing to do: a new lease is taken. If this repeats, check that nothing else revokes the leases of this identity.');
    const forbidden = new InfisicalDynamicSecretForbiddenError('db', target, 'no');
    expect(forbidden.detail).toEqual({ siteUrl: 'https://i.test', projectId: 'p-1', environment: 'prod', secretPath: '/db', dynamicSecret: 'db' });
    expect(forbidden.fix).toBe(
      'give the identity\'s project role the "Lease" permission on dynamic secrets in "prod" at "/db" (Project → Access Control), or correct dynamicSecrets[].name / .environment / .path (INFISICAL_DYNAMIC_SECRETS=name[@/path]).',
    );
    expect(new InfisicalDynamicSecretNotFoundError('db', target, 'x').fix).toBe(
      'create the dynamic secret in that folder (Infisical → Secrets → the environment → Add Dynamic Secret), or correct dynamicSecrets[].name / .environment / .path (INFISICAL_DYNAMIC_SECRETS=name[@/path]); names are lower-case, folders start with "/".',
    );
  });
});
