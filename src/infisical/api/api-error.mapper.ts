import {
  InfisicalAuthenticationError,
  InfisicalIdentityLockedError,
  InfisicalTokenError,
} from '../errors/authentication.errors.js';
import { InfisicalProjectAccessError, InfisicalSecretPathNotFoundError } from '../errors/access.errors.js';
import { InfisicalError } from '../errors/infisical.error.js';
import { InfisicalIdentityLoginError, type KeylessLogin } from '../errors/keyless-login.errors.js';
import { InfisicalRateLimitError, InfisicalRequestError, InfisicalUnreachableError } from '../errors/transport.errors.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import type { HttpFailure } from './http-request.js';
import { retryAfterFromMessage } from './retry-after.js';

/** The calls the module makes; each names itself in errors. */
export type ApiOperation = 'login' | 'renew' | 'revoke' | 'list' | 'project' | 'folders' | 'status' | 'lease-create' | 'lease-renew' | 'lease-revoke' | 'lease-get';

/** An answer with a status other than 2xx, as the client received it. */
export interface ApiErrorAnswer {
  operation: ApiOperation;
  status: number;
  /** Parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
  retryAfterSeconds: number | undefined;
  target: InfisicalTarget;
  /** Client ID of the identity (not a secret), named in login failures. */
  clientId?: string;
  /** The keyless login method and identity, when the login is not Universal Auth. */
  keyless?: KeylessLogin;
  /** Makes server text safe for a message: masked, control characters escaped, shortened. */
  sanitize: (text: string) => string;
}

/**
 * Maps one non-2xx answer to the module's named error, from the status and Infisical's error envelope
 * (`{ reqId, statusCode, message, error }`). Pure: no I/O, no clock.
 * @internal
 */
export function mapApiError(answer: ApiErrorAnswer): InfisicalError {
  const { operation, status, body, target, sanitize } = answer;
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as { message?: unknown; error?: unknown };
  const message = typeof envelope.message === 'string' ? envelope.message : '';
  const name = typeof envelope.error === 'string' ? envelope.error : '';
  const text = `${name} ${message}`;
  if (status === 429) {
    return new InfisicalRateLimitError(target, answer.retryAfterSeconds ?? retryAfterFromMessage(message));
  }
  if (status >= 500) {
    const what = body === undefined ? 'a body that is not JSON' : message ? `"${sanitize(message)}"` : 'an error';
    return new InfisicalUnreachableError(target, 'server-error', `HTTP ${status} with ${what} for the ${operation} request`);
  }
  if (body === undefined || operation === 'status' || (status === 404 && /^Route /.test(message))) {
    return new InfisicalUnreachableError(
      target,
      'not-infisical',
      `HTTP ${status} for the ${operation} request from something that does not answer like the Infisical API`,
    );
  }
  if (status === 403 && name === 'TokenError') return new InfisicalTokenError(target, /expired/i.test(message) ? 'expired' : 'invalid');
  if (operation === 'login' && answer.keyless && status >= 400 && status < 500 && status !== 422 && !/current IP address/i.test(message)) {
    const notConfigured = status === 404 && /did you configure|not found for identity/i.test(message);
    return new InfisicalIdentityLoginError(target, answer.keyless, notConfigured ? 'method-not-configured' : 'rejected', status, sanitize(message));
  }
  if (operation === 'login') {
    if (status === 401 && /temporarily locked/i.test(message)) return new InfisicalIdentityLockedError(target);
    if (status === 401 && /expired client secret/i.test(message)) return new InfisicalAuthenticationError(target, 'client-secret-expired', answer.clientId);
    if (status === 401 && /usage limit/i.test(message)) return new InfisicalAuthenticationError(target, 'client-secret-exhausted', answer.clientId);
    if (status === 403 && /current IP address/i.test(message)) return new InfisicalAuthenticationError(target, 'ip-not-allowed', answer.clientId);
    if (status === 401 || status === 404) return new InfisicalAuthenticationError(target, 'invalid-credentials', answer.clientId);
  }
  if (status === 401) {
    if (/revoked/i.test(message)) return new InfisicalTokenError(target, 'revoked');
    if (/max TTL/i.test(message)) return new InfisicalTokenError(target, 'max-ttl');
    if (/usage limit|exhausted/i.test(message)) return new InfisicalTokenError(target, 'exhausted');
    return new InfisicalTokenError(target, 'invalid');
  }
  if (status === 403) {
    if (/not (a )?member|does not belong/i.test(text)) return new InfisicalProjectAccessError(target, 'not-a-member');
    if (name === 'PermissionDenied' || /describeSecret|readValue/i.test(message)) return new InfisicalProjectAccessError(target, 'no-secret-access');
  }
  // Folder / environment first: "Environment with slug 'x' in project with ID … not found" names a project too.
  if (status === 404 && (/SecretPathNotFound|GetSecretByName/.test(name) || /folder with path|environment with slug/i.test(message))) {
    return new InfisicalSecretPathNotFoundError(target);
  }
  if ((status === 404 || status === 400) && /^project with id .* not found|^project not found/i.test(message)) {
    return new InfisicalProjectAccessError(target, 'project-not-found');
  }
  if (status === 400 && /folder not found/i.test(message)) return new InfisicalSecretPathNotFoundError(target);
  const detail = Array.isArray(envelope.message)
    ? (envelope.message as Array<{ message?: unknown }>).map((m) => (typeof m?.message === 'string' ? m.message : '')).filter(Boolean).join('; ')
    : message || name || 'no message';
  return new InfisicalRequestError(target, status, sanitize(detail), operation);
}

/** Maps an attempt that produced no answer (network, TLS, timeout, size, depth, redirect). @internal */
export function mapHttpFailure(failure: HttpFailure, operation: ApiOperation, target: InfisicalTarget): InfisicalError {
  switch (failure.kind) {
    case 'cancelled':
      // The canceller's reason (a start-up deadline, shutdown) says more than "cancelled".
      return failure.reason instanceof InfisicalError
        ? failure.reason
        : new InfisicalUnreachableError(target, 'timeout', `the ${operation} request was cancelled`);
    case 'timeout':
      return new InfisicalUnreachableError(target, 'timeout', `${failure.detail} to the ${operation} request`);
    case 'too-large':
    case 'too-deep':
      return new InfisicalUnreachableError(target, 'invalid-response', `the ${operation} request got ${failure.detail}`);
    case 'redirect':
      return new InfisicalUnreachableError(target, 'redirect', `the ${operation} request got an ${failure.detail}`);
    case 'tls':
      return new InfisicalUnreachableError(target, 'tls', failure.detail);
    case 'network':
      return new InfisicalUnreachableError(target, 'network', failure.detail);
  }
}
