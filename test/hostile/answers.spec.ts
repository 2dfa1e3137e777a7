import { describe, expect, it } from '@jest/globals';
import { InfisicalError } from '../../src/infisical/index.js';
import { BACKOFF_BASE_MS } from '../../src/infisical/infisical.defaults.js';
import {
  bootstrapFailure,
  exposedText,
  GOOD_SECRETS,
  type HostileAnswer,
  leaksIn,
  secretItem,
  useHostileScenario,
} from '../support/hostile-server/index.js';

const MALFORMED_LOGINS: Array<[string, HostileAnswer]> = [
  ['null', { body: 'null' }],
  ['an empty object', { body: {} }],
  ['an array', { body: [] }],
  ['text that is not JSON', { body: '<html>hello</html>' }],
  ['an empty body', { body: '' }],
  ['accessToken: null', { body: { accessToken: null, expiresIn: 60 } }],
  ['a numeric accessToken', { body: { accessToken: 12345678, expiresIn: 60 } }],
  ['an accessToken with CR/LF', { body: { accessToken: 'abc.def\r\nX-Injected: 1', expiresIn: 60 } }],
  ['an accessToken with a space', { body: { accessToken: 'Bearer abc.def', expiresIn: 60 } }],
  ['a 20,000-character accessToken', { body: { accessToken: 'a'.repeat(20_000), expiresIn: 60 } }],
];

/** Issue 16, Robustness: a malformed login answer is a transient "not an Infisical answer" error with normal back-off. */
describe('malformed login answers', () => {
  const h = useHostileScenario();


  describe.each(MALFORMED_LOGINS)('login answered with %s', (_label, answer) => {
    it('at bootstrap: retried as transient until the deadline, then named', async () => {
      h.server.script('login', answer);
      const { error, logs } = await bootstrapFailure(h.server, { startupTimeoutMs: 400 });
      expect(error).toBeInstanceOf(InfisicalError);
      expect((error as InfisicalError).transient).toBe(true);
      expect(error.message).toMatch(/no usable "accessToken"|not a JSON object|does not answer like the Infisical API|a body that is not JSON/);
      expect(error.message).not.toMatch(/[\r\n]X-Injected/);
      expect(h.server.requestsTo('login').length).toBeGreaterThanOrEqual(1);
      expect(h.server.requestsTo('list')).toHaveLength(0);
      expect(leaksIn(exposedText(undefined, logs, error), h.server)).toEqual([]);
    });

    it('mid-run (a re-login): degraded with normal back-off, recovers when the server does', async () => {
      const app = await h.start();
      h.server.script('list', { status: 401, body: { statusCode: 401, message: 'Token has been revoked', error: 'UnauthorizedError' } }, 1);
      h.server.script('login', answer);
      await app.advanceUntil(() => app.health().consecutiveFailures === 1);
      const health = app.health();
      expect(health).toMatchObject({ status: 'degraded', consecutiveFailures: 1 });
      expect(String(health.lastError)).toMatch(/no usable "accessToken"|not a JSON object|does not answer like the Infisical API|a body that is not JSON/);
      // the first back-off step, not the 5-minute cap reserved for answers that need a human
      expect(Date.parse(String(health.nextRefreshAt)) - app.clock.now()).toBeLessThanOrEqual(BACKOFF_BASE_MS);
      expect(app.store.get('APP_GREETING')).toBe(GOOD_SECRETS.APP_GREETING);
      h.server.heal('login');
      await app.advance(5_000);
      expect(app.health()).toMatchObject({ status: 'up', consecutiveFailures: 0 });
      for (const line of app.logs.lines) expect(line.text).not.toMatch(/\r|\nX-Injected/);
      expect(leaksIn(exposedText(app, app.logs), h.server)).toEqual([]);
    });
  });
});

/** Issue 16, Robustness: two entries for one key — the first wins, a warning names the key (never the value). */
describe('duplicate keys in one answer', () => {
  const h = useHostileScenario();
  const twice = (first: string, second: string): HostileAnswer => ({
    body: { secrets: [secretItem('APP_GREETING', first, 3), secretItem('DB_PASSWORD', GOOD_SECRETS.DB_PASSWORD!), secretItem('APP_GREETING', second, 4)], imports: [] },
  });


  it('at bootstrap: the first entry is used, the warning names the key', async () => {
    h.server.script('list', twice('first-entry-value', 'second-entry-value'));
    const app = await h.start();
    expect(app.store.get('APP_GREETING')).toBe('first-entry-value');
    expect(app.store.keyInfo().APP_GREETING).toMatchObject({ version: 3 });
    const warnings = app.logs.find('warn', 'APP_GREETING');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"APP_GREETING" more than once');
    expect(warnings[0]).toContain('the first entry is used');
    expect(app.logs.text).not.toMatch(/first-entry-value|second-entry-value/);
  });

  it('mid-run: the same rule, warned once, stable across refreshes', async () => {
    const app = await h.start();
    h.server.script('list', twice('first-rotated-value', 'second-rotated-value'));
    await app.nextRefresh();
    await app.nextRefresh();
    expect(app.store.get('APP_GREETING')).toBe('first-rotated-value');
    expect(app.config.get('APP_GREETING')).toBe('first-rotated-value');
    expect(app.logs.find('warn', 'more than once')).toHaveLength(1);
    expect(app.logs.text).not.toMatch(/first-rotated-value|second-rotated-value/);
    expect(leaksIn(exposedText(app, app.logs), h.server)).toEqual([]);
  });
});
