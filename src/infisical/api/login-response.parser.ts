import { MalformedAnswerError } from './malformed-answer.error.js';

/** What a login or renewal answered: the token and its lifetimes (seconds; undefined when not reported). */
export interface LoginAnswer {
  accessToken: string;
  expiresInSeconds: number | undefined;
  maxTtlSeconds: number | undefined;
}

/** A token is sent in an `Authorization` header: printable, no whitespace, of a sane length. */
const TOKEN = /^[\x21-\x7e]{1,16384}$/;

const seconds = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined);

/**
 * Validates a login / renewal answer (`{ accessToken, expiresIn, accessTokenMaxTTL, tokenType }`): an answer
 * without a usable token (null, missing, not a string, containing whitespace or control characters) is not an
 * Infisical answer.
 * @internal
 */
export function parseLoginAnswer(body: unknown, operation: 'login' | 'renew'): LoginAnswer {
  const answer = body as { accessToken?: unknown; expiresIn?: unknown; accessTokenMaxTTL?: unknown } | null;
  if (typeof answer !== 'object' || answer === null) throw new MalformedAnswerError(`the ${operation} answer is not a JSON object`);
  if (typeof answer.accessToken !== 'string' || !TOKEN.test(answer.accessToken)) {
    throw new MalformedAnswerError(`the ${operation} answer carries no usable "accessToken"`);
  }
  return { accessToken: answer.accessToken, expiresInSeconds: seconds(answer.expiresIn), maxTtlSeconds: seconds(answer.accessTokenMaxTTL) };
}
