import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { checkWebhookSignature } from '../../src/infisical/webhook/webhook-signature.js';
import { signWebhookBody } from '../support/webhook-sender.js';

const SECRET = 'whk-unit-secret-0123456789';
const BODY = '{"event":"secrets.modified","project":{"projectId":"p1","environment":"dev"},"timestamp":1000}';
const NOW = 1_000_000;
const MAX_AGE = 300_000;
const hmac = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body, 'utf8').digest('hex');

describe('checkWebhookSignature (x-infisical-signature: t=<ms>;<hex HMAC-SHA256 of the body>)', () => {
  it('accepts the HMAC of the body under the secret and returns the timestamp and the signature in lower case', () => {
    expect(checkWebhookSignature(`t=${NOW};${hmac(BODY)}`, BODY, SECRET, NOW, MAX_AGE)).toEqual({ ok: true, timestamp: NOW, signature: hmac(BODY) });
    const upper = checkWebhookSignature(`t=${NOW};${hmac(BODY).toUpperCase()}`, BODY, SECRET, NOW, MAX_AGE);
    expect(upper).toEqual({ ok: true, timestamp: NOW, signature: hmac(BODY) });
  });

  it('ignores white space around the header', () => {
    expect(checkWebhookSignature(`  t=${NOW};${hmac(BODY)}\t`, BODY, SECRET, NOW, MAX_AGE).ok).toBe(true);
  });

  it('signs the body as UTF-8 text', () => {
    const body = '{"note":"café ✓ 日本"}';
    const expected = createHmac('sha256', SECRET).update(Buffer.from(body, 'utf8')).digest('hex');
    expect(checkWebhookSignature(`t=${NOW};${expected}`, body, SECRET, NOW, MAX_AGE).ok).toBe(true);
  });

  it('a missing or empty header is "missing"', () => {
    expect(checkWebhookSignature(undefined, BODY, SECRET, NOW, MAX_AGE)).toEqual({ ok: false, problem: 'missing' });
    expect(checkWebhookSignature('', BODY, SECRET, NOW, MAX_AGE)).toEqual({ ok: false, problem: 'missing' });
  });

  it.each([
    ['only the HMAC', () => hmac(BODY)],
    ['no timestamp digits', () => `t=;${hmac(BODY)}`],
    ['a timestamp that is not a number', () => `t=12a;${hmac(BODY)}`],
    ['a 17-digit timestamp', () => `t=${'1'.repeat(17)};${hmac(BODY)}`],
    ['63 hex digits', () => `t=${NOW};${hmac(BODY).slice(1)}`],
    ['65 hex digits', () => `t=${NOW};${hmac(BODY)}0`],
    ['a non-hex digit', () => `t=${NOW};${hmac(BODY).slice(1)}g`],
    ['text before', () => `xt=${NOW};${hmac(BODY)}`],
    ['text after', () => `t=${NOW};${hmac(BODY)};v=1`],
    ['a comma instead of the semicolon', () => `t=${NOW},${hmac(BODY)}`],
    ['blanks only', () => '   '],
  ])('%s is "malformed"', (_name, header) => {
    expect(checkWebhookSignature(header(), BODY, SECRET, NOW, MAX_AGE)).toEqual({ ok: false, problem: 'malformed' });
  });

  it('a 16-digit timestamp is well formed (then judged by its HMAC and age)', () => {
    const t = '1'.repeat(16);
    expect(checkWebhookSignature(`t=${t};${hmac(BODY)}`, BODY, SECRET, Number(t), MAX_AGE)).toEqual({ ok: true, timestamp: Number(t), signature: hmac(BODY) });
  });

  it('another secret, another body or a changed HMAC is a "mismatch"', () => {
    expect(checkWebhookSignature(`t=${NOW};${hmac(BODY, 'other')}`, BODY, SECRET, NOW, MAX_AGE)).toEqual({ ok: false, problem: 'mismatch' });
    expect(checkWebhookSignature(`t=${NOW};${hmac(BODY)}`, `${BODY} `, SECRET, NOW, MAX_AGE)).toEqual({ ok: false, problem: 'mismatch' });
    const flipped = hmac(BODY).replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(checkWebhookSignature(`t=${NOW};${flipped}`, BODY, SECRET, NOW, MAX_AGE)).toEqual({ ok: false, problem: 'mismatch' });
  });

  it('a timestamp more than maxAgeMs from now, in either direction, is "expired"; exactly maxAgeMs is still fresh', () => {
    const at = (t: number) => checkWebhookSignature(`t=${t};${hmac(BODY)}`, BODY, SECRET, NOW, MAX_AGE);
    expect(at(NOW - MAX_AGE)).toMatchObject({ ok: true, timestamp: NOW - MAX_AGE });
    expect(at(NOW + MAX_AGE)).toMatchObject({ ok: true, timestamp: NOW + MAX_AGE });
    expect(at(NOW - MAX_AGE - 1)).toEqual({ ok: false, problem: 'expired' });
    expect(at(NOW + MAX_AGE + 1)).toEqual({ ok: false, problem: 'expired' });
  });

  it('the HMAC is judged before the age: an old delivery with a wrong HMAC is a "mismatch"', () => {
    expect(checkWebhookSignature(`t=1;${hmac(BODY, 'other')}`, BODY, SECRET, NOW, MAX_AGE)).toEqual({ ok: false, problem: 'mismatch' });
  });
});

describe('signWebhookBody', () => {
  it('writes t=<timestamp>;<hex HMAC-SHA256 of the UTF-8 body>, which the check accepts', () => {
    const body = '{"x":"é"}';
    expect(signWebhookBody(body, SECRET, 42)).toBe(`t=42;${hmac(body)}`);
    expect(checkWebhookSignature(signWebhookBody(body, SECRET, NOW), body, SECRET, NOW, MAX_AGE).ok).toBe(true);
  });
});
