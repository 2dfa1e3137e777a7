import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../src/app.module.js';
import { SecretStore } from '../../src/infisical/index.js';
import { APP_DEV, APP_PROJECT_ID, appSeedSecrets, createAppSeed } from '../support/fixtures/app-seed.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks, LogCapture } from '../support/log-capture.js';

/** The sample app (AppModule as main.ts builds it), configured through INFISICAL_* like in production. */
describe('sample app: /health and /health/infisical', () => {
  let server: LocalInfisicalServer;
  let app: INestApplication;
  const logs = new LogCapture();
  const env = () => ({
    INFISICAL_SITE_URL: server.url,
    INFISICAL_CLIENT_ID: APP_DEV.clientId,
    INFISICAL_CLIENT_SECRET: APP_DEV.clientSecret,
    INFISICAL_PROJECT_ID: APP_PROJECT_ID,
    INFISICAL_ENVIRONMENT: 'dev',
    INFISICAL_STARTUP_TIMEOUT_MS: '3000',
  });

  beforeAll(async () => {
    server = await LocalInfisicalServer.start({ seed: createAppSeed() });
    Object.assign(process.env, env());
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).setLogger(logs).compile();
    app = moduleRef.createNestApplication({ logger: logs });
    await app.init();
  });
  afterEach(() => server.clearFaults());
  afterAll(async () => {
    await app.close();
    await server.close();
    for (const key of Object.keys(env())) delete process.env[key];
  });

  it('GET /health is the liveness check', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('GET /health/infisical returns 200 with names, sources and versions, never values', async () => {
    const response = await request(app.getHttpServer()).get('/health/infisical').expect(200);
    const details = response.body.details.infisical;
    expect(response.body.status).toBe('ok');
    expect(details).toMatchObject({
      status: 'up',
      enabled: true,
      source: 'infisical',
      environment: 'dev',
      secretPath: '/',
      keyCount: 8,
      consecutiveFailures: 0,
      stale: false,
      keys: {
        GEMINI_API_KEY: { source: 'infisical', version: 1 },
        GMAIL_CLIENT_ID: { source: 'infisical', version: 1 },
        GMAIL_CLIENT_SECRET: { source: 'infisical', version: 1 },
        GMAIL_REFRESH_TOKEN: { source: 'infisical', version: 1 },
        NOTION_API_KEY: { source: 'infisical', version: 1 },
        APP_GREETING: { source: 'infisical', version: 1 },
        PORT: { source: 'default' },
        LOG_FORMAT: { source: 'default' },
      },
    });
    expect(Date.parse(details.lastSuccessfulRefresh)).toBeGreaterThan(Date.now() - 60_000);
    expect(details.snapshotAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(findLeaks(response.text, appSeedSecrets())).toEqual([]);
  });

  it('reports degraded (HTTP 200) while Infisical fails, and /health stays up', async () => {
    server.injectFault({ kind: 'status', status: 500 });
    expect(await app.get(SecretStore).refresh()).toBe(false);
    const readiness = await request(app.getHttpServer()).get('/health/infisical').expect(200);
    expect(readiness.body.details.infisical).toMatchObject({ status: 'degraded', stale: true, consecutiveFailures: 1 });
    expect(readiness.body.details.infisical.lastError).toContain('HTTP 500');
    await request(app.getHttpServer()).get('/health').expect(200);
    server.clearFaults();
    expect(await app.get(SecretStore).refresh()).toBe(true);
    const recovered = await request(app.getHttpServer()).get('/health/infisical').expect(200);
    expect(recovered.body.details.infisical.status).toBe('up');
    expect(findLeaks(`${readiness.text}${recovered.text}${logs.text}`, appSeedSecrets())).toEqual([]);
  });
});
