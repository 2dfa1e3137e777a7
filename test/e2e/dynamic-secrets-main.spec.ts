/**
 * The sample app (`node dist/main.js`, built by `pretest`) with `INFISICAL_DYNAMIC_SECRETS`, against the local
 * Infisical server whose seed has a dynamic secret on a real PostgreSQL: it boots healthy with the lease named in
 * /health/infisical, revokes it on SIGTERM (its role dropped), and an unknown name fails start-up naming it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from '../support/app-process.js';
import { APP_DEV, APP_PROJECT_ID, appSeedSecrets, createAppSeed } from '../support/fixtures/app-seed.js';
import { DYNAMIC_SECRET_NAME, dynamicSecretSeed } from '../support/fixtures/dynamic-secret-seed.js';
import { freePort } from '../support/free-port.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';
import { PostgresServer } from '../support/postgres-server.js';

describe('node dist/main.js with INFISICAL_DYNAMIC_SECRETS', () => {
  let pgServer: PostgresServer;
  let server: LocalInfisicalServer;
  let app: AppProcess | undefined;
  const cwd = mkdtempSync(join(tmpdir(), 'dynamic-secrets-main-'));

  const start = async (dynamicSecrets: string) =>
    (app = new AppProcess(
      await freePort(),
      {
        INFISICAL_SITE_URL: server.url,
        INFISICAL_CLIENT_ID: APP_DEV.clientId,
        INFISICAL_CLIENT_SECRET: APP_DEV.clientSecret,
        INFISICAL_PROJECT_ID: APP_PROJECT_ID,
        INFISICAL_ENVIRONMENT: 'dev',
        INFISICAL_DYNAMIC_SECRETS: dynamicSecrets,
      },
      cwd,
    ));

  beforeAll(async () => {
    pgServer = await PostgresServer.start();
    const seed = createAppSeed();
    seed.projects.find((p) => p.id === APP_PROJECT_ID)!.dynamicSecrets = [dynamicSecretSeed(pgServer, { defaultTTL: '1m', maxTTL: '3m' })];
    server = await LocalInfisicalServer.start({ seed });
  }, 60_000);
  afterEach(() => {
    app?.kill();
    app = undefined;
  });
  afterAll(async () => {
    await server?.close();
    await pgServer?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('boots healthy with the lease named in /health/infisical; SIGTERM revokes it and drops its role; nothing printed', async () => {
    const running = await start(DYNAMIC_SECRET_NAME);
    const ready = await running.waitFor('/health/infisical', (r) => r.status === 200);
    const [lease] = server.dynamicSecrets.leases();
    expect(lease).toMatchObject({ dynamicSecretName: DYNAMIC_SECRET_NAME });
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: {
        infisical: {
          status: 'up',
          dynamicSecrets: [
            { name: DYNAMIC_SECRET_NAME, environment: 'dev', path: '/', status: 'up', leaseId: lease!.id, expiresAt: new Date(lease!.expireAt).toISOString(), renewals: 0, handOvers: 0 },
          ],
        },
      },
    });
    expect(await pgServer.roleExists(lease!.username)).toBe(true);

    const exit = await running.stop();
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(server.dynamicSecrets.leases()).toEqual([]);
    expect(await pgServer.roleExists(lease!.username)).toBe(false);
    expect(findLeaks(running.output + JSON.stringify(ready.body), [...appSeedSecrets(), lease!.username])).toEqual([]);
  });

  it('an unknown dynamic secret fails start-up (exit 1) naming it, the option and the fix; no lease is left', async () => {
    const before = server.dynamicSecrets.leases().map((lease) => lease.id);
    const running = await start(`${DYNAMIC_SECRET_NAME},postgres-ap`);
    const exit = await running.exited;
    expect(exit.code).toBe(1);
    expect(running.stderr).toContain('Application failed to start.');
    expect(running.stderr).toMatch(/postgres-ap\b/);
    expect(running.stderr).toMatch(/dynamicSecrets|INFISICAL_DYNAMIC_SECRETS/);
    expect(server.dynamicSecrets.leases().map((lease) => lease.id)).toEqual(before);
  });
});
