import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import { closestMatch } from '../../src/infisical/diagnostics/closest-match.js';
import { InfisicalPermissionError } from '../../src/infisical/errors/access.errors.js';
import { InfisicalAuthenticationError } from '../../src/infisical/errors/authentication.errors.js';
import { InfisicalConfigValidationError } from '../../src/infisical/errors/configuration.errors.js';
import { InfisicalRateLimitError, InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';
import { isRejectedAnswer, needsHuman, refreshDelayMs, retryDelayMs } from '../../src/infisical/store/backoff.policy.js';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';
import { sanitizeServerText, shorten } from '../../src/infisical/redaction/server-text.js';
import { parseRetryAfter, retryAfterFromMessage } from '../../src/infisical/api/retry-after.js';

const target = { siteUrl: 'http://127.0.0.1:1', projectId: 'p', environment: 'dev', secretPath: '/' };

describe('closestMatch', () => {
  it.each([
    ['stg', ['dev', 'staging', 'prod'], 'staging'],
    ['production', ['dev', 'staging', 'prod'], 'prod'],
    ['prod', ['development', 'production'], 'production'],
    ['dve', ['dev', 'staging', 'prod'], 'dev'],
    ['qa-eu', ['dev', 'staging', 'prod'], undefined],
  ])('%s in %j → %s', (input, candidates, expected) => {
    expect(closestMatch(input, candidates)).toBe(expected);
  });
});

describe('refresh schedule', () => {
  it('spreads regular refreshes ±10 % around the TTL', () => {
    expect(refreshDelayMs(60, () => 0)).toBe(54_000);
    expect(refreshDelayMs(60, () => 1)).toBe(66_000);
    expect(refreshDelayMs(60, () => 0.5)).toBe(60_000);
  });

  it('backs off exponentially with full jitter, capped at 5 minutes', () => {
    expect(retryDelayMs(1, new Error('x'), 60, () => 1)).toBe(1000);
    expect(retryDelayMs(4, new Error('x'), 60, () => 1)).toBe(8000);
    expect(retryDelayMs(30, new Error('x'), 60, () => 1)).toBe(300_000);
    expect(retryDelayMs(4, new Error('x'), 60, () => 0.25)).toBe(2000);
  });

  it('waits what a 429 asks for plus up to 1 s of jitter, whatever the failures before it', () => {
    expect(retryDelayMs(1, new InfisicalRateLimitError(target, 42), 60, () => 0.5)).toBe(42_500);
    expect(retryDelayMs(12, new InfisicalRateLimitError(target, 2), 60, () => 0)).toBe(2000);
    expect(retryDelayMs(1, new InfisicalRateLimitError(target, 999_999_999), 60, () => 0)).toBe(300_000);
  });

  it('does not hammer a refused identity', () => {
    expect(retryDelayMs(1, new InfisicalAuthenticationError(target, 'invalid-credentials'), 60, () => 0)).toBe(300_000);
  });

  it('retries a rejected snapshot at the TTL cadence', () => {
    const invalid = new InfisicalConfigValidationError('x', [{ key: 'A', kind: 'missing', messages: ['not set'], fix: 'set it' }]);
    expect(retryDelayMs(1, invalid, 60, () => 0.5)).toBe(60_000);
  });

  it('retries an unreadable environment at the TTL cadence, capped, and after 1 s without a TTL', () => {
    const unreadable = new InfisicalPermissionError(target, ['A'], []);
    expect(retryDelayMs(7, unreadable, 60, () => 0)).toBe(54_000);
    expect(retryDelayMs(7, unreadable, 3_600, () => 0.5)).toBe(300_000);
    expect(retryDelayMs(7, unreadable, 0, () => 0.5)).toBe(1000);
  });

  it('starts the back-off at 1 s and never goes below 100 ms', () => {
    expect(retryDelayMs(0, new Error('x'), 60, () => 1)).toBe(1000);
    expect(retryDelayMs(2, new Error('x'), 60, () => 1)).toBe(2000);
    expect(retryDelayMs(19, new Error('x'), 60, () => 1)).toBe(300_000);
    expect(retryDelayMs(3, new Error('x'), 60, () => 0)).toBe(100);
    expect(retryDelayMs(3, new Error('x'), 60, () => 0.01)).toBe(100);
  });

  it('a 429 without a retry time backs off like any transport failure', () => {
    expect(retryDelayMs(3, new InfisicalRateLimitError(target, undefined), 60, () => 1)).toBe(4000);
    expect(retryDelayMs(3, new InfisicalRateLimitError(target, 0), 60, () => 1)).toBe(1000);
  });

  it('tells what needs a human from what is rejected or transient', () => {
    const invalid = new InfisicalConfigValidationError('x', [{ key: 'A', kind: 'missing', messages: ['not set'], fix: 'set it' }]);
    const unreadable = new InfisicalPermissionError(target, ['A'], []);
    expect([isRejectedAnswer(invalid), isRejectedAnswer(unreadable), isRejectedAnswer(new Error('x')), isRejectedAnswer(new InfisicalUnreachableError(target, 'network', 'x'))]).toEqual([true, true, false, false]);
    expect(needsHuman(new InfisicalAuthenticationError(target, 'invalid-credentials'))).toBe(true);
    expect(needsHuman(new InfisicalUnreachableError(target, 'redirect', 'x'))).toBe(true);
    expect([needsHuman(invalid), needsHuman(unreadable), needsHuman(new Error('x')), needsHuman(new InfisicalUnreachableError(target, 'network', 'x'))]).toEqual([false, false, false, false]);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('42', 0)).toBe(42);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });

  it.each([
    [' 42 ', 42],
    ['0', 0],
    ['999999999999', 999_999_999_999],
    ['1234567890123', undefined],
    ['x42', undefined],
    ['42x', undefined],
    ['', undefined],
    ['   ', undefined],
  ])('%j → %s', (header, expected) => {
    expect(parseRetryAfter(header, 0)).toBe(expected);
  });

  it('counts an HTTP date from now, rounding up, and never below zero', () => {
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 500)).toBe(10);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 2_000)).toBe(8);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 60_000)).toBe(0);
  });
});

