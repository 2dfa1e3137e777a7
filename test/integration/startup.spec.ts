import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GeminiCredentials,
  InfisicalAuthenticationError,
  InfisicalRateLimitError,
  InfisicalStartupTimeoutError,
  InfisicalUnreachableError,
  type InfisicalModuleOptions,
} from '../../src/infisical/index.js';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, appSeedSecrets, createAppSeed } from '../support/fixtures/app-seed.js';
import { ALL_CREDENTIALS, closedPortUrl, optionsFor, rejectionOf, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer, type FaultKind } from '../support/infisical-server/index.js';
import { findLeaks, LogCapture } from '../support/log-capture.js';

const LIST = '/api/v3/secrets/raw';
const DEADLINE_MS = 500;
/** What "decides within the deadline" allows on top of it. */
const SLACK_MS = 200;

describe('start-up deadline, transient faults at bootstrap and the last-known-good snapshot', () => {
  let server: LocalInfisicalServer;
  let dir: string;
  let cacheFile: string;
  let app: TestApp | undefined;

  beforeAll(async () => {
    server = await LocalInfisicalServer.start({ seed: createAppSeed() });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'infisical-startup-'));
    cacheFile = join(dir, 'last-known-good.json');
    server.clearFaults();
    server.clearRequests();
  });
  afterEach(async () => {
    server.clearFaults();
    await app?.close();
    app = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const options = (extra: Partial<InfisicalModuleOptions> = {}, target: { url: string } = server) =>
    optionsFor(target, APP_DEV, 'dev', { startupTimeoutMs: DEADLINE_MS, requestTimeoutMs: 5000, ...extra });

  /** Boots once against a healthy server so that the last-known-good file exists. */
  async function writeGoodSnapshot(readAs: Partial<InfisicalModuleOptions> = {}) {
    const first = await startInfisicalApp({ options: options({ persistentCache: { path: cacheFile }, ...readAs }), credentials: ALL_CREDENTIALS });
    await first.store.whenSettled();
    await first.close();
  }

  /**
   * Runs a bootstrap; `ms` is the time from its first request to Infisical (where the deadline starts, after Nest
   * has compiled the module) to its outcome, so a loaded machine's compile time does not count against the deadline.
   */
  async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; outcome: T | Error }> {
    const before = server.requests.length;
    const outcome = await run().catch((error: Error) => error);
    const first = server.requests[before];
    return { ms: first ? performance.now() - first.startedAt : Number.NaN, outcome };
  }

  it('decides within the deadline against a hung server (the SDK alone would wait ~66 s)', async () => {
    server.injectFault({ kind: 'hang' });
    const logs = new LogCapture();
    const { ms, outcome } = await timed(() => startInfisicalApp({ options: options(), credentials: ALL_CREDENTIALS, logs }));
    expect(outcome).toBeInstanceOf(InfisicalStartupTimeoutError);
    expect((outcome as Error).message).toContain(`startupTimeoutMs=${DEADLINE_MS} ms`);
    expect((outcome as Error).message).toContain('INFISICAL_CACHE_FILE');
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(findLeaks(`${(outcome as Error).stack}\n${logs.text}`, appSeedSecrets())).toEqual([]);
  });

  it('starts from a valid last-known-good snapshot when Infisical hangs, within the deadline, and recovers', async () => {
    await writeGoodSnapshot();
    expect(await readFile(cacheFile, 'utf8')).not.toContain(APP_VALUES.dev.GEMINI_API_KEY);
    server.injectFault({ kind: 'hang' });
    const logs = new LogCapture();
    const { ms, outcome } = await timed(() =>
      startInfisicalApp({ options: options({ persistentCache: { path: cacheFile } }), credentials: ALL_CREDENTIALS, logs }),
    );
    expect(outcome).not.toBeInstanceOf(Error);
    app = outcome as TestApp;
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(app.app.get(GeminiCredentials).apiKey).toBe(APP_VALUES.dev.GEMINI_API_KEY);
    expect(app.store.status()).toMatchObject({ state: 'degraded', source: 'cache', consecutiveFailures: 1 });
    expect(app.store.keyInfo().GEMINI_API_KEY).toEqual({ source: 'cache', version: 1, projectId: APP_PROJECT_ID, environment: 'dev', secretPath: '/' });
    expect(logs.find('warn', 'Serving the last-known-good snapshot')).toHaveLength(1);

    server.clearFaults();
    expect(await app.store.refresh()).toBe(true);
    expect(app.store.status()).toMatchObject({ state: 'up', source: 'infisical', consecutiveFailures: 0 });
    expect(findLeaks(logs.text, appSeedSecrets())).toEqual([]);
  });

  it.each([
    ['tampered', async (path: string) => {
      const envelope = JSON.parse(await readFile(path, 'utf8'));
      const bytes = Buffer.from(envelope.ciphertext, 'base64');
      bytes[3] = bytes[3]! ^ 0x01;
      await writeFile(path, JSON.stringify({ ...envelope, ciphertext: bytes.toString('base64') }));
    }, 'failed authentication'],
    ['corrupted', (path: string) => writeFile(path, '{"format":"nestjs-infisical/last-known-'), 'corrupted'],
  ])('rejects a %s snapshot with a clear message, still within the deadline', async (_kind, damage, reason) => {
    await writeGoodSnapshot();
    await damage(cacheFile);
    server.injectFault({ kind: 'hang' });
    const { ms, outcome } = await timed(() =>
      startInfisicalApp({ options: options({ persistentCache: { path: cacheFile } }), credentials: ALL_CREDENTIALS }),
    );
    expect(outcome).toBeInstanceOf(InfisicalStartupTimeoutError);
    expect((outcome as Error).message).toContain('The last-known-good snapshot could not be used either');
    expect((outcome as Error).message).toContain(reason);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  const transientFaults: Array<[string, FaultKind, RegExp]> = [
    ['500', { kind: 'status', status: 500 }, /HTTP 500/],
    ['a non-JSON body', { kind: 'non-json' }, /not JSON/],
    ['a dropped connection', { kind: 'drop' }, /connection closed|socket|reset/i],
    ['a server slower than the deadline', { kind: 'latency', ms: 5000 }, /did not deliver/],
    ['429 asking for longer than the deadline', { kind: 'rate-limit', retryAfterSeconds: 30 }, /rate-limited .* retry in 30 s/],
  ];

  it.each(transientFaults)('fails clearly on %s without a snapshot', async (_name, fault, message) => {
    server.injectFault({ ...fault, path: LIST });
    const { ms, outcome } = await timed(() => startInfisicalApp({ options: options(), credentials: ALL_CREDENTIALS }));
    expect(outcome).toBeInstanceOf(Error);
    expect([InfisicalUnreachableError, InfisicalStartupTimeoutError, InfisicalRateLimitError].some((t) => outcome instanceof t)).toBe(true);
    expect((outcome as Error).message).toMatch(message);
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  it.each(transientFaults)('starts from the snapshot on %s', async (_name, fault) => {
    await writeGoodSnapshot();
    server.injectFault({ ...fault, path: LIST });
    app = await startInfisicalApp({ options: options({ persistentCache: { path: cacheFile } }), credentials: ALL_CREDENTIALS });
    expect(app.store.status()).toMatchObject({ state: 'degraded', source: 'cache' });
    expect(app.config.get('NOTION_API_KEY')).toBe(APP_VALUES.dev.NOTION_API_KEY);
  });

  it('fails clearly when nothing listens at the site URL', async () => {
    const error = await rejectionOf(startInfisicalApp({ options: options({}, { url: await closedPortUrl() }), credentials: ALL_CREDENTIALS }));
    expect(error.message).toMatch(/connection refused \(ECONNREFUSED\)/);
  });

  it('retries a transient failure within the deadline and then boots normally', async () => {
    server.injectFault({ kind: 'status', status: 503, path: LIST, times: 1 });
    app = await startInfisicalApp({ options: options({ startupTimeoutMs: 5000 }), credentials: ALL_CREDENTIALS });
    expect(server.requestsTo(LIST).map((r) => r.status)).toEqual([503, 200]);
    expect(app.store.status()).toMatchObject({ state: 'up', source: 'infisical' });
  });

  it('does not hide a definitive answer behind the snapshot (wrong client secret)', async () => {
    await writeGoodSnapshot();
    const error = await rejectionOf(
      startInfisicalApp({
        options: optionsFor(server, { ...APP_DEV, clientSecret: 'a-wrong-client-secret-value' }, 'dev', { persistentCache: { path: cacheFile, key: APP_DEV.clientSecret } }),
        credentials: ALL_CREDENTIALS,
      }),
    );
    expect(error).toBeInstanceOf(InfisicalAuthenticationError);
  });

  it('treats a token refused right after a fresh login as definitive: one re-login, no snapshot', async () => {
    await writeGoodSnapshot();
    server.clearRequests();
    server.injectFault({ kind: 'status', status: 401, error: 'UnauthorizedError', message: 'Failed to authorize: token usage limit reached', path: LIST });
    const error = await rejectionOf(
      startInfisicalApp({ options: options({ persistentCache: { path: cacheFile } }), credentials: ALL_CREDENTIALS }),
    );
    expect(error).toBeInstanceOf(InfisicalAuthenticationError);
    expect(error.message).toContain('refused an access token it had just issued');
    expect(error.message).toContain('Access Token Max Number of Uses');
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /api/v1/auth/universal-auth/login 200',
      `GET ${LIST} 401`,
      'POST /api/v1/auth/universal-auth/login 200',
      `GET ${LIST} 401`,
    ]);
  });

  it('rejects a snapshot written for another environment', async () => {
    await writeGoodSnapshot();
    server.injectFault({ kind: 'hang' });
    const error = await rejectionOf(
      startInfisicalApp({ options: optionsFor(server, APP_DEV, 'staging', { startupTimeoutMs: DEADLINE_MS, persistentCache: { path: cacheFile } }), credentials: ALL_CREDENTIALS }),
    );
    expect(error.message).toContain('was written for environment "dev"');
  });

  const readSettings: Array<[string, Partial<InfisicalModuleOptions>, string]> = [
    ['expandSecretReferences: false', { expandSecretReferences: false }, 'with secret references left unexpanded'],
    ['recursive: true', { recursive: true }, `path "/" of project ${APP_PROJECT_ID} (recursive)`],
    ['includeImports: false', { includeImports: false }, `path "/" of project ${APP_PROJECT_ID} (without imports)`],
  ];

  it.each(readSettings)('rejects a snapshot read with the defaults when the app reads with %s, and the other way round', async (_name, readAs, described) => {
    /** The refusal's two halves: what the file was written for, and what this configuration is. */
    const refusal = async (settings: Partial<InfisicalModuleOptions>) => {
      const error = await rejectionOf(startInfisicalApp({ options: options({ persistentCache: { path: cacheFile }, ...settings }), credentials: ALL_CREDENTIALS }));
      const [writtenFor, current] = error.message.split('not for this configuration');
      expect(current).toBeDefined();
      return { writtenFor: writtenFor!, current: current! };
    };
    await writeGoodSnapshot();
    server.injectFault({ kind: 'hang' });
    const stricter = await refusal(readAs);
    expect(stricter.current).toContain(described);
    expect(stricter.writtenFor).not.toContain(described);

    server.clearFaults();
    await writeGoodSnapshot(readAs);
    server.injectFault({ kind: 'hang' });
    const looser = await refusal({});
    expect(looser.writtenFor).toContain(described);
    expect(looser.current).not.toContain(described);
  });

  it('opens a snapshot written with the same read settings', async () => {
    await writeGoodSnapshot({ recursive: true, expandSecretReferences: false });
    server.injectFault({ kind: 'hang' });
    app = await startInfisicalApp({ options: options({ persistentCache: { path: cacheFile }, recursive: true, expandSecretReferences: false }), credentials: ALL_CREDENTIALS });
    expect(app.store.status()).toMatchObject({ state: 'degraded', source: 'cache' });
  });

  it('revokes the access token on shutdown when asked', async () => {
    app = await startInfisicalApp({ options: options({ revokeTokenOnShutdown: true }), credentials: ALL_CREDENTIALS });
    await app.close();
    app = undefined;
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/auth/token/revoke', status: 200 });
  });
});
