/**
 * Three processes of the sample app (`node dist/main.js`) sharing one Redis and one Infisical, configured only
 * through the environment (INFISICAL_REDIS_URL, INFISICAL_FLEET_KEY, INFISICAL_WEBHOOK_SECRET): a webhook received by one of them makes
 * all three serve the new value within 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess } from '../support/app-process.js';
import { APP_DEV, APP_PROJECT_ID, appSeedSecrets, credentialValues, createAppSeed } from '../support/fixtures/app-seed.js';
import { freePort } from '../support/free-port.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';
import { RedisServer } from '../support/redis-server.js';
import { deliver, infisicalWebhook, WEBHOOK_SECRET } from '../support/webhook-sender.js';

const LIST = '/api/v3/secrets/raw';
const LOGIN = '/api/v1/auth/universal-auth/login';
const FLEET_KEY = 'fleet-key-of-the-three-processes-0123456789';

describe('three app processes on one Redis', () => {
  let redis: RedisServer;
  let server: LocalInfisicalServer;
  const apps: AppProcess[] = [];
  const cwd = mkdtempSync(join(tmpdir(), 'fleet-processes-'));

  beforeAll(async () => {
    redis = await RedisServer.start();
    server = await LocalInfisicalServer.start({ seed: createAppSeed() });
  });
  afterAll(async () => {
    for (const app of apps) app.kill();
    await Promise.all(apps.map((a) => a.exited));
    await server.close();
    await redis.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  const geminiVersion = async (app: AppProcess) => {
    const { body } = await app.get('/health/infisical');
    return (body as { info?: { infisical?: { keys?: Record<string, { version?: number }> } } }).info?.infisical?.keys?.GEMINI_API_KEY?.version;
  };

  it('one login and one list for the three bootstraps; a webhook to one reaches all three within 1 s', async () => {
    const env = {
      INFISICAL_SITE_URL: server.url,
      INFISICAL_CLIENT_ID: APP_DEV.clientId,
      INFISICAL_CLIENT_SECRET: APP_DEV.clientSecret,
      INFISICAL_PROJECT_ID: APP_PROJECT_ID,
      INFISICAL_ENVIRONMENT: 'dev',
      INFISICAL_REDIS_URL: redis.url,
      INFISICAL_FLEET_KEY: FLEET_KEY,
      INFISICAL_WEBHOOK_SECRET: WEBHOOK_SECRET,
    };
    for (let i = 0; i < 3; i++) {
      const app = new AppProcess(await freePort(), env, cwd);
      apps.push(app);
      await app.waitFor('/health/infisical', (r) => r.status === 200);
    }
    expect([server.requestsTo(LOGIN).length, server.requestsTo(LIST).length]).toEqual([1, 1]);

    const rotated = credentialValues('dev', '2').GEMINI_API_KEY;
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated });
    const sent = Date.now();
    const reply = await deliver(`http://127.0.0.1:${apps[1]!.port}/webhooks/infisical`, infisicalWebhook(Date.now()));
    expect(reply.status).toBe(200);
    const pending = new Set(apps);
    while (pending.size && Date.now() - sent < 1000) {
      for (const app of [...pending]) if ((await geminiVersion(app)) === 2) pending.delete(app);
    }
    expect(pending.size).toBe(0);
    expect(server.requestsTo(LIST).length).toBe(2); // the receiver read Infisical; the others read Redis
    const output = apps.map((a) => a.output).join('\n');
    expect(findLeaks(output, [...appSeedSecrets(), rotated, WEBHOOK_SECRET, FLEET_KEY, APP_DEV.clientSecret, ...server.issuedAccessTokens()])).toEqual([]);
  });
});
