/**
 * Infisical's error envelope: `{reqId, statusCode, message, error}` (+ optional extra fields such
 * as `details` or `docs`). Mirrors backend/src/server/plugins/error-handler.ts.
 */
import { randomInt } from 'node:crypto';

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `req-` + 14 alphanumerics, like Infisical's genReqId. */
export function generateReqId(): string {
  let id = 'req-';
  for (let i = 0; i < 14; i += 1) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return id;
}

/** One zod (v3) issue, as Infisical returns them in a 422 `message` array. */
export interface ValidationIssue {
  code: string;
  path: (string | number)[];
  message: string;
  [extra: string]: unknown;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    readonly body: string | ValidationIssue[],
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : 'Validation failed');
    this.name = 'HttpError';
  }

  toEnvelope(reqId: string): Record<string, unknown> {
    return { reqId, statusCode: this.statusCode, message: this.body, error: this.error, ...this.extra };
  }
}

/** Default message of UnauthorizedError / ForbiddenRequestError when only a name is given. */
export const DEFAULT_AUTH_MESSAGE = 'You are not allowed to access this resource';

export const badRequest = (message: string, name = 'BadRequest'): HttpError => new HttpError(400, name, message);

export const notFound = (message: string, name = 'NotFound'): HttpError => new HttpError(404, name, message);

export const unauthorized = (message = DEFAULT_AUTH_MESSAGE, name = 'UnauthorizedError'): HttpError =>
  new HttpError(401, name, message);

/** ForbiddenRequestError: `error` = name, `message` = text (default "You are not allowed to access this resource"). */
export const forbidden = (
  message = DEFAULT_AUTH_MESSAGE,
  name = 'ForbiddenError',
  details?: unknown,
): HttpError => new HttpError(403, name, message, details === undefined ? {} : { details });

/** CASL ForbiddenError → 403 PermissionDenied "You are not allowed to <action> on <subject>". */
export const permissionDenied = (action: string, subject: string, details: unknown[] = []): HttpError =>
  new HttpError(403, 'PermissionDenied', `You are not allowed to ${action} on ${subject}`, { details });

/** jsonwebtoken errors → 403 TokenError. */
export const tokenError = (message: string): HttpError => new HttpError(403, 'TokenError', message);

export const validationFailure = (issues: ValidationIssue[]): HttpError =>
  new HttpError(422, 'ValidationFailure', issues);

export const rateLimitExceeded = (message: string, headers: Record<string, string> = {}): HttpError =>
  new HttpError(429, 'RateLimitExceeded', message, {}, headers);

/** Anything unexpected: Infisical answers 500 InternalServerError "Something went wrong". */
export const internalError = (): HttpError => new HttpError(500, 'InternalServerError', 'Something went wrong');

/** Unknown route, shaped like Infisical's not-found handler (with the OpenAPI pointer). */
export const routeNotFound = (method: string, pathname: string): HttpError =>
  new HttpError(
    404,
    'Not Found',
    `Route ${method}:${pathname} not found. The API reference (OpenAPI spec) is available at /api/docs/json`,
    { docs: '/api/docs/json' },
  );

/** Default `error` names used for injected status faults. */
export function defaultErrorName(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'UnauthorizedError';
    case 403:
      return 'ForbiddenError';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 422:
      return 'ValidationFailure';
    case 429:
      return 'RateLimitExceeded';
    case 504:
      return 'GatewayTimeoutError';
    default:
      return status >= 500 ? 'InternalServerError' : 'Error';
  }
}

export function defaultErrorMessage(status: number): string {
  switch (status) {
    case 401:
    case 403:
      return DEFAULT_AUTH_MESSAGE;
    case 404:
      return 'Not found';
    case 429:
      return 'Rate limit exceeded. Please try again later';
    case 504:
      return 'Gateway timeout';
    default:
      return status >= 500 ? 'Something went wrong' : 'Bad request';
  }
}
