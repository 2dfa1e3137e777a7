/** Token lifecycle contract: expiry, renew, revoke, use limits, revocation by admin actions. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InfisicalSDK } from '@infisical/sdk';

import {
  DEV_IDENTITY,
  SHORT_TTL_IDENTITY,
  TEST_AUTH_SECRET,
  TEST_PROJECT_ID,
  TOKEN_USES_IDENTITY,
} from '../support/fixtures/test-seed.js';
import type { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { signJwt } from '../support/infisical-server/jwt.js';
import { errorOf, jwtClaims, listPath, raw, rawLogin, REQ_ID, sdkFor, startTestServer } from './contract-helpers.js';

const RENEW = '/api/v1/auth/token/renew';
const REVOKE = '/api/v1/auth/token/revoke';
const list = (sdk: InfisicalSDK) => sdk.secrets().listSecrets({ projectId: TEST_PROJECT_ID, environment: 'dev', secretPath: '/app' });

describe('contract: token lifecycle', () => {
  let server: LocalInfisicalServer;

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('an expired token is 403 TokenError (not 401) on a secrets call', async () => {
    const sdk = await sdkFor(server, SHORT_TTL_IDENTITY);
    await expect(list(sdk)).resolves.toHaveProperty('secrets');
    server.advanceTime(60_000);
    const err = await errorOf(() => list(sdk));
    expect(err.name).toBe('InfisicalSDKRequestError');
    expect(err.message).toMatch(/\[Method=GET\] \[StatusCode=403\] Your token has expired\. Please re-authenticate\.$/);

    const res = await raw(server, listPath(), { token: sdk.auth().getAccessToken()! });
    expect(res.body).toEqual({
      reqId: expect.stringMatching(REQ_ID),
      statusCode: 403,
      message: 'Your token has expired. Please re-authenticate.',
      error: 'TokenError',
    });
  });

  it('renew signs a new JWT for the same token id; the renewed token outlives the original exp', async () => {
    const sdk = await sdkFor(server, SHORT_TTL_IDENTITY);
    const original = sdk.auth().getAccessToken()!;
    server.advanceTime(50_000);
    const renewedSdk = await sdk.auth().universalAuth.renew();
    const renewed = renewedSdk.auth().getAccessToken()!;
    expect(renewed).not.toBe(original);
    expect(jwtClaims(renewed)['identityAccessTokenId']).toBe(jwtClaims(original)['identityAccessTokenId']);
    expect(Number(jwtClaims(renewed)['exp']) - Number(jwtClaims(original)['exp'])).toBe(50);

    server.advanceTime(20_000); // t = 70 s: original (exp 60) expired, renewed (exp 110) valid
    await expect(raw(server, listPath(), { token: original })).resolves.toMatchObject({ status: 403 });
    await expect(list(renewedSdk)).resolves.toHaveProperty('secrets');
  });

  it('renew TTL = min(TTL, remaining max-TTL budget); once the budget is gone the JWT has expired too', async () => {
    const token = await rawLogin(server, SHORT_TTL_IDENTITY);
    server.advanceTime(50_000);
    const r1 = await raw(server, RENEW, { body: { accessToken: token } });
    expect(r1.body).toEqual({ accessToken: expect.any(String), expiresIn: 60, accessTokenMaxTTL: 120, tokenType: 'Bearer' });
    server.advanceTime(50_000); // t = 100 s: 20 s of budget left
    const r2 = await raw(server, RENEW, { body: { accessToken: r1.body.accessToken } });
    expect(r2.body.expiresIn).toBe(20);
    server.advanceTime(20_000); // t = 120 s
    const r3 = await raw(server, RENEW, { body: { accessToken: r2.body.accessToken } });
    expect([r3.status, r3.body.error, r3.body.message]).toEqual([403, 'TokenError', 'Your token has expired. Please re-authenticate.']);
  });

  it('renewing a still-valid JWT whose max-TTL budget is used up → 401 "reached its max TTL"', async () => {
    const minted = server.mintAccessToken(SHORT_TTL_IDENTITY.id, { ttlSeconds: 60, issuedSecondsAgo: 121 });
    const res = await raw(server, RENEW, { body: { accessToken: minted.accessToken } });
    expect([res.status, res.body.error, res.body.message]).toEqual([
      401,
      'UnauthorizedError',
      'Cannot renew: identity access token has reached its max TTL',
    ]);
  });

  it('POST /token/revoke → 200; later use → 401 "token has been revoked"; renew → 401 "Cannot renew: ..."', async () => {
    const sdk = await sdkFor(server, DEV_IDENTITY);
    const token = sdk.auth().getAccessToken()!;
    const res = await raw(server, REVOKE, { body: { accessToken: token } });
    expect([res.status, res.body]).toEqual([200, { message: 'Successfully revoked access token' }]);

    const err = await errorOf(() => list(sdk));
    expect(err.message).toMatch(/\[StatusCode=401\] Failed to authorize: token has been revoked$/);
    const renew = await raw(server, RENEW, { body: { accessToken: token } });
    expect([renew.status, renew.body.message]).toEqual([401, 'Cannot renew: token has been revoked']);
  });

  it('use limit: every authenticated call consumes a use; the 3rd of 2 → 401; renew of it → 401 exhausted', async () => {
    const token = await rawLogin(server, TOKEN_USES_IDENTITY);
    // renew without a Bearer header does not consume a use
    const renewed = await raw(server, RENEW, { body: { accessToken: token } });
    expect(renewed.status).toBe(200);
    expect((await raw(server, listPath({ secretPath: '/app' }), { token })).status).toBe(200);
    expect((await raw(server, listPath({ secretPath: '/app' }), { token: renewed.body.accessToken })).status).toBe(200);
    const third = await raw(server, listPath({ secretPath: '/app' }), { token });
    expect([third.status, third.body.error, third.body.message]).toEqual([
      401,
      'UnauthorizedError',
      'Failed to authorize: token usage limit reached',
    ]);
    const renew = await raw(server, RENEW, { body: { accessToken: token } });
    expect([renew.status, renew.body.message]).toEqual([401, 'Cannot renew exhausted access token']);
  });

  it('revoking the client secret revokes earlier tokens; restoring lets the identity log in again', async () => {
    const sdk = await sdkFor(server, DEV_IDENTITY);
    server.revokeClientSecret(DEV_IDENTITY.clientId, DEV_IDENTITY.clientSecret);
    expect((await errorOf(() => list(sdk))).message).toMatch(/\[StatusCode=401\] Failed to authorize: client secret has been revoked$/);
    const login = await errorOf(() => sdkFor(server, DEV_IDENTITY));
    expect(login.message).toMatch(/\[StatusCode=401\] Invalid credentials$/);

    server.restoreClientSecret(DEV_IDENTITY.clientId, DEV_IDENTITY.clientSecret);
    const again = await sdkFor(server, DEV_IDENTITY);
    await expect(list(again)).resolves.toHaveProperty('secrets');
    // the token issued before the revocation stays dead
    await expect(list(sdk)).rejects.toThrow('Failed to authorize: client secret has been revoked');
  });

  it('revokeIdentityTokens / deleteIdentity: existing tokens → 401; after deletion login fails too', async () => {
    const before = await sdkFor(server, DEV_IDENTITY);
    server.revokeIdentityTokens(DEV_IDENTITY.id);
    await expect(list(before)).rejects.toThrow('[StatusCode=401] Failed to authorize: identity tokens have been revoked');
    const after = await sdkFor(server, DEV_IDENTITY);
    await expect(list(after)).resolves.toHaveProperty('secrets');

    server.deleteIdentity(DEV_IDENTITY.id);
    await expect(list(after)).rejects.toThrow('[StatusCode=401] Failed to authorize: identity tokens have been revoked');
    await expect(sdkFor(server, DEV_IDENTITY)).rejects.toThrow('[StatusCode=401] Invalid credentials');
  });

  it('no Authorization header on a protected route → 401 "Token missing"', async () => {
    const sdk = new InfisicalSDK({ siteUrl: server.url });
    await expect(list(sdk)).rejects.toThrow('[StatusCode=401] Token missing');
    const res = await raw(server, listPath());
    expect(res.body).toEqual({ reqId: expect.stringMatching(REQ_ID), statusCode: 401, message: 'Token missing', error: 'UnauthorizedError' });
  });

  it('a non-identity token signed with the server key counts as "no auth" → 401 Token missing; tampering → 403', async () => {
    const iat = Math.floor(server.now() / 1000);
    const userToken = signJwt({ authTokenType: 'accessToken', userId: 'u-1', iat, exp: iat + 60 }, TEST_AUTH_SECRET);
    const res = await raw(server, listPath(), { token: userToken });
    expect([res.status, res.body.error, res.body.message]).toEqual([401, 'UnauthorizedError', 'Token missing']);

    const token = await rawLogin(server, DEV_IDENTITY);
    const [h, , s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ authTokenType: 'identityAccessToken' })).toString('base64url')}.${s}`;
    const forged = await raw(server, listPath(), { token: tampered });
    expect([forged.status, forged.body.error, forged.body.message]).toEqual([403, 'TokenError', 'invalid signature']);
  });
});
