/**
 * Issue 23, token files: the Kubernetes service-account token and INFISICAL_JWT_FILE are read within bounds — a FIFO,
 * a 200 MB file or a file swapped mid-run can neither hang start-up, stop refreshes nor be sent to Infisical.
 * Real application against the local Infisical server on loopback (Kubernetes / JWT Auth with a test cluster key).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { InfisicalAuthOptions, InfisicalModuleOptions } from '../../src/infisical/index.js';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, appSeedSecrets, credentialValues, createAppSeed } from '../support/fixtures/app-seed.js';
import { rejectionOf, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { startKeylessWorld, type KeylessWorld } from '../support/keyless/keyless-world.js';
import { findLeaks, LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';

const K8S_LOGIN = '/api/v1/auth/kubernetes-auth/login';
const JWT_LOGIN = '/api/v1/auth/jwt-auth/login';
const STARTUP_TIMEOUT_MS = 3000;
const TTL_SECONDS = 10;

describe('token files read within bounds', () => {
  let server: LocalInfisicalServer;
  let world: KeylessWorld;
  let logs: LogCapture;
  let app: TestApp | undefined;
  const exposed: string[] = [];

  const options = (auth: InfisicalAuthOptions, overrides: Partial<InfisicalModuleOptions> = {}): InfisicalModuleOptions => ({
    siteUrl: server.url,
    projectId: APP_PROJECT_ID,
    environment: 'dev',
    auth,
    startupTimeoutMs: STARTUP_TIMEOUT_MS,
    ...overrides,
  });
  const k8s = (tokenPath: string): InfisicalAuthOptions => ({ kubernetes: { identityId: APP_DEV.id, tokenPath } });
  /** Replaces the token file with a FIFO (no writer), as an attacker or a bad volume mount would. */
  const fifoAt = (path: string) => {
    rmSync(path, { force: true });
    execFileSync('mkfifo', [path]);
  };
  /** Logs, errors, health and how the store prints hold no platform token, access token or value. */
  const expectNoLeak = () => {
    const parts = [logs.text, ...exposed];
    if (app) parts.push(inspect(app.store), JSON.stringify(app.store.status()));
    expect(findLeaks(parts.join('\n'), [...world.platformSecrets(), ...server.issuedAccessTokens(), ...appSeedSecrets()])).toEqual([]);
  };
  const errorText = (error: Error) => `${error.message}\n${error.stack}\n${inspect(error)}\n${JSON.stringify(error)}`;

  beforeEach(async () => {
    exposed.length = 0;
    logs = new LogCapture();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await world.close();
    await server.close();
  });

  describe('at boot (real clock)', () => {
    beforeEach(async () => {
      server = await LocalInfisicalServer.start({ seed: createAppSeed() });
      world = await startKeylessWorld(server, Date.now, APP_DEV.id);
    });

    it.each([
      ['the Kubernetes token path', (path: string) => k8s(path), K8S_LOGIN, 'INFISICAL_KUBERNETES_TOKEN_PATH / auth.kubernetes.tokenPath'],
      ['INFISICAL_JWT_FILE', (path: string): InfisicalAuthOptions => ({ jwt: { identityId: APP_DEV.id, jwtFile: path } }), JWT_LOGIN, 'INFISICAL_JWT_FILE / auth.jwt.jwtFile'],
    ])('a FIFO as %s ends start-up by startupTimeoutMs + 200 ms, naming the file and the setting; no login is sent', async (_name, auth, loginPath, setting) => {
      const path = join(world.kubernetes.dir, 'fifo-token');
      fifoAt(path);
      const started = performance.now();
      const error = await rejectionOf(startInfisicalApp({ options: options(auth(path)), logs }));
      const elapsed = performance.now() - started;
      expect(elapsed).toBeLessThanOrEqual(STARTUP_TIMEOUT_MS + 200);
      expect(error).toMatchObject({ code: 'INFISICAL_PLATFORM_CREDENTIAL_UNAVAILABLE', reason: 'token-file-not-regular' });
      expect(error.message).toContain(`the token file ${path} (${setting}) is a FIFO (named pipe), not a regular file`);
      expect(error.message).toContain(`Fix: point ${setting} at the regular file`);
      expect(server.requestsTo(loginPath)).toHaveLength(0);
      exposed.push(errorText(error));
      expectNoLeak();
    });

    it('a 200 MB token file is refused from its size: nothing is read, no login request reaches the server', async () => {
      const path = join(world.kubernetes.dir, 'huge-token');
      writeFileSync(path, '');
      truncateSync(path, 200 * 1024 * 1024);
      const started = performance.now();
      const error = await rejectionOf(startInfisicalApp({ options: options(k8s(path)), logs }));
      expect(performance.now() - started).toBeLessThan(STARTUP_TIMEOUT_MS);
      expect(error).toMatchObject({ reason: 'token-file-too-large' });
      expect(error.message).toContain(`the token file ${path} (INFISICAL_KUBERNETES_TOKEN_PATH / auth.kubernetes.tokenPath) is too large to be a token (209715200 bytes`);
      expect(server.requests).toHaveLength(0);
      exposed.push(errorText(error));
      expectNoLeak();
      rmSync(path);
    });
  });

  describe('mid-run (manual clock)', () => {
    let clock: ManualClock;
    beforeEach(async () => {
      clock = new ManualClock();
      server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
      world = await startKeylessWorld(server, clock.now, APP_DEV.id);
    });
    const advance = (ms: number) => clock.advanceAsync(ms, () => app!.store.whenSettled());

    it('a FIFO, then the file fixed: refreshes fail without a login request, then resume within one TTL of the fix', async () => {
      app = await startInfisicalApp({ options: options(k8s(world.kubernetes.path), { cacheTtlSeconds: TTL_SECONDS }), clock, logs });
      const logins = () => server.requestsTo(K8S_LOGIN).length;
      expect(logins()).toBe(1);

      fifoAt(world.kubernetes.path);
      server.revokeIdentityTokens(APP_DEV.id); // the next refresh must log in again, reading the file
      await advance(3 * TTL_SECONDS * 1000);
      const status = app.store.status();
      expect(status.consecutiveFailures).toBeGreaterThanOrEqual(2);
      expect(status.lastError).toContain(`the token file ${world.kubernetes.path} (INFISICAL_KUBERNETES_TOKEN_PATH / auth.kubernetes.tokenPath) is a FIFO`);
      expect(logins()).toBe(1);
      expect(app.store.get('GEMINI_API_KEY')).toBe(APP_VALUES.dev.GEMINI_API_KEY); // still served
      expectNoLeak();

      rmSync(world.kubernetes.path);
      world.kubernetes.rotate();
      const rotated = credentialValues('dev', '2').GEMINI_API_KEY!;
      server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated });
      const fixedAt = clock.now();
      while (app.store.get('GEMINI_API_KEY') !== rotated && clock.now() - fixedAt <= TTL_SECONDS * 1100) await advance(100);
      const resumedAfterMs = clock.now() - fixedAt;
      // one TTL, with the ±10 % spread every refresh interval has
      expect(resumedAfterMs).toBeLessThanOrEqual(TTL_SECONDS * 1100);
      expect(app.store.get('GEMINI_API_KEY')).toBe(rotated);
      expect(app.store.status()).toMatchObject({ state: 'up', consecutiveFailures: 0 });
      expect(logins()).toBe(2);
      expectNoLeak();
    });

    it('a 200 MB file mid-run is refused without a login request; the fixed file is used at the next attempt', async () => {
      app = await startInfisicalApp({ options: options(k8s(world.kubernetes.path), { cacheTtlSeconds: TTL_SECONDS }), clock, logs });
      rmSync(world.kubernetes.path);
      writeFileSync(world.kubernetes.path, '');
      truncateSync(world.kubernetes.path, 200 * 1024 * 1024);
      server.revokeIdentityTokens(APP_DEV.id);
      await advance(TTL_SECONDS * 1100);
      expect(app.store.status().lastError).toContain('is too large to be a token (209715200 bytes');
      expect(server.requestsTo(K8S_LOGIN)).toHaveLength(1);
      world.kubernetes.rotate();
      await advance(TTL_SECONDS * 1100);
      expect(server.requestsTo(K8S_LOGIN)).toHaveLength(2);
      expect(app.store.status()).toMatchObject({ state: 'up', consecutiveFailures: 0 });
      expectNoLeak();
    });
  });
});
