import { afterEach, beforeEach, expect } from '@jest/globals';
import { inspect } from 'node:util';
import { InfisicalHealthIndicator, type InfisicalModuleOptions } from '../../../src/infisical/index.js';
import { startInfisicalApp, type TestApp } from '../infisical-app.js';
import { findLeaks, LogCapture } from '../log-capture.js';
import { ManualClock } from '../manual-clock.js';
import { HostileServer, type HostileServerOptions } from './hostile-server.js';

export const HOSTILE_PROJECT_ID = 'hostile-project';
export const HOSTILE_CLIENT_ID = '6a1c4a8e-2f0b-4c53-9d1e-7b3f5a2c8e41';
export const HOSTILE_CLIENT_SECRET = 'hostile-client-secret-4f9b2c71d0e6a8';
/** TTL of the mid-run scenarios: a refresh is due 0.9–1.1 s after the last one. */
export const HOSTILE_TTL_MS = 1000;
export const HOSTILE_REQUEST_TIMEOUT_MS = 2000;
/** Healthy secrets the hostile server starts with (long enough to be masked). */
export const GOOD_SECRETS: Readonly<Record<string, string>> = { APP_GREETING: 'good-greeting-value-1', DB_PASSWORD: 'good-db-password-value-1' };

export interface HostileApp extends TestApp {
  clock: ManualClock;
  /** Moves the clock, letting every refresh the timers start complete on loopback. */
  advance(ms: number): Promise<void>;
  /** Advances one TTL window (a refresh is due in it). */
  nextRefresh(): Promise<void>;
  /** Advances in 50 ms steps until `condition` holds (fails past `maxMs` of clock time). */
  advanceUntil(condition: () => boolean, maxMs?: number): Promise<void>;
  /** The indicator's payload. */
  health(): Record<string, unknown> & { status: string };
}

/** Module options pointing at `server` (TTL 1 s, 2 s per attempt). */
export function hostileOptions(server: { url: string }, overrides: Partial<InfisicalModuleOptions> = {}): InfisicalModuleOptions {
  return {
    siteUrl: server.url,
    projectId: HOSTILE_PROJECT_ID,
    environment: 'dev',
    auth: { universalAuth: { clientId: HOSTILE_CLIENT_ID, clientSecret: HOSTILE_CLIENT_SECRET } },
    cacheTtlSeconds: HOSTILE_TTL_MS / 1000,
    requestTimeoutMs: HOSTILE_REQUEST_TIMEOUT_MS,
    startupTimeoutMs: 5000,
    ...overrides,
  };
}

/** Boots a real Nest application against `server` on a manual clock. */
export async function startHostileApp(server: HostileServer, overrides: Partial<InfisicalModuleOptions> = {}, clock = new ManualClock()): Promise<HostileApp> {
  const app = await startInfisicalApp({ options: hostileOptions(server, overrides), clock });
  const advance = (ms: number) => clock.advanceAsync(ms, () => app.store.whenSettled());
  return {
    ...app,
    clock,
    advance,
    nextRefresh: () => advance(HOSTILE_TTL_MS * 1.1 + 1),
    async advanceUntil(condition, maxMs = 600_000) {
      for (let waited = 0; !condition(); waited += 50) {
        if (waited > maxMs) throw new Error(`condition not met within ${maxMs} ms of clock time`);
        await advance(50);
      }
    },
    health: () => app.app.get(InfisicalHealthIndicator).isHealthy().infisical as Record<string, unknown> & { status: string },
  };
}

/** Every place a secret could leak to: logs, health, how the store prints, and the given errors. */
export function exposedText(app: TestApp | undefined, logs: { text: string }, ...errors: unknown[]): string {
  const parts = [logs.text, ...errors.map((e) => (e instanceof Error ? `${e.message}\n${e.stack}\n${inspect(e)}\n${JSON.stringify(e)}` : inspect(e)))];
  if (app) {
    parts.push(JSON.stringify(app.app.get(InfisicalHealthIndicator).isHealthy()), inspect(app.store), JSON.stringify(app.store));
  }
  return parts.join('\n');
}

/** Secret values, tokens and the client secret found in `text` (empty: no leak). */
export function leaksIn(text: string, ...servers: HostileServer[]): string[] {
  const needles = new Set<string>([HOSTILE_CLIENT_SECRET]);
  for (const server of servers) {
    for (const token of server.issuedTokens) needles.add(token);
    for (const value of Object.values(server.secrets)) if (value.length >= 6) needles.add(value);
  }
  for (const value of Object.values(GOOD_SECRETS)) needles.add(value);
  return findLeaks(text, needles);
}

/**
 * Boots against `server` expecting bootstrap to fail; returns the error and the captured logs. Runs on the real
 * clock with a short start-up deadline, so that transient failures are retried and end at the deadline.
 */
export async function bootstrapFailure(server: HostileServer, overrides: Partial<InfisicalModuleOptions> = {}): Promise<{ error: Error; logs: LogCapture }> {
  const logs = new LogCapture();
  const outcome = await startInfisicalApp({ options: hostileOptions(server, { startupTimeoutMs: 600, ...overrides }), logs }).then(
    async (app) => {
      await app.close();
      return undefined;
    },
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected bootstrap to fail');
  return { error: outcome, logs };
}

/** What {@link useHostileScenario} gives a describe block: fresh servers per test, and the app the test started. */
export interface HostileScenario {
  /** The hostile server of the current test, started with {@link GOOD_SECRETS}. */
  readonly server: HostileServer;
  /** A second server of the current test (another origin), when the scenario asked for one. */
  readonly other: HostileServer;
  /** The app the current test started with {@link start}. */
  readonly app: HostileApp;
  /** Closes `server` and starts a new one with {@link GOOD_SECRETS} and `options` (before {@link start}). */
  restartServer(options: HostileServerOptions): Promise<void>;
  /** Boots the app against `server`; after the test it is leak-scanned and closed. */
  start(overrides?: Partial<InfisicalModuleOptions>, clock?: ManualClock): Promise<HostileApp>;
}

/**
 * The set-up every hostile scenario shares: before each test a fresh server (and `other`, when given); after it, the
 * leak scan of the app the test started (logs, health, how the store prints — with every server's tokens and
 * values), then the app and the servers closed.
 */
export function useHostileScenario(options: { other?: HostileServerOptions } = {}): HostileScenario {
  let servers: HostileServer[] = [];
  let app: HostileApp | undefined;
  beforeEach(async () => {
    servers = [await HostileServer.start({ secrets: GOOD_SECRETS })];
    if (options.other) servers.push(await HostileServer.start(options.other));
  });
  afterEach(async () => {
    const started = app;
    app = undefined;
    try {
      if (started) expect(leaksIn(exposedText(started, started.logs), ...servers)).toEqual([]);
    } finally {
      await started?.close();
      await Promise.all(servers.map((server) => server.close()));
    }
  });
  return {
    get server() {
      return servers[0]!;
    },
    get app() {
      if (!app) throw new Error('no app was started in this test (h.start())');
      return app;
    },
    get other() {
      if (!servers[1]) throw new Error('this scenario has no other server (useHostileScenario({ other }))');
      return servers[1];
    },
    async restartServer(serverOptions) {
      await servers[0]!.close();
      servers[0] = await HostileServer.start({ secrets: GOOD_SECRETS, ...serverOptions });
    },
    async start(overrides = {}, clock = new ManualClock()) {
      app = await startHostileApp(servers[0]!, overrides, clock);
      return app;
    },
  };
}
