/**
 * Transport contract: unknown routes, ETag/304, 422 booleans, /api/status, rate limiting,
 * and fault injection as seen by the SDK (429 retried, 5xx not retried, non-JSON bodies).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { InfisicalSDK } from '@infisical/sdk';

import { DEV_IDENTITY, TEST_PROJECT_ID } from '../support/fixtures/test-seed.js';
import type { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { errorOf, getPath, listPath, raw, REQ_ID, sdkFor, startTestServer, T0 } from './contract-helpers.js';

const LIST = '/api/v3/secrets/raw';

describe('contract: transport, errors and faults', () => {
  let server: LocalInfisicalServer;
  let sdk: InfisicalSDK;
  let token: string;

  beforeEach(async () => {
    server = await startTestServer();
    sdk = await sdkFor(server, DEV_IDENTITY);
    token = sdk.auth().getAccessToken()!;
    server.clearRequests();
  });
  afterEach(async () => {
    await server.close();
  });

  const listApp = () => sdk.secrets().listSecrets({ projectId: TEST_PROJECT_ID, environment: 'dev', secretPath: '/app' });

  it('unknown route → 404 "Route <M>:<path> not found" with a docs pointer (query stripped)', async () => {
    const res = await raw(server, '/api/v9/nope?workspaceId=abc', { token });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      reqId: expect.stringMatching(REQ_ID),
      statusCode: 404,
      error: 'Not Found',
      message: expect.stringMatching(/^Route GET:\/api\/v9\/nope not found\..*\/api\/docs\/json/),
      docs: '/api/docs/json',
    });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('200 GETs carry a strong ETag; If-None-Match → 304 with an empty body; a change → new ETag', async () => {
    const first = await raw(server, listPath({ secretPath: '/app' }), { token });
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await raw(server, listPath({ secretPath: '/app' }), { token });
    expect(again.headers.get('etag')).toBe(etag);
    const notModified = await raw(server, listPath({ secretPath: '/app' }), { token, headers: { 'if-none-match': etag! } });
    expect([notModified.status, notModified.text]).toEqual([304, '']);

    server.setSecret({ projectId: TEST_PROJECT_ID, environment: 'dev', path: '/app', key: 'APP_PORT', value: '1' });
    const changed = await raw(server, listPath({ secretPath: '/app' }), { token, headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('booleans must be exactly "true"/"false": anything else → 422 with zod issues', async () => {
    const res = await raw(server, listPath({ recursive: 'yes', include_imports: '1' }), { token });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('ValidationFailure');
    expect(res.body.message).toEqual([
      {
        code: 'invalid_enum_value',
        received: 'yes',
        options: ['true', 'false'],
        path: ['recursive'],
        message: "Invalid enum value. Expected 'true' | 'false', received 'yes'",
      },
      {
        code: 'invalid_enum_value',
        received: '1',
        options: ['true', 'false'],
        path: ['include_imports'],
        message: "Invalid enum value. Expected 'true' | 'false', received '1'",
      },
    ]);
    const upper = await raw(server, getPath('APP_PORT', { secretPath: '/app', viewSecretValue: 'TRUE' }), { token });
    expect(upper.status).toBe(422);
  });

  it('/api/status needs no auth, reports the 90-day token ceiling, and is exempt from rate limiting', async () => {
    server.setRateLimit({ limit: 1, windowSeconds: 60 });
    for (let i = 0; i < 3; i += 1) {
      const res = await raw(server, '/api/status');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        date: new Date(T0).toISOString(),
        message: 'Ok',
        emailConfigured: false,
        inviteOnlySignup: false,
        redisConfigured: true,
        secretScanningConfigured: false,
        auditLogStorageDisabled: false,
        maxIdentityAccessTokenTTL: 7776000,
      });
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });

  it('rate limit: per client IP, fixed window, 429 RateLimitExceeded with retry-after and x-ratelimit-* headers', async () => {
    server.setRateLimit({ limit: 2, windowSeconds: 60 });
    const ok1 = await raw(server, listPath({ secretPath: '/app' }), { token });
    expect([ok1.status, ok1.headers.get('x-ratelimit-limit'), ok1.headers.get('x-ratelimit-remaining')]).toEqual([200, '2', '1']);
    await raw(server, listPath({ secretPath: '/app' }), { token });
    server.advanceTime(15_500);
    const limited = await raw(server, listPath({ secretPath: '/app' }), { token });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      reqId: expect.stringMatching(REQ_ID),
      statusCode: 429,
      message: 'Rate limit exceeded. Please try again in 45 seconds',
      error: 'RateLimitExceeded',
    });
    expect(limited.headers.get('retry-after')).toBe('45');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    // another client IP has its own window
    const other = await raw(server, listPath({ secretPath: '/app' }), { token, headers: { 'x-forwarded-for': '10.1.2.3, 127.0.0.1' } });
    expect(other.status).toBe(200);
    server.advanceTime(45_000);
    expect((await raw(server, listPath({ secretPath: '/app' }), { token })).status).toBe(200);
  });

  it('the SDK retries 429: two rate-limit faults, success on the 3rd attempt', async () => {
    server.injectFault({ kind: 'rate-limit', retryAfterSeconds: 30, times: 2, path: LIST });
    const { secrets } = await listApp();
    expect(secrets.map((s) => s.secretKey)).toEqual(['APP_PORT', 'APP_NAME']);
    expect(server.requestsTo(LIST).map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('the SDK does NOT retry a 500', async () => {
    server.injectFault({ kind: 'status', status: 500, times: 1 });
    const err = await errorOf(listApp);
    expect(err.message).toMatch(/\[StatusCode=500\] Something went wrong$/);
    expect(server.requestsTo(LIST).map((r) => r.status)).toEqual([500]);
    await expect(listApp()).resolves.toHaveProperty('secrets');
  });

  it('a non-JSON error body surfaces as "Request failed with status 502"', async () => {
    const id = server.injectFault({ kind: 'non-json' });
    const err = await errorOf(listApp);
    expect(err.name).toBe('InfisicalSDKError');
    expect(err.message).toBe('Request failed with status 502');
    const res = await raw(server, listPath(), { token });
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(res.text).toContain('502 Bad Gateway');
    server.clearFault(id);
    await expect(listApp()).resolves.toHaveProperty('secrets');
  });

  it('hang holds the request until the fault is cleared; drop resets the connection; both log status null', async () => {
    const hang = server.injectFault({ kind: 'hang', path: LIST, times: 1 });
    const pending = raw(server, listPath(), { token }).then(
      () => 'answered',
      (err: Error) => `failed: ${err.message}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requestsTo(LIST)).toEqual([expect.objectContaining({ status: null, faultId: hang })]);
    server.clearFault(hang);
    expect(await pending).toMatch(/^failed: fetch failed/);

    server.injectFault({ kind: 'drop', times: 1, method: 'GET' });
    await expect(raw(server, listPath(), { token })).rejects.toThrow('fetch failed');
    expect(server.requestsTo(LIST).map((r) => r.status)).toEqual([null, null]);
    expect((await raw(server, listPath(), { token })).status).toBe(200);
  });

  it('latency delays the answer; faults match by method, path prefix and consume `times`', async () => {
    server.injectFault({ kind: 'latency', ms: 150, path: '/api/v3/secrets/raw/*', times: 1 });
    server.injectFault({ kind: 'status', status: 503, method: 'POST', path: '/api/v1/auth/*', times: 1 });
    const started = Date.now();
    const got = await raw(server, getPath('APP_PORT', { secretPath: '/app' }), { token });
    expect(got.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const fast = await raw(server, listPath({ secretPath: '/app' }), { token });
    expect(fast.status).toBe(200); // list path does not match the '/raw/*' prefix

    const login = await raw(server, '/api/v1/auth/universal-auth/login', { body: { clientId: DEV_IDENTITY.clientId, clientSecret: DEV_IDENTITY.clientSecret } });
    expect([login.status, login.body.statusCode, login.body.error]).toEqual([503, 503, 'InternalServerError']);
    const second = await raw(server, '/api/v1/auth/universal-auth/login', { body: { clientId: DEV_IDENTITY.clientId, clientSecret: DEV_IDENTITY.clientSecret } });
    expect(second.status).toBe(200);
    expect(server.listFaults()).toEqual([]);
  });

  it('an unparsable JSON body is not a validation error: 500 "Something went wrong"', async () => {
    const res = await raw(server, '/api/v1/auth/universal-auth/login', { body: '{"clientId":', headers: { 'content-type': 'application/json' } });
    expect(res.body).toEqual({ reqId: expect.stringMatching(REQ_ID), statusCode: 500, message: 'Something went wrong', error: 'InternalServerError' });
    const empty = await raw(server, '/api/v1/auth/token/renew', { method: 'POST' });
    expect(empty.status).toBe(422);
    expect(empty.body.message).toEqual([{ code: 'invalid_type', expected: 'object', received: 'undefined', path: [], message: 'Required' }]);
  });
});
