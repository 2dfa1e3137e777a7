import { describe, expect, it } from '@jest/globals';
import { mapApiError, mapHttpFailure, type ApiOperation } from '../../src/infisical/api/api-error.mapper.js';
import { HttpFailure } from '../../src/infisical/api/http-request.js';
import type { KeylessLogin } from '../../src/infisical/errors/keyless-login.errors.js';
import { InfisicalProjectAccessError, InfisicalSecretPathNotFoundError } from '../../src/infisical/errors/access.errors.js';
import { InfisicalAuthenticationError, InfisicalIdentityLockedError, InfisicalTokenError } from '../../src/infisical/errors/authentication.errors.js';
import { InfisicalRateLimitError, InfisicalRequestError, InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';

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

/** The class and the structured detail of a mapped error: what a caller and the diagnostics see. */
const outcome = (operation: ApiOperation, status: number, body: unknown, extra: { keyless?: KeylessLogin } = {}) => {
  const error = mapApiError({ operation, status, body, retryAfterSeconds: undefined, target, clientId: 'cid', sanitize: (t) => `<${t}>`, ...extra });
  return [error.name, error.detail];
};
const site = target.siteUrl;
const unreachable = (reason: string, what: string) => ['InfisicalUnreachableError', { siteUrl: site, reason, what }];
const requestError = (status: number, serverMessage: string, operation = 'list') => ['InfisicalRequestError', { siteUrl: site, status, operation, serverMessage }];
const token = (reason: string) => ['InfisicalTokenError', { siteUrl: site, reason }];
const auth = (reason: string) => ['InfisicalAuthenticationError', { siteUrl: site, reason, clientId: 'cid' }];
const access = (reason: string) => ['InfisicalProjectAccessError', { siteUrl: site, projectId: 'p', environment: 'dev', secretPath: '/', reason }];
const pathNotFound = ['InfisicalSecretPathNotFoundError', { projectId: 'p', environment: 'dev', secretPath: '/' }];

describe('mapApiError: each branch and its boundaries', () => {
  it.each([
    ['5xx with a message', 'list', 500, envelope(500, 'boom'), unreachable('server-error', 'HTTP 500 with "<boom>" for the list request')],
    ['5xx without a message', 'renew', 503, { error: 'x' }, unreachable('server-error', 'HTTP 503 with an error for the renew request')],
    ['5xx that is not JSON', 'login', 502, undefined, unreachable('server-error', 'HTTP 502 with a body that is not JSON for the login request')],
    ['499 is not a server error', 'list', 499, envelope(499, 'odd'), requestError(499, '<odd>')],
    ['4xx that is not JSON', 'project', 404, undefined, unreachable('not-infisical', 'HTTP 404 for the project request from something that does not answer like the Infisical API')],
    ['any error of the status call', 'status', 401, envelope(401, 'x'), unreachable('not-infisical', 'HTTP 401 for the status request from something that does not answer like the Infisical API')],
    ['a 404 route miss', 'folders', 404, envelope(404, 'Route GET:/x not found'), unreachable('not-infisical', 'HTTP 404 for the folders request from something that does not answer like the Infisical API')],
    ['a 400 route miss is a request error', 'list', 400, envelope(400, 'Route x'), requestError(400, '<Route x>')],
    ['"Route" not at the start', 'list', 404, envelope(404, 'No Route here'), requestError(404, '<No Route here>')],
    ['403 TokenError, expired', 'list', 403, envelope(403, 'Token EXPIRED', 'TokenError'), token('expired')],
    ['403 TokenError, other', 'list', 403, envelope(403, 'bad signature', 'TokenError'), token('invalid')],
    ['401 TokenError saying expired', 'list', 401, envelope(401, 'expired', 'TokenError'), token('invalid')],
    ['401 revoked', 'renew', 401, envelope(401, 'Token REVOKED'), token('revoked')],
    ['401 max TTL', 'list', 401, envelope(401, 'reached its MAX ttl'), token('max-ttl')],
    ['401 usage limit', 'list', 401, envelope(401, 'Usage Limit reached'), token('exhausted')],
    ['401 exhausted', 'list', 401, envelope(401, 'token Exhausted'), token('exhausted')],
    ['401 other', 'list', 401, envelope(401, 'nope'), token('invalid')],
    ['400 revoked is a request error', 'list', 400, envelope(400, 'revoked'), requestError(400, '<revoked>')],
    ['login 401 locked', 'login', 401, envelope(401, 'TEMPORARILY LOCKED'), ['InfisicalIdentityLockedError', { siteUrl: site }]],
    ['login 403 locked is not a lockout', 'login', 403, envelope(403, 'temporarily locked'), requestError(403, '<temporarily locked>', 'login')],
    ['login 401 expired secret', 'login', 401, envelope(401, 'EXPIRED CLIENT SECRET'), auth('client-secret-expired')],
    ['login 404 expired secret', 'login', 404, envelope(404, 'expired client secret'), auth('invalid-credentials')],
    ['login 401 usage limit', 'login', 401, envelope(401, 'USAGE LIMIT'), auth('client-secret-exhausted')],
    ['login 404 usage limit', 'login', 404, envelope(404, 'usage limit'), auth('invalid-credentials')],
    ['login 403 IP', 'login', 403, envelope(403, 'the CURRENT IP ADDRESS'), auth('ip-not-allowed')],
    ['login 401 IP', 'login', 401, envelope(401, 'current IP address'), auth('invalid-credentials')],
    ['login 404', 'login', 404, envelope(404, 'none'), auth('invalid-credentials')],
    ['login 400', 'login', 400, envelope(400, 'bad'), requestError(400, '<bad>', 'login')],
    ['renew 404', 'renew', 404, envelope(404, 'gone'), requestError(404, '<gone>', 'renew')],
    ['403 not a member', 'list', 403, envelope(403, 'identity NOT MEMBER of it'), access('not-a-member')],
    ['403 not a member, in the error name', 'list', 403, envelope(403, 'x', 'Identity does not belong to project'), access('not-a-member')],
    ['403 describeSecret', 'list', 403, envelope(403, 'cannot DESCRIBESECRET'), access('no-secret-access')],
    ['403 readValue', 'list', 403, envelope(403, 'cannot readvalue'), access('no-secret-access')],
    ['403 other', 'list', 403, envelope(403, 'nope'), requestError(403, '<nope>')],
    ['403 without an error name', 'list', 403, { message: 'nope' }, requestError(403, '<nope>')],
    ['404 PermissionDenied is not an access error', 'list', 404, envelope(404, 'x', 'PermissionDenied'), requestError(404, '<x>')],
    ['404 SecretPathNotFound', 'list', 404, envelope(404, 'x', 'SecretPathNotFoundError'), pathNotFound],
    ['404 GetSecretByName', 'list', 404, envelope(404, 'x', 'GetSecretByNameError'), pathNotFound],
    ['404 folder with path', 'list', 404, envelope(404, 'FOLDER WITH PATH /x'), pathNotFound],
    ['404 environment with slug', 'list', 404, envelope(404, "Environment with slug 'x' in project with ID p not found"), pathNotFound],
    ['400 folder with path', 'list', 400, envelope(400, 'folder with path /x'), requestError(400, '<folder with path /x>')],
    ['400 SecretPathNotFound', 'list', 400, envelope(400, 'x', 'SecretPathNotFound'), requestError(400, '<x>')],
    ['400 project with id', 'list', 400, envelope(400, 'PROJECT WITH ID abc-123 NOT FOUND'), access('project-not-found')],
    ['404 project not found', 'list', 404, envelope(404, 'Project not found'), access('project-not-found')],
    ['404 project with an empty id', 'list', 404, envelope(404, 'project with id  not found'), access('project-not-found')],
    ['project not at the start', 'list', 404, envelope(404, 'The project not found'), requestError(404, '<The project not found>')],
    ['project with id not at the start', 'list', 404, envelope(404, 'The project with id p not found'), requestError(404, '<The project with id p not found>')],
    ['403 project not found', 'list', 403, envelope(403, 'project not found'), requestError(403, '<project not found>')],
    ['400 folder not found', 'list', 400, envelope(400, 'Folder NOT FOUND'), pathNotFound],
    ['404 folder not found', 'list', 404, envelope(404, 'folder not found'), requestError(404, '<folder not found>')],
  ] as const)('%s', (_label, operation, status, body, expected) => {
    expect(outcome(operation, status, body)).toEqual(expected);
  });

  it.each([
    ['a message list', { message: [{ message: 'a' }, { message: 1 }, {}, null, { message: 'b' }] }, '<a; b>'],
    ['a non-string message', { message: 42, error: 'BadRequest' }, '<BadRequest>'],
    ['a non-string error', { message: 'said', error: 7 }, '<said>'],
    ['only a non-string error', { error: 7 }, '<no message>'],
    ['an empty envelope', {}, '<no message>'],
    ['null', null, '<no message>'],
    ['a string', 'text', '<no message>'],
  ])('the detail of %s', (_label, body, serverMessage) => {
    expect(outcome('list', 418, body)).toEqual(requestError(418, serverMessage));
  });

  describe('keyless logins', () => {
    const keyless: KeylessLogin = { method: 'gcp-id-token', label: 'GCP ID Token Auth', identityId: 'id-1' };
    const login = (operation: ApiOperation, status: number, message: string) => outcome(operation, status, envelope(status, message), { keyless });
    const refused = (reason: string, status: number) => ['InfisicalIdentityLoginError', { siteUrl: site, reason, method: 'gcp-id-token', identityId: 'id-1', status }];

    it.each([
      [400, 'bad token', refused('rejected', 400)],
      [401, 'did you configure it', refused('rejected', 401)],
      [403, 'service account not allowed', refused('rejected', 403)],
      [404, 'GCP ID Token Auth not found for identity, DID YOU CONFIGURE it?', refused('method-not-configured', 404)],
      [404, 'NOT FOUND FOR IDENTITY', refused('method-not-configured', 404)],
      [404, 'no such thing', refused('rejected', 404)],
      [499, 'odd', refused('rejected', 499)],
      [422, 'unprocessable', requestError(422, '<unprocessable>', 'login')],
      [304, 'not modified', requestError(304, '<not modified>', 'login')],
      [403, 'the current ip address is not allowed', auth('ip-not-allowed')],
    ] as const)('login HTTP %i %j', (status, message, expected) => {
      expect(login('login', status, message)).toEqual(expected);
    });

    it('passes the sanitized server message', () => {
      const error = mapApiError({ operation: 'login', status: 401, body: envelope(401, 'raw'), retryAfterSeconds: undefined, target, keyless, sanitize: () => 'clean' });
      expect(error.message).toContain('"clean"');
    });

    it('only the login is a keyless login failure', () => {
      expect(login('renew', 401, 'nope')).toEqual(token('invalid'));
    });
  });
});

describe('mapHttpFailure: what each failure says', () => {
  it.each([
    ['timeout', 'no answer within 5000 ms', unreachable('timeout', 'no answer within 5000 ms to the list request')],
    ['too-large', 'more than 16 MB', unreachable('invalid-response', 'the list request got more than 16 MB')],
    ['too-deep', 'JSON nested too deep', unreachable('invalid-response', 'the list request got JSON nested too deep')],
    ['redirect', 'HTTP 302 redirect', unreachable('redirect', 'the list request got an HTTP 302 redirect')],
    ['tls', 'certificate expired', unreachable('tls', 'certificate expired')],
    ['network', 'ECONNREFUSED', unreachable('network', 'ECONNREFUSED')],
  ] as const)('%s', (kind, detail, expected) => {
    const error = mapHttpFailure(new HttpFailure(kind, detail), 'list', target);
    expect([error.name, error.detail]).toEqual(expected);
  });

  it('a cancellation for another reason says the request was cancelled', () => {
    for (const reason of [undefined, new Error('shutdown')]) {
      const error = mapHttpFailure(new HttpFailure('cancelled', 'x', reason), 'renew', target);
      expect([error.name, error.detail]).toEqual(unreachable('timeout', 'the renew request was cancelled'));
    }
  });
});
