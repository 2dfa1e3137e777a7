import { MalformedAnswerError } from './malformed-answer.error.js';

/** One dynamic-secret lease as Infisical describes it (never the credentials). */
export interface ParsedLease {
  id: string;
  /** When Infisical revokes the lease, epoch milliseconds. */
  expireAt: number;
  /** When the lease was taken (the start of its max TTL), epoch milliseconds; undefined when the answer omits it. */
  createdAt: number | undefined;
}

/** What a lease answer says about its dynamic secret (TTLs as Infisical's ms-style strings, e.g. `"1h"`). */
export interface ParsedDynamicSecret {
  name: string | undefined;
  type: string | undefined;
  defaultTtl: string | undefined;
  /** Undefined when the dynamic secret has no max TTL. */
  maxTtl: string | undefined;
}

/** A `POST /api/v1/dynamic-secrets/leases` answer: the lease, its dynamic secret and the credentials. */
export interface CreatedLease {
  lease: ParsedLease;
  dynamicSecret: ParsedDynamicSecret;
  /** The credentials by the provider's keys (SQL: `DB_USERNAME`, `DB_PASSWORD`). */
  data: Record<string, string>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function time(value: unknown, field: string): number {
  const at = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : Number.NaN;
  if (!Number.isFinite(at)) throw new MalformedAnswerError(`the lease answer has no usable date in "${field}"`);
  return at;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The `lease` object of an answer (create, renew, revoke or get). @internal */
export function parseLease(value: unknown): ParsedLease {
  if (!isObject(value)) throw new MalformedAnswerError('the lease answer has no "lease" object');
  const id = text(value.id);
  if (id === undefined) throw new MalformedAnswerError('the lease answer has no string "lease.id"');
  return {
    id,
    expireAt: time(value.expireAt, 'lease.expireAt'),
    createdAt: value.createdAt === undefined || value.createdAt === null ? undefined : time(value.createdAt, 'lease.createdAt'),
  };
}

/** The dynamic secret described by an answer; every field is optional (only the TTLs are used). @internal */
export function parseDynamicSecret(value: unknown): ParsedDynamicSecret {
  const secret = isObject(value) ? value : {};
  return { name: text(secret.name), type: text(secret.type), defaultTtl: text(secret.defaultTTL), maxTtl: text(secret.maxTTL) };
}

/**
 * The credentials of a new lease: an object of strings. A value of another type rejects the answer; the message
 * names the key, never a value.
 * @internal
 */
export function parseLeaseData(value: unknown): Record<string, string> {
  if (!isObject(value)) throw new MalformedAnswerError('the lease answer has no "data" object (the credentials)');
  const data: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new MalformedAnswerError(`the lease answer's "data.${key}" is not a string`);
    Object.defineProperty(data, key, { value: item, enumerable: true });
  }
  return data;
}

/** Validates a create answer `{lease, dynamicSecret, data}` as a whole. @internal */
export function parseCreatedLease(body: unknown): CreatedLease {
  const answer = isObject(body) ? body : {};
  return { lease: parseLease(answer.lease), dynamicSecret: parseDynamicSecret(answer.dynamicSecret), data: parseLeaseData(answer.data) };
}

/** Validates a renew / revoke / get answer `{lease}` (a get embeds the dynamic secret in the lease). @internal */
export function parseLeaseAnswer(body: unknown): { lease: ParsedLease; dynamicSecret: ParsedDynamicSecret } {
  const raw = isObject(body) ? body.lease : undefined;
  const lease = parseLease(raw);
  return { lease, dynamicSecret: parseDynamicSecret((raw as Record<string, unknown>).dynamicSecret) };
}

/** The project's slug from a `GET /api/v1/workspace/:id` answer. @internal */
export function parseProjectSlug(body: unknown): string {
  const slug = isObject(body) && isObject(body.workspace) ? text(body.workspace.slug) : undefined;
  if (slug === undefined) throw new MalformedAnswerError('the project answer has no string "workspace.slug"');
  return slug;
}
