/** Universal Auth login contract, driven by @infisical/sdk and raw fetch. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InfisicalSDK } from '@infisical/sdk';

import {
  DEV_IDENTITY,
  TEST_PROJECT_ID,
  TTL_SECRET_IDENTITY,
  USE_LIMITED_IDENTITY,
} from '../support/fixtures/test-seed.js';
import type { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { errorOf, jwtClaims, raw, REQ_ID, sdkFor, startTestServer, T0 } from './contract-helpers.js';

const LOGIN = '/api/v1/auth/universal-auth/login';

describe('contract: universal auth login', () => {
  let server: LocalInfisicalServer;

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const login = (clientSecret: string, clientId = DEV_IDENTITY.clientId) => raw(server, LOGIN, { body: { clientId, clientSecret } });

  it('returns an HS256 JWT with identity claims stamped from the server clock', async () => {
    const res = await login(DEV_IDENTITY.clientSecret);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      expiresIn: 2592000,
      accessTokenMaxTTL: 2592000,
      tokenType: 'Bearer',
    });
    const [header] = (res.body.accessToken as string).split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = jwtClaims(res.body.accessToken);
    expect(claims).toMatchObject({
      identityId: DEV_IDENTITY.id,
      authTokenType: 'identityAccessToken',
      iat: T0 / 1000,
      exp: T0 / 1000 + 2592000,
    });
    expect(claims['identityAccessTokenId']).toEqual(claims['jti']);
    // the SDK logs in and can read right away
    const sdk = await sdkFor(server, DEV_IDENTITY);
    const { secrets } = await sdk.secrets().listSecrets({ projectId: TEST_PROJECT_ID, environment: 'dev', secretPath: '/app' });
    expect(secrets.map((s) => s.secretKey)).toEqual(['APP_PORT', 'APP_NAME']);
  });

  it('unknown clientId → 401 UnauthorizedError "Invalid credentials" (SDK and raw)', async () => {
    const sdk = new InfisicalSDK({ siteUrl: server.url });
    const err = await errorOf(() =>
      sdk.auth().universalAuth.login({ clientId: '11111111-2222-4333-8444-555555555555', clientSecret: 'x' }),
    );
    expect(err.name).toBe('InfisicalSDKRequestError');
    expect(err.message).toBe(`[URL=${server.url}${LOGIN}] [Method=POST] [StatusCode=401] Invalid credentials`);

    const res = await login('x', '11111111-2222-4333-8444-555555555555');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ reqId: expect.stringMatching(REQ_ID), statusCode: 401, message: 'Invalid credentials', error: 'UnauthorizedError' });
  });

  it('3 wrong secrets lock the identity out for 300 s, even for the right secret', async () => {
    for (let i = 0; i < 3; i += 1) expect((await login('wrong')).body.message).toBe('Invalid credentials');
    const locked = await login(DEV_IDENTITY.clientSecret);
    expect(locked.status).toBe(401);
    expect(locked.body.message).toBe('This identity auth method is temporarily locked, please try again later');

    server.advanceTime(299_000);
    expect((await login(DEV_IDENTITY.clientSecret)).status).toBe(401);
    server.advanceTime(1_000);
    expect((await login(DEV_IDENTITY.clientSecret)).status).toBe(200);
  });

  it('the failed-attempt counter resets after 30 s without failures', async () => {
    await login('wrong');
    await login('wrong');
    server.advanceTime(30_000);
    await login('wrong');
    await login('wrong');
    const res = await login(DEV_IDENTITY.clientSecret);
    expect(res.status).toBe(200);
    // a success clears the counter as well
    await login('wrong');
    await login('wrong');
    expect((await login(DEV_IDENTITY.clientSecret)).status).toBe(200);
  });

  it('client secret TTL elapsed → "Access denied due to expired client secret" once, then "Invalid credentials"', async () => {
    const creds = { clientId: TTL_SECRET_IDENTITY.clientId, clientSecret: TTL_SECRET_IDENTITY.clientSecret };
    expect((await raw(server, LOGIN, { body: creds })).status).toBe(200);
    server.advanceTime(300_001);
    const first = await raw(server, LOGIN, { body: creds });
    expect([first.status, first.body.message]).toEqual([401, 'Access denied due to expired client secret']);
    const second = await raw(server, LOGIN, { body: creds });
    expect([second.status, second.body.message]).toEqual([401, 'Invalid credentials']);
  });

  it('client secret use limit → "usage limit reached" once, then "Invalid credentials"', async () => {
    const sdk = new InfisicalSDK({ siteUrl: server.url });
    const creds = { clientId: USE_LIMITED_IDENTITY.clientId, clientSecret: USE_LIMITED_IDENTITY.clientSecret };
    await sdk.auth().universalAuth.login(creds);
    await new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login(creds);
    const third = await errorOf(() => new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login(creds));
    expect(third.message).toMatch(/\[StatusCode=401\] Access denied due to client secret usage limit reached$/);
    const fourth = await errorOf(() => new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login(creds));
    expect(fourth.message).toMatch(/\[StatusCode=401\] Invalid credentials$/);
  });

  it('a deleted identity cannot log in: 401 Invalid credentials', async () => {
    server.deleteIdentity(DEV_IDENTITY.id);
    const res = await login(DEV_IDENTITY.clientSecret);
    expect([res.status, res.body.error, res.body.message]).toEqual([401, 'UnauthorizedError', 'Invalid credentials']);
  });

  it('missing / ill-typed fields → 422 ValidationFailure with zod issues; the SDK says "Request failed with status 422"', async () => {
    const res = await raw(server, LOGIN, { body: { clientId: DEV_IDENTITY.clientId, clientSecret: 42 } });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      reqId: expect.stringMatching(REQ_ID),
      statusCode: 422,
      error: 'ValidationFailure',
      message: [{ code: 'invalid_type', expected: 'string', received: 'number', path: ['clientSecret'], message: 'Expected string, received number' }],
    });
    const sdk = new InfisicalSDK({ siteUrl: server.url });
    const err = await errorOf(() => sdk.auth().universalAuth.login({ clientId: DEV_IDENTITY.clientId } as never));
    expect(err.name).toBe('InfisicalSDKError');
    expect(err.message).toBe('Request failed with status 422');
  });

  it('the SDK re-sends its stale Bearer on re-login: expired token on the instance → 403 TokenError', async () => {
    const sdk = await sdkFor(server, DEV_IDENTITY);
    server.advanceTime(2592000 * 1000);
    const err = await errorOf(() =>
      sdk.auth().universalAuth.login({ clientId: DEV_IDENTITY.clientId, clientSecret: DEV_IDENTITY.clientSecret }),
    );
    expect(err.message).toBe(`[URL=${server.url}${LOGIN}] [Method=POST] [StatusCode=403] Your token has expired. Please re-authenticate.`);
    // a fresh instance (no Authorization header) logs in fine
    await expect(sdkFor(server, DEV_IDENTITY)).resolves.toBeInstanceOf(InfisicalSDK);
  });

  it('a garbage or foreign-signed Bearer on login → 403 TokenError (malformed / invalid signature)', async () => {
    const body = { clientId: DEV_IDENTITY.clientId, clientSecret: DEV_IDENTITY.clientSecret };
    const malformed = await raw(server, LOGIN, { body, token: 'not-a-jwt' });
    expect(malformed.status).toBe(403);
    expect(malformed.body.error).toBe('TokenError');
    expect(malformed.body.message).toBe(
      'The provided access token is malformed. Please use a valid token or generate a new one and try again.',
    );

    const good = (await raw(server, LOGIN, { body })).body.accessToken as string;
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${Buffer.from('x'.repeat(32)).toString('base64url')}`;
    const badSig = await raw(server, LOGIN, { body, token: forged });
    expect([badSig.status, badSig.body.error, badSig.body.message]).toEqual([403, 'TokenError', 'invalid signature']);
  });
});
