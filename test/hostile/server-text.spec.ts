import { describe, expect, it } from '@jest/globals';
import { InfisicalRequestError, InfisicalUnreachableError } from '../../src/infisical/index.js';
import { MAX_SERVER_TEXT_LENGTH } from '../../src/infisical/infisical.defaults.js';
import {
  bootstrapFailure,
  errorAnswer,
  exposedText,
  GOOD_SECRETS,
  leaksIn,
  useHostileScenario,
} from '../support/hostile-server/index.js';

const TEN_MB = 10 * 1024 * 1024;
const FORGED = 'boom\r\n[Nest] 1  - 12/05/2026, 5:00:00 AM     LOG [Infisical] Infisical refresh recovered\n\u001b[31mred\u2028';
/** No module log line, error message or health payload carries more than this many characters of server text. */
const BOUND = MAX_SERVER_TEXT_LENGTH + 1000;

/** Issue 16, Security: server-provided text is shortened and its control characters escaped everywhere. */
describe('server-provided text in errors, logs and health', () => {
  const h = useHostileScenario();


  function expectBoundedLogs(logs: { lines: Array<{ text: string }> }) {
    for (const line of logs.lines) expect(line.text.length).toBeLessThan(BOUND + 1000);
  }

  describe.each([
    ['HTTP 500', 500],
    ['HTTP 400', 400],
  ])('a list error (%s) with a 10 MB message', (_label, status) => {
    const huge = () => errorAnswer(status, `${'A'.repeat(TEN_MB)} ${GOOD_SECRETS.DB_PASSWORD}`, status === 400 ? 'Bad Request' : 'Internal Server Error');

    it('at bootstrap: the error is short', async () => {
      h.server.script('list', huge());
      // room for one 10 MB answer on a loaded machine (CI runs two test files at once; one took over 2 s there): the
      // error reported is then that answer's, not a timeout
      const { error, logs } = await bootstrapFailure(h.server, { startupTimeoutMs: 5_000 });
      // a 5xx is transient (retried until the deadline), a 400 is not
      expect(error).toBeInstanceOf(status === 500 ? InfisicalUnreachableError : InfisicalRequestError);
      expect(error.message.length).toBeLessThan(BOUND * 2);
      expect(error.message).toMatch(/more characters\)/);
      expectBoundedLogs(logs);
      expect(leaksIn(exposedText(undefined, logs, error), h.server)).toEqual([]);
    });

    it('mid-run: one short log line, a small health payload, the last good values', async () => {
      const app = await h.start();
      h.server.script('list', huge());
      await app.nextRefresh();
      expect(app.store.get('DB_PASSWORD')).toBe(GOOD_SECRETS.DB_PASSWORD);
      const warning = app.logs.find('warn', /Infisical refresh (failed|was rejected)/);
      expect(warning).toHaveLength(1);
      expect(warning[0]!.length).toBeLessThan(BOUND + 500);
      expectBoundedLogs(app.logs);
      const payload = JSON.stringify(app.health());
      expect(payload.length).toBeLessThan(BOUND + 2000);
      expect(app.health()).toMatchObject({ status: 'degraded' });
      expect(leaksIn(exposedText(app, app.logs), h.server)).toEqual([]);
    });
  });

  describe.each([
    ['HTTP 500', 500],
    ['HTTP 400', 400],
    ['HTTP 403', 403],
  ])('a list error (%s) whose message carries CR/LF and escape sequences', (_label, status) => {
    it('at bootstrap: the error message has no raw control characters from the server', async () => {
      h.server.script('list', errorAnswer(status, FORGED, 'Forged'));
      const { error, logs } = await bootstrapFailure(h.server);
      const serverPart = error.message.slice(error.message.indexOf('boom'));
      expect(error.message).toContain('boom');
      expect(serverPart).not.toMatch(/[\r\u001b\u2028]|\n\[Nest\]/);
      for (const line of logs.lines) expect(line.text).not.toMatch(/[\r\u001b\u2028]|\n\[Nest\]/);
    });

    it('mid-run: no forged log line, no control characters in health', async () => {
      const app = await h.start();
      h.server.script('list', errorAnswer(status, FORGED, 'Forged'));
      await app.nextRefresh();
      const warning = app.logs.find('warn', /Infisical refresh (failed|was rejected)/);
      expect(warning).toHaveLength(1);
      expect(warning[0]).toContain('boom\\r\\n[Nest]');
      for (const line of app.logs.lines) expect(line.text).not.toMatch(/[\r\n\u001b\u2028]/);
      expect(app.logs.find('log', 'recovered')).toEqual([]);
      expect(String(app.health().lastError)).not.toMatch(/[\r\n\u001b\u2028]/);
    });
  });

  it('an unusable 200 answer with a huge, control-laden secret key is reported shortened and escaped', async () => {
    const app = await h.start();
    h.server.script('list', { body: { secrets: [{ secretKey: `${'K'.repeat(100_000)}\r\nFAKE`, secretValue: 1 }] } });
    await app.nextRefresh();
    expect(app.health()).toMatchObject({ status: 'degraded' });
    const error = String(app.health().lastError);
    expect(error.length).toBeLessThan(BOUND + 1000);
    expect(error).not.toMatch(/[\r\n]/);
    for (const line of app.logs.lines) expect(line.text.length).toBeLessThan(BOUND + 1000);
  });
});
