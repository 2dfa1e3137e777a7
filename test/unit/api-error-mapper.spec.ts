import { describe, expect, it } from '@jest/globals';
import { mapApiError, mapHttpFailure, type ApiOperation } from '../../src/infisical/api/api-error.mapper.js';
import { HttpFailure } from '../../src/infisical/api/http-request.js';
import {
  InfisicalAuthenticationError,
  InfisicalIdentityLockedError,
  InfisicalProjectAccessError,
  InfisicalRateLimitError,
  InfisicalRequestError,
  InfisicalSecretPathNotFoundError,
  InfisicalTokenError,
  InfisicalUnreachableError,
} from '../../src/infisical/index.js';

const target = { siteUrl: 'http://127.0.0.1:1', projectId: 'p', environment: 'dev', secretPath: '/' };
const envelope = (statusCode: number, message: string, error = 'Error') => ({ reqId: 'r', statusCode, message, error });
const map = (operation: ApiOperation, status: number, body: unknown, retryAfterSeconds?: number) =>
  mapApiError({ operation, status, body, retryAfterSeconds, target, clientId: 'c', sanitize: (t) => t });

describe('mapApiError', () => {
  it.each([
    ['login', 401, envelope(401, 'Invalid credentials', 'UnauthorizedError'), InfisicalAuthenticationError, 'invalid-credentials'],
    ['login', 401, envelope(401, 'Access denied due to expired client secret'), InfisicalAuthenticationError, 'client-secret-expired'],
    ['login', 401, envelope(401, 'Access denied due to client secret usage limit reached'), InfisicalAuthenticationError, 'client-secret-exhausted'],
    ['login', 403, envelope(403, 'Access denied: the current IP address is not allowed'), InfisicalAuthenticationError, 'ip-not-allowed'],
    ['list', 403, envelope(403, 'Your token has expired. Please re-authenticate.', 'TokenError'), InfisicalTokenError, 'expired'],
    ['list', 401, envelope(401, 'Failed to authorize access token: token revoked'), InfisicalTokenError, 'revoked'],
    ['list', 401, envelope(401, 'Access token has reached its max TTL'), InfisicalTokenError, 'max-ttl'],
    ['list', 403, envelope(403, 'Identity is not a member of the project'), InfisicalProjectAccessError, 'not-a-member'],
    ['list', 403, envelope(403, 'You are not allowed to readValue on secrets', 'PermissionDenied'), InfisicalProjectAccessError, 'no-secret-access'],
    ['list', 404, envelope(404, "Folder with path '/x' in environment with slug 'dev' not found", 'NotFound'), InfisicalSecretPathNotFoundError, undefined],
    ['list', 404, envelope(404, 'Project with ID p not found', 'NotFound'), InfisicalProjectAccessError, 'project-not-found'],
    ['list', 500, envelope(500, 'Something went wrong'), InfisicalUnreachableError, 'server-error'],
    ['list', 502, undefined, InfisicalUnreachableError, 'server-error'],
    ['list', 404, envelope(404, 'Route GET:/api/v3/secrets/raw not found', 'Not Found'), InfisicalUnreachableError, 'not-infisical'],
    ['list', 400, undefined, InfisicalUnreachableError, 'not-infisical'],
    ['list', 418, envelope(418, 'a teapot'), InfisicalRequestError, undefined],
  ] as const)('%s HTTP %i %j → %p', (operation, status, body, errorClass, reason) => {
    const error = map(operation, status, body);
    expect(error).toBeInstanceOf(errorClass);
    if (reason !== undefined) expect((error as unknown as { reason: string }).reason).toBe(reason);
  });

  it('a temporarily locked identity is its own error', () => {
    expect(map('login', 401, envelope(401, 'Identity is temporarily locked due to too many failed login attempts'))).toBeInstanceOf(InfisicalIdentityLockedError);
  });

  it('429 carries Retry-After, or the seconds named in the message', () => {
    expect((map('list', 429, envelope(429, 'x'), 17) as InfisicalRateLimitError).retryAfterSeconds).toBe(17);
    expect((map('list', 429, envelope(429, 'Rate limit exceeded. Please try again in 42 seconds')) as InfisicalRateLimitError).retryAfterSeconds).toBe(42);
  });

  it('server text goes through sanitize', () => {
    const error = mapApiError({ operation: 'list', status: 418, body: envelope(418, 'raw'), retryAfterSeconds: undefined, target, sanitize: () => '<clean>' });
    expect(error.message).toContain('<clean>');
    expect(error.message).not.toContain('raw');
  });
});

describe('mapHttpFailure', () => {
  it.each([
    ['timeout', 'timeout'],
    ['too-large', 'invalid-response'],
    ['too-deep', 'invalid-response'],
    ['redirect', 'redirect'],
    ['tls', 'tls'],
    ['network', 'network'],
  ] as const)('%s → unreachable (%s)', (kind, reason) => {
    const error = mapHttpFailure(new HttpFailure(kind, 'detail'), 'list', target);
    expect(error).toBeInstanceOf(InfisicalUnreachableError);
    expect((error as InfisicalUnreachableError).reason).toBe(reason);
  });

  it('a redirect is not transient (retrying would not change where it points); a timeout is', () => {
    expect(mapHttpFailure(new HttpFailure('redirect', 'x'), 'login', target).transient).toBe(false);
    expect(mapHttpFailure(new HttpFailure('timeout', 'x'), 'login', target).transient).toBe(true);
  });

  it('a cancellation reports the canceller\'s reason when it is an Infisical error', () => {
    const reason = new InfisicalRateLimitError(target, 5);
    expect(mapHttpFailure(new HttpFailure('cancelled', 'x', reason), 'list', target)).toBe(reason);
  });
});
