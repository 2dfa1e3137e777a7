/**
 * Several sources in one registration: two folders of the app's project (`/shared`, `/app`) and one folder of a
 * second project (the platform's `/shared`), read by one identity — see `test/support/fixtures/app-seed.ts`.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppEnvironment } from '../../src/config/app-environment.js';
import {
  GeminiCredentials,
  GmailCredentials,
  InfisicalHealthIndicator,
  InfisicalPermissionError,
  InfisicalProjectAccessError,
  InfisicalStartupTimeoutError,
  type InfisicalModuleOptions,
} from '../../src/infisical/index.js';
import { APP_DEV, APP_PROJECT_ID, appSeedSecrets, createAppSeed, credentialValues, FOLDER_VALUES, PLATFORM_PROJECT_ID, PLATFORM_VALUES } from '../support/fixtures/app-seed.js';
import { ALL_CREDENTIALS, optionsFor, rejectionOf, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks, LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';

const LOGIN = '/api/v1/auth/universal-auth/login';
const LIST = '/api/v3/secrets/raw';
const TTL = 60;
const TTL_MS = TTL * 1000;
/** Later sources win: the platform's `/shared` has the last word. */
const THREE_SOURCES = [{ secretPath: '/shared' }, { secretPath: '/app' }, { projectId: PLATFORM_PROJECT_ID, secretPath: '/shared' }];
/** Where each source lives, as `keyInfo` names it. */
const SHARED = { projectId: APP_PROJECT_ID, environment: 'dev', secretPath: '/shared' };
const APP = { projectId: APP_PROJECT_ID, environment: 'dev', secretPath: '/app' };
const PLATFORM = { projectId: PLATFORM_PROJECT_ID, environment: 'dev', secretPath: '/shared' };
/** The same places, as the local server's admin API locates a secret. */
const at = ({ projectId, environment, secretPath }: typeof SHARED) => ({ projectId, environment, path: secretPath });
/** Only the list request of one source. */
const listOf = (source: { projectId: string; secretPath: string }) => ({ path: LIST, query: { workspaceId: source.projectId, secretPath: source.secretPath } });

