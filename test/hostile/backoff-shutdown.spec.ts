import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InfisicalRateLimitError } from '../../src/infisical/index.js';
import { BACKOFF_BASE_MS, MAX_RETRY_AFTER_MS, RETRY_AFTER_JITTER_MS, SHUTDOWN_REVOKE_BUDGET_MS } from '../../src/infisical/infisical.defaults.js';
import {
  bootstrapFailure,
  errorAnswer,
  exposedText,
  GOOD_SECRETS,
  HOSTILE_TTL_MS,
  HostileServer,
  leaksIn,
  redirectTo,
  startHostileApp,
  useHostileScenario,
} from '../support/hostile-server/index.js';
import { waitFor } from '../support/wait-for.js';

/** Issue 16, Robustness: Retry-After is capped and shown; a rejected answer does not grow the back-off. */
describe('back-off after hostile answers', () => {
  const h = useHostileScenario();


  /** Milliseconds from now to the next attempt, as health reports it. */
  const nextAttemptIn = () => Date.parse(String(h.app.health().nextRefreshAt)) - h.app.clock.now();

  it.each([
    ['Retry-After: 999999999', () => '999999999'],
    ['Retry-After: a date one hour ahead', () => new Date(h.app.clock.now() + 3_600_000).toUTCString()],
  ])('%s: the next attempt is capped at 5 minutes and shown in health', async (_label, header) => {
    const app = await h.start();
    h.server.script('list', () => ({ ...errorAnswer(429, 'Rate limit exceeded', 'TooManyRequests'), headers: { 'retry-after': header() } }));
    await app.nextRefresh();
    expect(app.health()).toMatchObject({ status: 'degraded' });
    expect(nextAttemptIn()).toBeGreaterThanOrEqual(MAX_RETRY_AFTER_MS - 1000);
    expect(nextAttemptIn()).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS + RETRY_AFTER_JITTER_MS);
    const attempts = h.server.requestsTo('list').length;
    await app.advance(MAX_RETRY_AFTER_MS - 2000);
    expect(h.server.requestsTo('list')).toHaveLength(attempts);
    h.server.heal('list');
    await app.advance(3000 + RETRY_AFTER_JITTER_MS);
    expect(app.health()).toMatchObject({ status: 'up' });
  });

  it('Retry-After: 999999999 at bootstrap fails fast as a rate limit instead of waiting', async () => {
    h.server.script('list', { ...errorAnswer(429, 'Rate limit exceeded', 'TooManyRequests'), headers: { 'retry-after': '999999999' } });
    const { error } = await bootstrapFailure(h.server);
    expect(error).toBeInstanceOf(InfisicalRateLimitError);
    expect(h.server.requestsTo('list')).toHaveLength(1);
  });

  it('rejected answers, then a 500 and a 429 asking for 2 s: back-off counts transport failures only', async () => {
    const app = await h.start({ requiredKeys: ['DB_PASSWORD'] });
    h.server.secrets = { APP_GREETING: 'rotated-greeting-value' };
    await app.advanceUntil(() => app.health().consecutiveFailures === 6);
    expect(app.health()).toMatchObject({ status: 'degraded', consecutiveFailures: 6 });
    expect(app.health().lastError).toMatch(/DB_PASSWORD/);
    // rejected answers keep the TTL cadence
    expect(nextAttemptIn()).toBeLessThanOrEqual(HOSTILE_TTL_MS * 1.1);

    h.server.script('list', errorAnswer(500, 'upstream failure'), 1);
    await app.advanceUntil(() => app.health().consecutiveFailures === 7);
    expect(app.health().lastError).toMatch(/HTTP 500/);
    expect(nextAttemptIn()).toBeLessThanOrEqual(BACKOFF_BASE_MS); // the first step, not 2^7 s
    expect(app.logs.find('warn', /next attempt in (\d{2,}) s/)).toEqual([]);

    let servedAt = 0;
    h.server.script('list', () => ((servedAt = app.clock.now()), { ...errorAnswer(429, 'Rate limit exceeded', 'TooManyRequests'), headers: { 'retry-after': '2' } }), 1);
    await app.advanceUntil(() => app.health().consecutiveFailures === 8);
    expect(app.health().lastError).toMatch(/rate-limited/);
    const waited = Date.parse(String(app.health().nextRefreshAt)) - servedAt;
    expect(waited).toBeGreaterThanOrEqual(2000);
    expect(waited).toBeLessThanOrEqual(2000 + RETRY_AFTER_JITTER_MS);

    h.server.secrets = { ...GOOD_SECRETS };
    await app.advance(2000 + RETRY_AFTER_JITTER_MS);
    expect(app.health()).toMatchObject({ status: 'up', consecutiveFailures: 0 });
  });
});

/** Issue 16, Robustness: revoking the token at shutdown is bounded by a short budget, with a correct warning. */
describe('revokeTokenOnShutdown against a hostile server', () => {
  let server: HostileServer;
  let other: HostileServer;

  beforeEach(async () => {
    server = await HostileServer.start({ secrets: GOOD_SECRETS });
    other = await HostileServer.start({ tokenPrefix: 'other' });
  });
  afterEach(async () => {
    await server.close();
    await other.close();
  });

  it(`a hung revoke holds shutdown for ${SHUTDOWN_REVOKE_BUDGET_MS} ms at most, not the request timeout`, async () => {
    const app = await startHostileApp(server, { revokeTokenOnShutdown: true, requestTimeoutMs: 10_000 });
    server.script('revoke', { hang: true });
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await waitFor(() => server.hanging === 1, 'the revoke request to reach the server');
    app.clock.advance(SHUTDOWN_REVOKE_BUDGET_MS - 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    app.clock.advance(1);
    await closing;
    const warnings = app.logs.find('warn', 'Could not revoke');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toMatch(/Cannot set property|getter/);
    expect(warnings[0]).toMatch(/revoke request was cancelled|shutting down|within/);
    expect(leaksIn(exposedText(undefined, app.logs), server)).toEqual([]);
  });

  it('a revoke answered with a redirect is not followed: the token never reaches the other origin', async () => {
    const app = await startHostileApp(server, { revokeTokenOnShutdown: true });
    server.script('revoke', redirectTo(other, 307));
    await app.close();
    expect(other.requests).toEqual([]);
    expect(app.logs.find('warn', `redirect to ${other.url} (not followed)`)).toHaveLength(1);
    expect(leaksIn(exposedText(undefined, app.logs), server)).toEqual([]);
  });
});
