import {
  InfisicalDynamicSecretForbiddenError,
  InfisicalDynamicSecretNotFoundError,
  InfisicalLeaseNotFoundError,
  InfisicalLeaseRefusedError,
} from '../errors/dynamic-secret.errors.js';
import type { InfisicalError } from '../errors/infisical.error.js';
import { mapApiError, type ApiErrorAnswer } from './api-error.mapper.js';

/** A non-2xx answer to a lease route, with the dynamic secret and lease it was about. */
export interface LeaseErrorAnswer extends ApiErrorAnswer {
  operation: 'lease-create' | 'lease-renew' | 'lease-revoke' | 'lease-get';
  dynamicSecret: string;
  leaseId?: string;
}

const LEASE_GONE = /lease with id .* not found|lease not found/i;
const SECRET_GONE = /dynamic secret (with name .* )?not found|folder with path .* not found|folder not found/i;
const PAST_MAX_TTL = /max(imum)? (allowed lease duration|ttl)/i;

/**
 * Maps an answer of a lease route: a missing dynamic secret or folder (404, or 400 on older servers), a refused
 * lease (403), a lease Infisical no longer knows (404), a refused creation or renewal (400, e.g. past the max TTL).
 * Everything else — tokens, rate limits, 5xx, answers that are not Infisical's — as any other route. Pure.
 * @internal
 */
export function mapLeaseError(answer: LeaseErrorAnswer): InfisicalError {
  const { status, body, target, sanitize, dynamicSecret, operation } = answer;
  if (typeof body !== 'object' || body === null) return mapApiError(answer);
  const envelope = body as { message?: unknown; error?: unknown };
  const message = typeof envelope.message === 'string' ? envelope.message : '';
  const said = sanitize(message || `HTTP ${status}`);
  if (status === 403 && envelope.error !== 'TokenError') return new InfisicalDynamicSecretForbiddenError(dynamicSecret, target, said);
  if (status !== 404 && status !== 400) return mapApiError(answer);
  if (answer.leaseId !== undefined && LEASE_GONE.test(message)) return new InfisicalLeaseNotFoundError(dynamicSecret, target, answer.leaseId);
  if (SECRET_GONE.test(message)) return new InfisicalDynamicSecretNotFoundError(dynamicSecret, target, said);
  if (status === 400 && (operation === 'lease-create' || operation === 'lease-renew')) {
    const kind = operation === 'lease-create' ? 'create' : 'renew';
    return new InfisicalLeaseRefusedError(dynamicSecret, target, kind, PAST_MAX_TTL.test(message) ? 'max-ttl' : 'other', said);
  }
  return mapApiError(answer);
}
