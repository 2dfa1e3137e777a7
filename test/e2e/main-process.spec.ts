/**
 * The sample app as Cloud Run runs it: `node dist/main.js` (built by `pretest`) in a child process, configured only
 * through the environment (PORT, INFISICAL_*, LOG_FORMAT), against the local Infisical server in this process.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppProcess } from '../support/app-process.js';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, appSeedSecrets, createAppSeed } from '../support/fixtures/app-seed.js';
import { freePort } from '../support/free-port.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';

/** Any JWT (an access token) — none may ever be printed. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;
/** How long a graceful stop may take after SIGTERM (Cloud Run allows 10 s; the app needs tens of milliseconds). */
const STOP_BUDGET_MS = 1000;

describe('node dist/main.js (Cloud Run start-up)', () => {
  let server: LocalInfisicalServer;
  let app: AppProcess | undefined;
  const cwd = mkdtempSync(join(tmpdir(), 'main-process-')); // empty: no stray .env

  const environment = (target: { url: string }, extra: Record<string, string> = {}) => ({
    INFISICAL_SITE_URL: target.url,
    INFISICAL_CLIENT_ID: APP_DEV.clientId,
    INFISICAL_CLIENT_SECRET: APP_DEV.clientSecret,
    INFISICAL_PROJECT_ID: APP_PROJECT_ID,
    INFISICAL_ENVIRONMENT: 'dev',
    ...extra,
  });
  const start = async (extra: Record<string, string> = {}, target: { url: string } = server) =>
    (app = new AppProcess(await freePort(), environment(target, extra), cwd));
  const expectNoLeaks = (output: string) => {
    expect(findLeaks(output, appSeedSecrets())).toEqual([]);
    expect(output).not.toMatch(JWT);
  };

  beforeAll(async () => {
    server = await LocalInfisicalServer.start({ seed: createAppSeed() });
  });
  afterEach(() => {
    app?.kill();
    app = undefined;
  });
  afterAll(async () => {
    await server.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('listens on PORT, reports ready and alive, and exits 0 promptly on SIGTERM without printing a secret', async () => {
    const running = await start();
    const ready = await running.waitFor('/health/infisical', (r) => r.status === 200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { infisical: { status: 'up', source: 'infisical', environment: 'dev' } } });
    expect(await running.get('/health')).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
    expect(running.stdout).toContain(`Listening on port ${running.port}`);

    const exit = await running.stop();
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.tookMs).toBeLessThan(STOP_BUDGET_MS);
    expect(running.stdout).toContain('SIGTERM received: shutting down');
    expect(running.stderr).toBe('');
    expectNoLeaks(running.output);
  });

  it('INFISICAL_SECRET_PATHS=/shared,/app: boots healthy, and /health/infisical shows the folder each key came from', async () => {
    const running = await start({ INFISICAL_SECRET_PATHS: '/shared,/app' });
    const ready = await running.waitFor('/health/infisical', (r) => r.status === 200);
    const folder = (secretPath: string) => ({ source: 'infisical', version: 1, projectId: APP_PROJECT_ID, environment: 'dev', secretPath });
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: {
        infisical: {
          status: 'up',
          source: 'infisical',
          sources: [
            { projectId: APP_PROJECT_ID, environment: 'dev', secretPath: '/shared' },
            { projectId: APP_PROJECT_ID, environment: 'dev', secretPath: '/app' },
          ],
          keys: {
            GEMINI_API_KEY: folder('/shared'),
            NOTION_API_KEY: folder('/shared'),
            GMAIL_CLIENT_ID: folder('/app'),
            GMAIL_CLIENT_SECRET: folder('/app'),
            GMAIL_REFRESH_TOKEN: folder('/app'),
            APP_GREETING: folder('/app'), // in both folders: the later one wins
            PORT: { source: 'env' },
            LOG_FORMAT: { source: 'default' },
          },
        },
      },
    });
    expect(running.stdout).toContain(
      `Loaded configuration from Infisical sources #1 environment "dev" (project ${APP_PROJECT_ID}, path "/shared"), #2 environment "dev" (project ${APP_PROJECT_ID}, path "/app"): 8 keys`,
    );
    expect((await running.stop()).code).toBe(0);
    expect(running.stderr).toBe('');
    expectNoLeaks(running.output);
  });

  it('exits non-zero on a missing required key, naming the key in one report on stderr', async () => {
    const local = await LocalInfisicalServer.start({ seed: createAppSeed() });
    try {
      local.deleteSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY' });
      const failing = await start({}, local);
      const exit = await failing.exited;
      expect(exit.code).toBe(1);
      expect(failing.stderr.match(/Application failed to start/g)).toHaveLength(1);
      expect(failing.stderr.match(/GEMINI_API_KEY[^\n]*: missing/g)).toHaveLength(1);
      expect(failing.stderr).toContain('Fix: add GEMINI_API_KEY to Infisical environment "dev"');
      expect(failing.stdout).not.toContain('GEMINI_API_KEY');
      expectNoLeaks(failing.output);
    } finally {
      await local.close();
    }
  });

  it('retries while Infisical is unreachable, then fails with a clear error by the start-up deadline', async () => {
    const closed = await freePort(); // nothing listens there: every attempt is refused at once
    const failing = await start({ INFISICAL_STARTUP_TIMEOUT_MS: '1500' }, { url: `http://127.0.0.1:${closed}` });
    const started = Date.now();
    const exit = await failing.exited;
    // The process did not exit quietly between two retries: it decided, with the reason, at the deadline or as soon
    // as the next retry (full-jitter back-off) would not fit before it, which can be well before the deadline.
    expect(exit.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(1500 + 5000); // boot, the deadline, and a loaded machine's slack
    expect(failing.stderr).toMatch(/Infisical(StartupTimeout|Unreachable)Error/);
    expect(failing.stderr).toContain('connection refused (ECONNREFUSED)');
    expectNoLeaks(failing.output);
  });

  it('LOG_FORMAT=json: every stdout line is one JSON object with a severity', async () => {
    const running = await start({ LOG_FORMAT: 'json' });
    await running.waitFor('/health/infisical', (r) => r.status === 200);
    const exit = await running.stop();
    expect(exit.code).toBe(0);
    const lines = running.stdout.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(3);
    const entries = lines.map((line) => JSON.parse(line) as { severity?: unknown; message?: unknown });
    for (const entry of entries) {
      expect(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']).toContain(entry.severity);
      expect(typeof entry.message).toBe('string');
    }
    expect(entries).toContainEqual(expect.objectContaining({ severity: 'INFO', context: 'Bootstrap', message: expect.stringContaining('Listening on port') }));
    expect(running.stderr).toBe('');
    expectNoLeaks(running.output);
  });

  it('LOG_FORMAT=json: a failed start is one CRITICAL JSON entry, not one entry per line', async () => {
    const failing = await start({ LOG_FORMAT: 'json', INFISICAL_REQUIRED_KEYS: 'STRIPE_API_KEY' });
    expect((await failing.exited).code).toBe(1);
    const lines = failing.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      severity: 'CRITICAL',
      context: 'Bootstrap',
      message: expect.stringMatching(/^Application failed to start\. InfisicalConfigValidationError: [\s\S]*STRIPE_API_KEY: missing/),
    });
    for (const line of failing.stdout.split('\n').filter(Boolean)) expect(JSON.parse(line)).toHaveProperty('severity');
    expectNoLeaks(failing.output);
  });

  it('stays alive (/health 200) while Infisical is down; only readiness reports the outage', async () => {
    const local = await LocalInfisicalServer.start({ seed: createAppSeed() });
    let closed = false;
    try {
      const running = await start({ INFISICAL_CACHE_TTL: '1' }, local);
      await running.waitFor('/health/infisical', (r) => r.status === 200);
      await local.close();
      closed = true;
      // Readiness turns stale once a refresh has failed (TTL 1 s); liveness is checked at every poll on the way.
      const liveness: number[] = [];
      const outage = await running.waitFor('/health/infisical', (r) => {
        void running.get('/health').then((h) => liveness.push(h.status), () => liveness.push(0));
        return (r.body.details as { infisical?: { stale?: boolean } } | undefined)?.infisical?.stale === true;
      });
      expect(outage.body).toMatchObject({
        details: { infisical: { source: 'infisical', consecutiveFailures: expect.any(Number), lastError: expect.stringContaining('ECONNREFUSED') } },
      });
      for (let i = 0; i < 3; i++) liveness.push((await running.get('/health')).status);
      expect(liveness.length).toBeGreaterThan(3);
      expect(new Set(liveness)).toEqual(new Set([200]));
      const exit = await running.stop();
      expect(exit.code).toBe(0);
      expectNoLeaks(running.output);
    } finally {
      if (!closed) await local.close();
    }
  });

  describe('the HTTP stack the requests to Infisical take (TRANSPORT_PROBE preload)', () => {
    const PROBE = resolve('test/support/fixtures/transport-probe.mjs');
    const TO_INFISICAL = ['POST /api/v1/auth/universal-auth/login', 'GET /api/v3/secrets/raw'];
    const probe = async (mode: string, extra: Record<string, string> = {}) => {
      const running = new AppProcess(await freePort(), { ...environment(server), TRANSPORT_PROBE: mode, ...extra }, cwd, ['--import', PROBE]);
      app = running;
      await running.waitFor('/health/infisical', (r) => r.status === 200);
      expect((await running.stop()).code).toBe(0);
      const line = running.stdout.split('\n').find((l) => l.startsWith('transport-probe '));
      return JSON.parse(line!.slice('transport-probe '.length)) as { http: string[]; undici: string[]; undiciLoaded: boolean; mockAgentPending?: number };
    };

    it('node:http when nothing has used or customised fetch: Node never loads fetch\'s stack', async () => {
      expect(await probe('plain')).toEqual({ http: TO_INFISICAL, undici: [], undiciLoaded: false });
    });

    it('fetch once the app has used fetch before the module starts', async () => {
      expect(await probe('fetch-used')).toEqual({ http: [], undici: [], undiciLoaded: true });
    });

    it('fetch, seen by the tracer, when something subscribes to undici\'s request channel', async () => {
      expect(await probe('traced')).toEqual({ http: [], undici: TO_INFISICAL, undiciLoaded: true });
    });

    it('fetch through undici\'s MockAgent when one is the global dispatcher: it answers, the server sees nothing', async () => {
      server.clearRequests();
      expect(await probe('mock-agent', { PROBE_SECRETS: JSON.stringify(APP_VALUES.dev) })).toEqual({ http: [], undici: [], undiciLoaded: true, mockAgentPending: 0 });
      expect(server.requests.filter((r) => r.path.startsWith('/api/'))).toEqual([]);
    });
  });
});