describe('several sources (two folders of one project, one folder of another)', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: TestApp | undefined;
  let dir: string;

  const options = (extra: Partial<InfisicalModuleOptions> = {}) =>
    optionsFor(server, APP_DEV, 'dev', { sources: THREE_SOURCES, cacheTtlSeconds: TTL, schema: AppEnvironment, ...extra });
  const start = async (extra: Partial<InfisicalModuleOptions> = {}, logs = new LogCapture(), envFile?: string) =>
    (app = await startInfisicalApp({ options: options(extra), credentials: ALL_CREDENTIALS, clock, logs, envFile }));
  const advance = (ms: number) => clock.advanceAsync(ms, () => app!.store.whenSettled());
  const health = () => app!.app.get(InfisicalHealthIndicator).isHealthy().infisical;

  beforeEach(async () => {
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    dir = await mkdtemp(join(tmpdir(), 'infisical-sources-'));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server.close();
    await rm(dir, { recursive: true, force: true });
    for (const key of ['APP_GREETING', 'GEMINI_API_KEY', 'LOG_FORMAT']) delete process.env[key];
  });

  it('a later source wins a key clash; Infisical wins over the process environment and .env, which win over schema defaults', async () => {
    const envFile = join(dir, '.env');
    await writeFile(envFile, 'APP_GREETING=Hello from .env\nLOG_FORMAT=json\n');
    process.env.GEMINI_API_KEY = credentialValues('dev', '9').GEMINI_API_KEY;
    const logs = new LogCapture();
    await start({}, logs, envFile);
    const { config, store } = app!;

    // APP_GREETING is in all three sources and in .env.
    expect(config.get('APP_GREETING')).toBe(PLATFORM_VALUES.APP_GREETING);
    expect(store.keyInfo().APP_GREETING).toEqual({ source: 'infisical', version: 1, ...PLATFORM });
    // GEMINI_API_KEY is in /shared only, and in the process environment.
    expect(app!.app.get(GeminiCredentials).apiKey).toBe(FOLDER_VALUES['/shared'].GEMINI_API_KEY);
    expect(store.keyInfo().GEMINI_API_KEY).toEqual({ source: 'infisical', version: 1, ...SHARED });
    expect(app!.app.get(GmailCredentials).clientId).toBe(FOLDER_VALUES['/app'].GMAIL_CLIENT_ID);
    expect(store.keyInfo().GMAIL_CLIENT_ID).toEqual({ source: 'infisical', version: 1, ...APP });
    expect(config.get('PLATFORM_REGION')).toBe(PLATFORM_VALUES.PLATFORM_REGION);
    // No source has LOG_FORMAT: .env beats the schema default; PORT is nowhere but in the default.
    expect(config.get('LOG_FORMAT')).toBe('json');
    expect(store.keyInfo().LOG_FORMAT).toEqual({ source: 'env' });
    expect(config.get('PORT')).toBe(3000);
    expect(store.keyInfo().PORT).toEqual({ source: 'default' });

    expect(store.status().sources).toEqual([SHARED, APP, PLATFORM]);
    const [line] = logs.find('log', 'Loaded configuration from');
    expect(line).toContain(
      `Loaded configuration from Infisical sources #1 environment "dev" (project ${APP_PROJECT_ID}, path "/shared"), ` +
        `#2 environment "dev" (project ${APP_PROJECT_ID}, path "/app"), #3 environment "dev" (project ${PLATFORM_PROJECT_ID}, path "/shared"): `,
    );
    expect(findLeaks(logs.text, [...appSeedSecrets(), process.env.GEMINI_API_KEY!])).toEqual([]);
  });

  it('bootstrap makes one login and three list requests, issued together (the requests overlap at the server)', async () => {
    // Each list takes 300 ms at the server: lists sent one after the other could not overlap.
    server.injectFault({ kind: 'latency', ms: 300, path: LIST, times: 3 });
    await start();
    expect(server.requestsTo(LOGIN)).toHaveLength(1);
    const lists = server.requestsTo(LIST);
    expect(lists.map((r) => [r.query.workspaceId, r.query.secretPath]).sort()).toEqual(
      [[APP_PROJECT_ID, '/shared'], [APP_PROJECT_ID, '/app'], [PLATFORM_PROJECT_ID, '/shared']].sort(),
    );
    const lastStart = Math.max(...lists.map((r) => r.startedAt));
    const firstEnd = Math.min(...lists.map((r) => r.endedAt!));
    expect(lastStart).toBeLessThan(firstEnd);
    expect(server.requests.map((r) => r.path)).toEqual([LOGIN, LIST, LIST, LIST]);
  });

  it('a rotation in each source arrives with the next refresh, with its new version', async () => {
    await start();
    const rotated = {
      shared: credentialValues('dev', '7').NOTION_API_KEY,
      app: credentialValues('dev', '7').GMAIL_REFRESH_TOKEN,
      platform: 'europe-north1',
    };
    server.setSecret({ ...at(SHARED), key: 'NOTION_API_KEY', value: rotated.shared });
    server.setSecret({ ...at(APP), key: 'GMAIL_REFRESH_TOKEN', value: rotated.app });
    server.setSecret({ ...at(PLATFORM), key: 'PLATFORM_REGION', value: rotated.platform });

    await advance(TTL_MS * 1.1 + 1);
    expect(server.requestsTo(LOGIN)).toHaveLength(1);
    expect(server.requestsTo(LIST)).toHaveLength(6);
    const { config, store } = app!;
    expect([config.get('NOTION_API_KEY'), config.get('GMAIL_REFRESH_TOKEN'), config.get('PLATFORM_REGION')]).toEqual([rotated.shared, rotated.app, rotated.platform]);
    expect(store.keyInfo().NOTION_API_KEY).toEqual({ source: 'infisical', version: 2, ...SHARED });
    expect(store.keyInfo().GMAIL_REFRESH_TOKEN).toEqual({ source: 'infisical', version: 2, ...APP });
    expect(store.keyInfo().PLATFORM_REGION).toEqual({ source: 'infisical', version: 2, ...PLATFORM });
    expect(app!.logs.find('log', 'key(s) changed')).toEqual(['Infisical refresh: 3 key(s) changed: GMAIL_REFRESH_TOKEN (v2), NOTION_API_KEY (v2), PLATFORM_REGION (v2)']);
    expect(health().status).toBe('up');
  });

  it('a fault on one source during a refresh keeps every value (never a mix of old and new sources) and marks health degraded', async () => {
    await start();
    const before = { ...app!.store.configuration() };
    const rotatedKey = credentialValues('dev', '7').GEMINI_API_KEY;
    server.setSecret({ ...at(SHARED), key: 'GEMINI_API_KEY', value: rotatedKey });
    server.setSecret({ ...at(APP), key: 'APP_GREETING', value: 'Hello again from /app' });
    server.injectFault({ kind: 'status', status: 500, ...listOf(PLATFORM) });

    await advance(TTL_MS * 1.1 + 1);
    const refreshes = server.requestsTo(LIST).slice(3);
    expect(refreshes.length).toBeGreaterThanOrEqual(3);
    for (const r of refreshes) expect([r.query.workspaceId, r.query.secretPath, r.status]).toEqual(r.query.workspaceId === PLATFORM_PROJECT_ID ? [PLATFORM_PROJECT_ID, '/shared', 500] : [APP_PROJECT_ID, r.query.secretPath, 200]);
    expect(app!.store.configuration()).toEqual(before);
    expect(app!.app.get(GeminiCredentials).apiKey).toBe(FOLDER_VALUES['/shared'].GEMINI_API_KEY);
    expect(app!.store.keyInfo().GEMINI_API_KEY).toEqual({ source: 'infisical', version: 1, ...SHARED });
    const status = health();
    expect(status).toMatchObject({ status: 'degraded' });
    expect(status.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(status.lastError).toContain(`project ${PLATFORM_PROJECT_ID}, path "/shared"`);

    server.clearFaults();
    const refreshed = app!.store.refresh(); // during the back-off: served by the retry at its end
    await advance(Date.parse(app!.store.status().nextRefreshAt!) + 1 - clock.now());
    expect(await refreshed).toBe(true);
    expect(app!.app.get(GeminiCredentials).apiKey).toBe(rotatedKey);
    expect(app!.config.get('APP_GREETING')).toBe(PLATFORM_VALUES.APP_GREETING);
    expect(health()).toMatchObject({ status: 'up', consecutiveFailures: 0 });
    expect(findLeaks(app!.logs.text, [...appSeedSecrets(), rotatedKey])).toEqual([]);
  });

  it.each([
    {
      name: 'not a member of its project',
      type: InfisicalProjectAccessError,
      breakIt: () => server.removeProjectMembership(APP_DEV.id, PLATFORM_PROJECT_ID),
      extra: {},
      says: `not a member of project ${PLATFORM_PROJECT_ID}`,
    },
    {
      name: 'no read rule in its project',
      type: InfisicalProjectAccessError,
      breakIt: () => server.setReadPermission(APP_DEV.id, PLATFORM_PROJECT_ID, []),
      extra: {},
      says: `environment "dev" (project ${PLATFORM_PROJECT_ID}, path "/shared")`,
    },
    {
      name: 'reads another environment only (Infisical hides the secrets) while a required key lives there',
      type: InfisicalPermissionError,
      breakIt: () => server.setReadPermission(APP_DEV.id, PLATFORM_PROJECT_ID, ['prod']),
      extra: { requiredKeys: ['PLATFORM_REGION'] },
      says: `environment "dev" (project ${PLATFORM_PROJECT_ID}, path "/shared")`,
    },
  ])('one unreadable source at bootstrap fails the start, naming that source: $name', async ({ type, breakIt, extra, says }) => {
    breakIt();
    const logs = new LogCapture();
    const error = await rejectionOf(start(extra, logs));
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(says);
    expect(error.message).not.toContain(`project ${APP_PROJECT_ID}`);
    expect(findLeaks(`${error.stack}\n${logs.text}`, appSeedSecrets())).toEqual([]);
  });

  it('a source that hangs at bootstrap: the deadline error names every source it waited for', async () => {
    server.injectFault({ kind: 'hang', ...listOf(PLATFORM) });
    // Real clock: the start-up deadline is what ends the wait.
    const error = await rejectionOf(startInfisicalApp({ options: options({ startupTimeoutMs: 300 }), credentials: ALL_CREDENTIALS }));
    expect(error).toBeInstanceOf(InfisicalStartupTimeoutError);
    expect(error.message).toContain(
      `did not deliver sources #1 environment "dev" (project ${APP_PROJECT_ID}, path "/shared"), #2 environment "dev" (project ${APP_PROJECT_ID}, path "/app"), ` +
        `#3 environment "dev" (project ${PLATFORM_PROJECT_ID}, path "/shared") within startupTimeoutMs=300 ms`,
    );
  });

  it('rejects a last-known-good file written for another list of sources (changed order included)', async () => {
    const persistentCache = { path: join(dir, 'last-known-good.json') };
    const first = await startInfisicalApp({ options: options({ persistentCache }), credentials: ALL_CREDENTIALS });
    await first.store.whenSettled();
    await first.close();
    server.injectFault({ kind: 'hang', path: LIST });
    // Real clock here: Infisical hangs, so each start waits for its (short) deadline, then tries the file.
    const boot = (sources: InfisicalModuleOptions['sources']) =>
      startInfisicalApp({ options: options({ sources, persistentCache, startupTimeoutMs: 300 }), credentials: ALL_CREDENTIALS });

    for (const sources of [THREE_SOURCES.slice(0, 2), [THREE_SOURCES[1]!, THREE_SOURCES[0]!, THREE_SOURCES[2]!]]) {
      const error = await rejectionOf(boot(sources));
      expect(error).toBeInstanceOf(InfisicalStartupTimeoutError);
      expect(error.message).toContain('The last-known-good snapshot could not be used either');
      expect(error.message).toContain(
        `it was written for environment "dev" path "/shared" of project ${APP_PROJECT_ID}, then environment "dev" path "/app" of project ${APP_PROJECT_ID}, then environment "dev" path "/shared" of project ${PLATFORM_PROJECT_ID}`,
      );
    }
    // The same list of sources starts from the file.
    app = await boot(THREE_SOURCES);
    expect(app.store.status()).toMatchObject({ state: 'degraded', source: 'cache', sources: [SHARED, APP, PLATFORM] });
    expect(app.store.keyInfo().APP_GREETING).toEqual({ source: 'cache', version: 1, ...PLATFORM });
  });
});
