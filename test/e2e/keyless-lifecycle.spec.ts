/**
 * The token lifecycle of every login method in the sample app (AppModule configured only through the environment,
 * as `node dist/main.js` is) with short token lifetimes (access token 6 s, max TTL 10 s, refresh every 1 s): the app
 * renews before expiry, logs in afresh (with a fresh platform credential) before the max TTL runs out, and no request
 * is ever refused. Token lifetimes, refresh intervals and back-off follow a ManualClock shared by the app, the local
 * Infisical server and the platform fakes, so no test waits for real seconds; keyless-main.spec.ts runs the same
 * logins in `node dist/main.js` itself.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Type } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_DEV, APP_PROJECT_ID, appSeedSecrets, createAppSeed } from '../support/fixtures/app-seed.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { AWS_TEST_PRINCIPAL } from '../support/keyless/fake-aws-credentials.server.js';
import { startKeylessWorld, type KeylessWorld } from '../support/keyless/keyless-world.js';
import { findLeaks } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';
import { loadAppModule, SampleApp } from '../support/sample-app.js';

const TOKEN_TTL = { accessTokenTTL: 6, accessTokenMaxTTL: 10 };
const RENEW = '/api/v1/auth/token/renew';
const LIST = '/api/v3/secrets/raw';

/** Clock time the app may take to reach what a test waits for (the real-time version polled for up to 20 s). */
const LIMIT_MS = 30_000;

describe('keyless token lifecycle in the sample app (token TTL 6 s, max TTL 10 s)', () => {
  const clock = new ManualClock();
  let server: LocalInfisicalServer;
  let world: KeylessWorld;
  let appModule: Type<unknown>;
  let app: SampleApp | undefined;
  const cwd = mkdtempSync(join(tmpdir(), 'keyless-lifecycle-'));
  const jwtFile = join(cwd, 'ci-token');

  const base = () => ({
    INFISICAL_SITE_URL: server.url,
    INFISICAL_PROJECT_ID: APP_PROJECT_ID,
    INFISICAL_ENVIRONMENT: 'dev',
    INFISICAL_IDENTITY_ID: APP_DEV.id,
    INFISICAL_CACHE_TTL: '1',
  });
  const methods: Array<[string, string, () => Record<string, string>]> = [
    ['gcp-id-token', '/api/v1/auth/gcp-auth/login', () => ({ ...base(), INFISICAL_AUTH_METHOD: 'gcp-id-token', GCE_METADATA_HOST: world.metadata.host })],
    ['kubernetes', '/api/v1/auth/kubernetes-auth/login', () => ({ ...base(), INFISICAL_AUTH_METHOD: 'kubernetes', INFISICAL_KUBERNETES_TOKEN_PATH: world.kubernetes.path })],
    ['oidc', '/api/v1/auth/oidc-auth/login', () => ({ ...base(), INFISICAL_AUTH_METHOD: 'oidc', INFISICAL_JWT: world.ciToken(world.oidc, {}, 3600) })],
    ['jwt', '/api/v1/auth/jwt-auth/login', () => (writeFileSync(jwtFile, world.ciToken(world.jwt, {}, 3600)), { ...base(), INFISICAL_AUTH_METHOD: 'jwt', INFISICAL_JWT_FILE: jwtFile })],
    [
      'aws-iam',
      '/api/v1/auth/aws-auth/login',
      () => ({ ...base(), INFISICAL_AUTH_METHOD: 'aws-iam', AWS_ACCESS_KEY_ID: AWS_TEST_PRINCIPAL.accessKeyId, AWS_SECRET_ACCESS_KEY: AWS_TEST_PRINCIPAL.secretAccessKey, AWS_REGION: 'us-west-2' }),
    ],
  ];

  beforeAll(async () => {
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    world = await startKeylessWorld(server, clock.now, APP_DEV.id, TOKEN_TTL);
    appModule = await loadAppModule(cwd);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await world.close();
    await server.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it.each(methods)('%s: renews, logs in afresh before the max TTL, never refused', async (_method, loginPath, env) => {
    server.clearRequests();
    app = await SampleApp.start(appModule, env(), clock);
    expect((await app.get('/health/infisical')).status).toBe(200);
    // a renewal before the token expires, then a fresh login (a fresh platform credential) before the max TTL
    await app.advanceUntil(clock, () => server.requestsTo(loginPath).length >= 2 && server.requestsTo(RENEW).length >= 1, LIMIT_MS);
    const health = await app.get('/health/infisical');
    expect(health.body).toMatchObject({ status: 'ok', info: { infisical: { status: 'up', consecutiveFailures: 0 } } });
    expect(server.requests.filter((r) => r.status !== null && r.status !== 200).map((r) => `${r.path} ${r.status}`)).toEqual([]);
    expect(server.requestsTo(LIST).length).toBeGreaterThanOrEqual(6);
    await app.close();
    expect(clock.pending).toEqual([]); // a clean stop: no refresh or renewal left scheduled
    expect(findLeaks(app.logs.text, [...world.platformSecrets(), ...server.issuedAccessTokens(), ...appSeedSecrets()])).toEqual([]);
  });

  it('token: a deployed access token is renewed while its lifetime allows, never refused', async () => {
    server.clearRequests();
    const { INFISICAL_IDENTITY_ID: _, ...rest } = base();
    app = await SampleApp.start(appModule, { ...rest, INFISICAL_TOKEN: server.mintAccessToken(APP_DEV.id, { ttlSeconds: 12 }).accessToken }, clock);
    expect((await app.get('/health/infisical')).status).toBe(200);
    await app.advanceUntil(clock, () => server.requestsTo(RENEW).length >= 1, LIMIT_MS);
    expect(server.requests.filter((r) => r.status !== null && r.status !== 200).map((r) => `${r.path} ${r.status}`)).toEqual([]);
    await app.close();
    expect(clock.pending).toEqual([]);
  });
});
