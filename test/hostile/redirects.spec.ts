import { describe, expect, it } from '@jest/globals';
import { InfisicalUnreachableError } from '../../src/infisical/index.js';
import {
  bootstrapFailure,
  exposedText,
  GOOD_SECRETS,
  HOSTILE_CLIENT_SECRET,
  leaksIn,
  redirectTo,
  useHostileScenario,
} from '../support/hostile-server/index.js';

/** Issue 16, Security: a redirect is never followed, on any call; it is an error naming the Location origin. */
describe('redirects are never followed', () => {
  const h = useHostileScenario({ other: { secrets: { APP_GREETING: 'value-from-the-other-origin', DB_PASSWORD: 'other-origin-password' }, tokenPrefix: 'other' } });


  /** Nothing reached the other origin: no client secret, no token, no request at all. */
  function expectNothingElsewhere() {
    expect(h.other.requests).toEqual([]);
  }

  describe.each([307, 308])('login answered %i to another origin', (status) => {
    it('at bootstrap: fails at once naming the origin; the client secret never leaves', async () => {
      h.server.script('login', redirectTo(h.other, status));
      const { error, logs } = await bootstrapFailure(h.server);
      expect(error).toBeInstanceOf(InfisicalUnreachableError);
      expect(error).toMatchObject({ reason: 'redirect', transient: false });
      expect(error.message).toContain(`HTTP ${status} redirect to ${h.other.url} (not followed)`);
      expect(h.server.requestsTo('login')).toHaveLength(1);
      expectNothingElsewhere();
      expect(leaksIn(exposedText(undefined, logs, error), h.server, h.other)).toEqual([]);
    });

    it('mid-run (a re-login after a revoked token): the last good values stay, health names the origin', async () => {
      const app = await h.start();
      h.server.script('list', { status: 401, body: { statusCode: 401, message: 'Token has been revoked', error: 'UnauthorizedError' } }, 1);
      h.server.script('login', redirectTo(h.other, status));
      await app.nextRefresh();
      expect(h.server.requestsTo('login')).toHaveLength(2);
      expectNothingElsewhere();
      expect(app.store.get('APP_GREETING')).toBe(GOOD_SECRETS.APP_GREETING);
      expect(app.health()).toMatchObject({ status: 'degraded', consecutiveFailures: 1 });
      expect(app.health().lastError).toContain(`redirect to ${h.other.url} (not followed)`);
      expect(leaksIn(exposedText(app, app.logs), h.server, h.other)).toEqual([]);
    });
  });

  describe('token renewal answered 307 to another origin', () => {
    it('the token is not sent elsewhere; the session falls back to a fresh login at the real origin', async () => {
      await h.restartServer({ tokenTtlSeconds: 30 });
      const app = await h.start();
      h.server.script('renew', redirectTo(h.other, 307));
      // renewal is due once a third of the 30 s lifetime is left (the first refresh after 20 s, TTL 1 s ± 10 %)
      await app.advanceUntil(() => h.server.requestsTo('renew').length >= 1, 25_000);
      await app.advance(2_000);
      expect(h.server.requestsTo('login').length).toBeGreaterThanOrEqual(2);
      expectNothingElsewhere();
      expect(app.health()).toMatchObject({ status: 'up' });
      expect(leaksIn(exposedText(app, app.logs), h.server, h.other)).toEqual([]);
    });

    it('with the login redirected too: an error naming the origin, the last good values stay', async () => {
      await h.restartServer({ tokenTtlSeconds: 30 });
      const app = await h.start();
      h.server.script('renew', redirectTo(h.other, 307)).script('login', redirectTo(h.other, 307));
      await app.advanceUntil(() => h.server.requestsTo('renew').length >= 1, 25_000);
      await app.advance(2_000);
      expect(h.server.requestsTo('renew')).toHaveLength(1);
      expectNothingElsewhere();
      expect(app.store.get('DB_PASSWORD')).toBe(GOOD_SECRETS.DB_PASSWORD);
      expect(app.health()).toMatchObject({ status: 'degraded' });
      expect(app.health().lastError).toContain(`redirect to ${h.other.url} (not followed)`);
      expect(leaksIn(exposedText(app, app.logs), h.server, h.other)).toEqual([]);
    });
  });

  describe.each([301, 302, 303, 307, 308])('list answered %i to another origin', (status) => {
    it('at bootstrap: fails at once naming the origin; no token reaches it', async () => {
      h.server.script('list', redirectTo(h.other, status));
      const { error, logs } = await bootstrapFailure(h.server);
      expect(error).toMatchObject({ reason: 'redirect', transient: false });
      expect(error.message).toContain(`HTTP ${status} redirect to ${h.other.url} (not followed)`);
      expectNothingElsewhere();
      expect(leaksIn(exposedText(undefined, logs, error), h.server, h.other)).toEqual([]);
    });

    it("mid-run: the other origin's values are never served; the last good values stay", async () => {
      const app = await h.start();
      h.server.script('list', redirectTo(h.other, status));
      await app.nextRefresh();
      expectNothingElsewhere();
      expect(app.store.get('APP_GREETING')).toBe(GOOD_SECRETS.APP_GREETING);
      expect(app.config.get('APP_GREETING')).toBe(GOOD_SECRETS.APP_GREETING);
      const health = app.health();
      expect(health).toMatchObject({ status: 'degraded', consecutiveFailures: 1 });
      expect(health.lastError).toContain(`HTTP ${status} redirect to ${h.other.url} (not followed)`);
      expect(app.logs.find('warn', `redirect to ${h.other.url}`)).toHaveLength(1);
      // a redirect needs a human: retried at the back-off cap, not in a loop
      await app.advance(60_000);
      expect(h.server.requestsTo('list')).toHaveLength(2);
      h.server.heal('list');
      await app.advance(300_000);
      expect(app.health()).toMatchObject({ status: 'up', consecutiveFailures: 0 });
      expectNothingElsewhere();
      expect(leaksIn(exposedText(app, app.logs), h.server, h.other)).toEqual([]);
    });
  });

  it('a redirect without a Location, or with an unparsable one, is an error too', async () => {
    const app = await h.start();
    h.server.script('list', { status: 302, body: '' }, 1);
    await app.nextRefresh();
    expect(app.health().lastError).toContain('redirect to nowhere (no Location header)');
    h.server.script('list', { status: 302, headers: { location: 'http://[::1' }, body: '' }, 1);
    await app.advance(300_000);
    expect(app.health().lastError).toContain('redirect to an unparsable Location');
    expect(app.store.get('APP_GREETING')).toBe(GOOD_SECRETS.APP_GREETING);
    expect(HOSTILE_CLIENT_SECRET).not.toBe('');
  });
});