describe('retryAfterFromMessage', () => {
  it.each([
    ['Rate limit exceeded. Please try again in 42 seconds', 42],
    ['please TRY AGAIN IN 1 SECOND', 1],
    ['try again in 999999999999 seconds', 999_999_999_999],
    ['try again in 1234567890123 seconds', undefined],
    ['try again in  42 seconds', undefined],
    ['try again in a few seconds', undefined],
    ['Rate limit exceeded', undefined],
  ])('%j → %s', (message, expected) => {
    expect(retryAfterFromMessage(message)).toBe(expected);
  });
});

describe('server text', () => {
  it('shortens to max characters, saying how many were left out', () => {
    expect(shorten('abcdef', 6)).toBe('abcdef');
    expect(shorten('abcdefgh', 6)).toBe('abcdef… (2 more characters)');
  });

  it('escapes control characters so that server text stays on one line', () => {
    expect(sanitizeServerText('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(sanitizeServerText('\u0000 \u001f \u007f \u009f \u2028 \u2029 \u00a0 ~')).toBe('\\u0000 \\u001f \\u007f \\u009f \\u2028 \\u2029 \u00a0 ~');
    expect(sanitizeServerText('\u001b[31mred\u001b[0m\n\n')).toBe('\\u001b[31mred\\u001b[0m\\n\\n');
  });

  it('cuts to 500 characters by default, before escaping', () => {
    expect(sanitizeServerText('x'.repeat(500))).toBe('x'.repeat(500));
    expect(sanitizeServerText('x'.repeat(501))).toBe(`${'x'.repeat(500)}… (1 more characters)`);
    expect(sanitizeServerText('\n'.repeat(4), 2)).toBe('\\n\\n… (2 more characters)');
  });
});

describe('SecretRedactor', () => {
  it('masks registered values in plain, JSON-escaped and URL-encoded form, longest first', () => {
    const redactor = new SecretRedactor();
    redactor.add('secrets', 's3cr3t-"value"/x', 'abc', undefined, 's3cr3t-"value"/x-longer');
    const text = `a s3cr3t-"value"/x-longer b ${JSON.stringify('s3cr3t-"value"/x')} c ${encodeURIComponent('s3cr3t-"value"/x')} abc`;
    expect(redactor.redact(text)).toBe('a [REDACTED] b "[REDACTED]" c [REDACTED] abc');
  });

  it('masks a value cut off by the end of a shortened text', () => {
    const redactor = new SecretRedactor();
    redactor.add('tokens', 'top-secret-token');
    expect(redactor.redact('token top-secret-to')).toBe('token [REDACTED]');
  });

  it('forgets values of old generations, keeps credentials', () => {
    const redactor = new SecretRedactor();
    redactor.add('credentials', 'client-secret-value');
    for (let i = 0; i < 5; i++) redactor.replace('secrets', [`rotated-value-${i}`]);
    expect(redactor.redact('rotated-value-0 rotated-value-4 client-secret-value')).toBe('rotated-value-0 [REDACTED] [REDACTED]');
    expect(redactor.redact('rotated-value-1')).toBe('[REDACTED]');
  });

  it('masks values of 6 characters or more, also at the very start and end of the text', () => {
    const redactor = new SecretRedactor();
    redactor.add('secrets', 'abcdef', 'vwxyz', null);
    expect(redactor.redact('abcdef')).toBe('[REDACTED]');
    expect(redactor.redact('abcdef vwxyz abcdef')).toBe('[REDACTED] vwxyz [REDACTED]');
    expect(redactor.redact('abcde')).toBe('abcde');
    expect(redactor.size).toBe(1);
    redactor.replace('secrets', ['vwxyz', 'ghijkl']);
    expect(redactor.redact('vwxyz ghijkl')).toBe('vwxyz [REDACTED]');
  });

  it('masks values added or replaced after a text was already masked', () => {
    const redactor = new SecretRedactor();
    expect(redactor.redact('first-value second-value')).toBe('first-value second-value');
    redactor.add('tokens', 'first-value');
    expect(redactor.redact('first-value second-value')).toBe('[REDACTED] second-value');
    redactor.replace('secrets', ['second-value']);
    expect(redactor.redact('first-value second-value')).toBe('[REDACTED] [REDACTED]');
    redactor.add('tokens', 'first-value');
    expect(redactor.size).toBe(2);
  });

  it('an unchanged snapshot is not a new generation; a smaller one is', () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['gen-0-value']);
    for (let i = 0; i < 5; i++) redactor.replace('secrets', ['gen-1-value']);
    expect(redactor.redact('gen-0-value')).toBe('[REDACTED]');
    redactor.replace('secrets', ['value-a', 'value-b']);
    redactor.replace('secrets', ['value-a']);
    for (const next of ['value-c', 'value-d', 'value-e']) redactor.replace('secrets', [next]);
    expect(redactor.redact('value-a value-b value-c')).toBe('[REDACTED] value-b [REDACTED]');
    expect(redactor.size).toBe(4);
  });

  it('finds every value among many that share their first characters', () => {
    const redactor = new SecretRedactor();
    const values = Array.from({ length: 40 }, (_, i) => `shared-${String(i).padStart(2, '0')}${'x'.repeat(i % 7)}`);
    redactor.add('secrets', ...values);
    for (const value of values) expect(redactor.redact(`<${value}>`)).toBe('<[REDACTED]>');
    expect(redactor.redact('shared-99 and shared-0')).toBe('shared-99 and [REDACTED]');
    expect(redactor.redact('shared-99 and more')).toBe('shared-99 and more');
  });

  it('masks a value cut off by the end, but not a text that only starts like a value', () => {
    const redactor = new SecretRedactor();
    redactor.add('secrets', 'secret', 'secret-long-value');
    expect(redactor.redact('a secret-lo')).toBe('a [REDACTED]');
    expect(redactor.redact('a secret-xy')).toBe('a [REDACTED]-xy');
    expect(redactor.redact('a secrex')).toBe('a secrex');
    expect(redactor.redact('a secret-long-value-and-more')).toBe('a [REDACTED]-and-more');
  });

  it('keeps every value added to a group, also after a new generation', () => {
    const redactor = new SecretRedactor();
    redactor.add('credentials', 'first-secret');
    redactor.add('credentials', 'second-secret');
    redactor.replace('secrets', ['snapshot-value']);
    redactor.add('secrets', 'rejected-value');
    expect(redactor.redact('first-secret second-secret snapshot-value rejected-value')).toBe('[REDACTED] [REDACTED] [REDACTED] [REDACTED]');
    expect(redactor.size).toBe(4);
  });

  it('a new snapshot of the same size with other values is a new generation', () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['value-a', 'value-b']);
    redactor.replace('secrets', ['value-a', 'value-c']);
    expect(redactor.redact('value-a value-b value-c')).toBe('[REDACTED] [REDACTED] [REDACTED]');
    expect(redactor.size).toBe(3);
  });

  it('a new generation leaves out values shorter than 6 characters', () => {
    const redactor = new SecretRedactor();
    redactor.replace('secrets', ['short', 'x', 'long-enough']);
    expect(redactor.size).toBe(1);
  });

  it('prints the number of values, never a value', () => {
    const redactor = new SecretRedactor();
    redactor.add('credentials', 'client-secret-value');
    expect(JSON.stringify({ redactor })).toBe('{"redactor":"SecretRedactor(1 values)"}');
  });
});

describe('errors', () => {
  it('have stable names and codes, print without dumping fields, and name the fix', () => {
    const error = new InfisicalUnreachableError(target, 'network', 'connection refused (ECONNREFUSED)');
    expect(error.name).toBe('InfisicalUnreachableError');
    expect(error.code).toBe('INFISICAL_UNREACHABLE');
    expect(error.transient).toBe(true);
    expect(error.message).toContain('INFISICAL_SITE_URL');
    expect(inspect(error)).toContain('InfisicalUnreachableError: Infisical at http://127.0.0.1:1 could not be used');
    expect(inspect(error)).not.toContain('target:');
  });
});
