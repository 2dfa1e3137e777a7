import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import {
  InfisicalIdentityLoginError,
  InfisicalPlatformCredentialError,
  type InfisicalAuthOptions,
  type InfisicalModuleOptions,
} from '../../src/infisical/index.js';
import { APP_DEV, APP_PROD, APP_PROJECT_ID, APP_SHORT_TTL, APP_VALUES, appSeedSecrets, createAppSeed } from '../support/fixtures/app-seed.js';
import { closedPortUrl, rejectionOf, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { AWS_TEST_PRINCIPAL, FakeAwsCredentialsServer } from '../support/keyless/fake-aws-credentials.server.js';
import { startKeylessWorld, type KeylessWorld } from '../support/keyless/keyless-world.js';
import { findLeaks, LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';

const LIST = '/api/v3/secrets/raw';
const RENEW = '/api/v1/auth/token/renew';
const GCP_LOGIN = '/api/v1/auth/gcp-auth/login';
const PLATFORM_ENV = ['GCE_METADATA_HOST', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'];

describe('keyless login methods (module against the local server and platform fakes)', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let world: KeylessWorld;
  let app: TestApp | undefined;
  let logs: LogCapture;
  const saved: Record<string, string | undefined> = {};

  const options = (auth: InfisicalAuthOptions, overrides: Partial<InfisicalModuleOptions> = {}): InfisicalModuleOptions => ({
    siteUrl: server.url,
    projectId: APP_PROJECT_ID,
    environment: 'dev',
    auth,
    ...overrides,
  });
  const boot = async (auth: InfisicalAuthOptions, overrides: Partial<InfisicalModuleOptions> = {}) => {
    app = await startInfisicalApp({ options: options(auth, overrides), clock, logs });
    return app;
  };
  const bootFailure = (auth: InfisicalAuthOptions) => rejectionOf(startInfisicalApp({ options: options(auth), clock, logs }));
  const noLeaks = (text: string) => expect(findLeaks(text, [...world.platformSecrets(), ...server.issuedAccessTokens(), ...appSeedSecrets()])).toEqual([]);

  beforeEach(async () => {
    for (const name of PLATFORM_ENV) saved[name] = process.env[name];
    for (const name of PLATFORM_ENV) delete process.env[name];
    clock = new ManualClock();
    logs = new LogCapture();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    world = await startKeylessWorld(server, clock.now, APP_DEV.id);
    process.env.GCE_METADATA_HOST = world.metadata.host;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await world.close();
    await server.close();
    for (const name of PLATFORM_ENV) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    noLeaks(logs.text);
  });

  describe('each method boots and loads the values', () => {
    const cases: Array<[string, string, () => InfisicalAuthOptions, () => void | Promise<void>]> = [
      ['gcpIdToken', GCP_LOGIN, () => ({ gcpIdToken: { identityId: APP_DEV.id } }), () => undefined],
      ['kubernetes', '/api/v1/auth/kubernetes-auth/login', () => ({ kubernetes: { identityId: APP_DEV.id, tokenPath: world.kubernetes.path } }), () => undefined],
      ['oidc (JWT given)', '/api/v1/auth/oidc-auth/login', () => ({ oidc: { identityId: APP_DEV.id, jwt: world.ciToken(world.oidc) } }), () => undefined],
      ['jwt (JWT file)', '/api/v1/auth/jwt-auth/login', () => ({ jwt: { identityId: APP_DEV.id, jwtFile: world.kubernetes.path.replace(/token$/, 'ci-jwt') } }), () => undefined],
      ['awsIam (environment keys)', '/api/v1/auth/aws-auth/login', () => ({ awsIam: { identityId: APP_DEV.id } }), () => {
        process.env.AWS_ACCESS_KEY_ID = AWS_TEST_PRINCIPAL.accessKeyId;
        process.env.AWS_SECRET_ACCESS_KEY = AWS_TEST_PRINCIPAL.secretAccessKey;
        process.env.AWS_REGION = 'eu-central-1';
      }],
    ];
    it.each(cases)('%s', async (name, path, auth, prepare) => {
      await prepare();
      if (name.startsWith('jwt')) {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(world.kubernetes.path.replace(/token$/, 'ci-jwt'), world.ciToken(world.jwt));
      }
      const { store } = await boot(auth());
      expect(store.get('GEMINI_API_KEY')).toBe(APP_VALUES.dev.GEMINI_API_KEY);
      expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`).slice(0, 2)).toEqual([`POST ${path} 200`, `GET ${LIST} 200`]);
    });

    it('awsIam with the container credentials endpoint (and its authorization token)', async () => {
      const endpoint = await FakeAwsCredentialsServer.start('Bearer pod-identity-token-123456');
      try {
        process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = endpoint.url;
        process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = 'Bearer pod-identity-token-123456';
        const { store } = await boot({ awsIam: { identityId: APP_DEV.id } });
        expect(store.get('GEMINI_API_KEY')).toBe(APP_VALUES.dev.GEMINI_API_KEY);
        expect(endpoint.requests).toHaveLength(1);
      } finally {
        await endpoint.close();
      }
    });

    it('token (Token Auth: a token created for the identity)', async () => {
      const { accessToken } = server.mintAccessToken(APP_DEV.id, { ttlSeconds: 3600 });
      const { store } = await boot({ token: { accessToken } });
      expect(store.get('GEMINI_API_KEY')).toBe(APP_VALUES.dev.GEMINI_API_KEY);
    });
  });

  it('GCP: renews, and logs in afresh before the max TTL with a fresh ID token each time', async () => {
    await world.close();
    world = await startKeylessWorld(server, clock.now, APP_SHORT_TTL.id); // access token TTL 60 s, max TTL 120 s
    process.env.GCE_METADATA_HOST = world.metadata.host;
    await boot({ gcpIdToken: { identityId: APP_SHORT_TTL.id } }, { cacheTtlSeconds: 10 });
    await clock.advanceAsync(10 * 60 * 1000, () => app!.store.whenSettled());
    const logins = server.requestsTo(GCP_LOGIN);
    expect(server.requests.every((r) => r.status === 200)).toBe(true);
    expect(server.requestsTo(RENEW).length).toBeGreaterThanOrEqual(5);
    expect(logins.length).toBeGreaterThanOrEqual(5);
    expect(world.metadata.requests).toHaveLength(logins.length); // one metadata call per login, none per renewal
    expect(new Set(world.metadata.issuedTokens).size).toBe(logins.length); // each login presented a new ID token
  });

  it('GCP: a revoked access token leads to one fresh login with a fresh ID token, and the refresh succeeds', async () => {
    await boot({ gcpIdToken: { identityId: APP_DEV.id } }, { cacheTtlSeconds: 10 });
    expect(world.metadata.requests).toHaveLength(1);
    server.revokeIdentityTokens(APP_DEV.id);
    await clock.advanceAsync(15_000, () => app!.store.whenSettled());
    expect(server.requestsTo(LIST).map((r) => r.status)).toEqual([200, 401, 200]);
    expect(server.requestsTo(GCP_LOGIN)).toHaveLength(2);
    expect(world.metadata.requests).toHaveLength(2);
    expect(app!.store.status()).toMatchObject({ state: 'up', consecutiveFailures: 0 });
  });

  describe('wrong set-ups fail at bootstrap naming the cause and the fix', () => {
    it('not on Google Cloud: the metadata server does not answer', async () => {
      process.env.GCE_METADATA_HOST = new URL(await closedPortUrl()).host;
      const error = await bootFailure({ gcpIdToken: { identityId: APP_DEV.id } });
      expect(error).toBeInstanceOf(InfisicalPlatformCredentialError);
      expect(error.message).toContain(`GCP metadata server at http://${process.env.GCE_METADATA_HOST} (GCE_METADATA_HOST)`);
      expect(error.message).toMatch(/does not seem to run on Google Cloud.*Fix: .*GCE_METADATA_HOST.*INFISICAL_AUTH_METHOD/s);
      expect(server.requestsTo(GCP_LOGIN)).toHaveLength(0);
    });

    it('an ID token for another audience', async () => {
      world.metadata.audienceOverride = APP_PROD.id;
      const error = await bootFailure({ gcpIdToken: { identityId: APP_DEV.id } });
      expect(error).toBeInstanceOf(InfisicalIdentityLoginError);
      expect(error.message).toContain(`refused the GCP ID Token Auth login of machine identity ${APP_DEV.id}: "Invalid GCP ID token" (HTTP 401)`);
      expect(error.message).toMatch(/Fix: the ID token's audience must equal the identity ID: set INFISICAL_IDENTITY_ID \(auth\.gcpIdToken\.identityId\)/);
    });

    it('a service account outside the allow-list', async () => {
      world.metadata.email = 'someone-else@my-project.iam.gserviceaccount.com';
      const error = await bootFailure({ gcpIdToken: { identityId: APP_DEV.id } });
      expect(error.message).toContain('"Access denied: GCP service account not allowed."');
      expect(error.message).toMatch(/Fix: add the service account .* "Allowed Service Account Emails".*--service-account/);
    });

    it('the identity does not have the method', async () => {
      const error = await bootFailure({ gcpIdToken: { identityId: APP_PROD.id } });
      expect(error).toMatchObject({ code: 'INFISICAL_IDENTITY_LOGIN_REFUSED', reason: 'method-not-configured' });
      expect(error.message).toContain(`has no GCP ID Token Auth for machine identity ${APP_PROD.id} ("GCP auth method not found for identity, did you configure GCP auth?")`);
      expect(error.message).toMatch(/Fix: add GCP ID Token Auth to the identity .*or set INFISICAL_IDENTITY_ID/);
    });

    it('the Kubernetes token file is missing', async () => {
      const error = await bootFailure({ kubernetes: { identityId: APP_DEV.id, tokenPath: '/nonexistent/serviceaccount/token' } });
      expect(error).toMatchObject({ code: 'INFISICAL_PLATFORM_CREDENTIAL_UNAVAILABLE', reason: 'token-file-missing' });
      expect(error.message).toContain('the token file /nonexistent/serviceaccount/token does not exist (ENOENT)');
      expect(error.message).toContain('INFISICAL_KUBERNETES_TOKEN_PATH');
    });

    it('an expired OIDC JWT', async () => {
      const error = await bootFailure({ oidc: { identityId: APP_DEV.id, jwt: world.ciToken(world.oidc, {}, -60) } });
      expect(error.message).toContain('"Access denied: jwt expired" (HTTP 401)');
      expect(error.message).toMatch(/Fix: give a fresh JWT: .*INFISICAL_JWT_FILE/);
    });

    it('AWS credentials missing', async () => {
      const error = await bootFailure({ awsIam: { identityId: APP_DEV.id } });
      expect(error).toMatchObject({ reason: 'aws-credentials-missing' });
      expect(error.message).toMatch(/no AWS credentials found .*Fix: .*AWS_ACCESS_KEY_ID/s);
    });

    it('errors carry no platform credential, even inspected', async () => {
      world.metadata.audienceOverride = APP_PROD.id;
      const error = await bootFailure({ gcpIdToken: { identityId: APP_DEV.id } });
      noLeaks(`${error.message}\n${error.stack}\n${inspect(error)}\n${JSON.stringify(error)}`);
      expect(world.metadata.issuedTokens.length).toBeGreaterThan(0);
    });
  });
});
