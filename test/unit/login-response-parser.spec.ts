/** The pure login / renewal answer parser: a usable token or a MalformedAnswerError, lifetimes only when usable. */
import { describe, expect, it } from '@jest/globals';
import { MalformedAnswerError } from '../../src/infisical/api/malformed-answer.error.js';
import { parseLoginAnswer } from '../../src/infisical/api/login-response.parser.js';

const rejection = (body: unknown, operation: 'login' | 'renew' = 'login'): MalformedAnswerError => {
  try {
    parseLoginAnswer(body, operation);
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedAnswerError);
    return error as MalformedAnswerError;
  }
  throw new Error('expected the answer to be rejected');
};

describe('parseLoginAnswer', () => {
  it('returns the token and its lifetimes', () => {
    expect(parseLoginAnswer({ accessToken: 'eyJ.a.b', expiresIn: 7200, accessTokenMaxTTL: 86_400, tokenType: 'Bearer' }, 'login')).toEqual({
      accessToken: 'eyJ.a.b',
      expiresInSeconds: 7200,
      maxTtlSeconds: 86_400,
    });
  });

  it.each([[0], [-5], [Number.NaN], [Number.POSITIVE_INFINITY], ['7200'], [null], [undefined]])('reports no lifetime for %p', (value) => {
    expect(parseLoginAnswer({ accessToken: 't', expiresIn: value, accessTokenMaxTTL: value }, 'renew')).toEqual({
      accessToken: 't',
      expiresInSeconds: undefined,
      maxTtlSeconds: undefined,
    });
  });

  it('keeps each lifetime apart', () => {
    expect(parseLoginAnswer({ accessToken: 't', expiresIn: 0.5 }, 'login')).toEqual({ accessToken: 't', expiresInSeconds: 0.5, maxTtlSeconds: undefined });
    expect(parseLoginAnswer({ accessToken: 't', accessTokenMaxTTL: 60 }, 'login')).toEqual({ accessToken: 't', expiresInSeconds: undefined, maxTtlSeconds: 60 });
  });

  it.each([[null], ['token'], [42], [undefined]])('rejects %p as not a JSON object, naming the operation', (body) => {
    expect(rejection(body).message).toBe('the login answer is not a JSON object');
    expect(rejection(body, 'renew').message).toBe('the renew answer is not a JSON object');
  });

  it('accepts every printable ASCII character, and up to 16384 of them', () => {
    const printable = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
    expect(parseLoginAnswer({ accessToken: printable }, 'login').accessToken).toBe(printable);
    expect(parseLoginAnswer({ accessToken: 'x'.repeat(16_384) }, 'login').accessToken).toHaveLength(16_384);
  });

  it.each([
    ['missing', {}],
    ['null', { accessToken: null }],
    ['a number', { accessToken: 42 }],
    ['empty', { accessToken: '' }],
    ['too long', { accessToken: 'x'.repeat(16_385) }],
    ['with a leading space', { accessToken: ' abc' }],
    ['with a trailing space', { accessToken: 'abc ' }],
    ['with a line break', { accessToken: 'abc\ndef' }],
    ['with DEL', { accessToken: 'abc\x7f' }],
    ['with a non-ASCII character', { accessToken: 'abcé' }],
  ])('rejects a token that is %s', (_label, body) => {
    expect(rejection(body).message).toBe('the login answer carries no usable "accessToken"');
    expect(rejection(body, 'renew').message).toBe('the renew answer carries no usable "accessToken"');
  });
});
