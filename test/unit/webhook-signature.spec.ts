import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { checkWebhookSignature, type SignatureRules } from '../../src/infisical/webhook/webhook-signature.js';
import { signWebhookBody } from '../support/webhook-sender.js';

const SECRET = 'whk-unit-secret-0123456789';
const NOW = 1_767_225_600_000;
const MAX_AGE = 300_000;
const RULES: SignatureRules = { secret: SECRET, now: NOW, maxAgeMs: MAX_AGE, maxBodyBytes: 1024 };
const bodyAt = (timestamp: unknown) => JSON.stringify({ event: 'secrets.modified', project: { projectId: 'p1', environment: 'dev' }, timestamp });
const BODY = bodyAt(NOW);
const hmac = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body, 'utf8').digest('hex');
const check = (header: string | undefined, body = BODY, rules: Partial<SignatureRules> = {}) => checkWebhookSignature(header, body, { ...RULES, ...rules });

describe('checkWebhookSignature (x-infisical-signature: t=<ms>;<hex HMAC-SHA256 of the body>, the body\'s timestamp signed)', () => {
  it('accepts Infisical\'s delivery: returns the signed timestamp, the signature in lower case and the parsed body', () => {
    const payload = JSON.parse(BODY) as unknown;
    expect(check(`t=${NOW};${hmac(BODY)}`)).toEqual({ ok: true, timestamp: NOW, signature: hmac(BODY), payload });
    expect(check(`t=${NOW};${hmac(BODY).toUpperCase()}`)).toEqual({ ok: true, timestamp: NOW, signature: hmac(BODY), payload });
  });

  it('ignores white space around the header', () => {
    expect(check(`  t=${NOW};${hmac(BODY)}\t`).ok).toBe(true);
  });

  it('signs the body as UTF-8 text', () => {
    const body = JSON.stringify({ note: 'café ✓ 日本', timestamp: NOW });
    const expected = createHmac('sha256', SECRET).update(Buffer.from(body, 'utf8')).digest('hex');
    expect(check(`t=${NOW};${expected}`, body).ok).toBe(true);
  });

  it('a missing or empty header is "missing"', () => {
    expect(check(undefined)).toEqual({ ok: false, problem: 'missing' });
    expect(check('')).toEqual({ ok: false, problem: 'missing' });
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
    expect(check(header())).toEqual({ ok: false, problem: 'malformed' });
  });

  it('a 16-digit timestamp is well formed (then judged by the HMAC and the signed timestamp)', () => {
    const t = 1_111_111_111_111_111;
    const body = bodyAt(t);
    expect(check(`t=${t};${hmac(body)}`, body, { now: t })).toMatchObject({ ok: true, timestamp: t });
  });

  it('another secret, another body or a changed HMAC is a "mismatch"', () => {
    expect(check(`t=${NOW};${hmac(BODY, 'other')}`)).toEqual({ ok: false, problem: 'mismatch' });
    expect(check(`t=${NOW};${hmac(BODY)}`, `${BODY} `)).toEqual({ ok: false, problem: 'mismatch' });
    const flipped = hmac(BODY).replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(check(`t=${NOW};${flipped}`)).toEqual({ ok: false, problem: 'mismatch' });
  });

  it('a body over maxBodyBytes (counted in UTF-8 bytes) is "oversized" before any HMAC; at the limit it is verified', () => {
    const padded = (bytes: number) => {
      const base = bodyAt(NOW).slice(0, -1);
      return `${base},"pad":"${'é'.repeat((bytes - base.length - 10) / 2)}"}`;
    };
    const atLimit = padded(1024);
    expect(Buffer.byteLength(atLimit)).toBe(1024);
    expect(atLimit.length).toBeLessThan(1024);
    expect(check(`t=${NOW};${hmac(atLimit)}`, atLimit).ok).toBe(true);
    const over = padded(1026);
    expect(Buffer.byteLength(over)).toBe(1026);
    expect(check(`t=${NOW};${hmac(over)}`, over)).toEqual({ ok: false, problem: 'oversized' });
    // refused on its size: the secret is not even used
    expect(check(`t=${NOW};${hmac(over)}`, over, { secret: undefined as unknown as string })).toEqual({ ok: false, problem: 'oversized' });
  });

  it.each([
    ['not JSON', 'not json {'],
    ['an empty body', ''],
    ['JSON null', 'null'],
    ['a JSON array', `[${NOW}]`],
    ['JSON without a timestamp', '{"event":"test"}'],
    ['a timestamp as a string', bodyAt(String(NOW))],
    ['a null timestamp', bodyAt(null)],
  ])('a correctly signed body that is %s has no signed timestamp: "unsigned-timestamp"', (_name, body) => {
    expect(check(`t=${NOW};${hmac(body)}`, body)).toEqual({ ok: false, problem: 'unsigned-timestamp' });
  });

  it.each([
    ['a fresh t over a body signed earlier (a captured delivery re-sent)', NOW, bodyAt(NOW - 11 * 60_000)],
    ['t one millisecond off', NOW + 1, BODY],
    ['t with a leading zero', `0${NOW}`, BODY],
    ['a fractional timestamp', NOW, bodyAt(NOW + 0.5)],
    ['a timestamp in exponent notation', 1, bodyAt(1e21)],
  ])('%s: "timestamp-mismatch"', (_name, t, body) => {
    expect(check(`t=${t};${hmac(body)}`, body)).toEqual({ ok: false, problem: 'timestamp-mismatch' });
  });

  it('freshness is judged on the signed timestamp: more than maxAgeMs from now, either way, is "expired"; exactly maxAgeMs is fresh', () => {
    const at = (timestamp: number) => check(`t=${timestamp};${hmac(bodyAt(timestamp))}`, bodyAt(timestamp));
    expect(at(NOW - MAX_AGE)).toMatchObject({ ok: true, timestamp: NOW - MAX_AGE });
    expect(at(NOW + MAX_AGE)).toMatchObject({ ok: true, timestamp: NOW + MAX_AGE });
    expect(at(NOW - MAX_AGE - 1)).toEqual({ ok: false, problem: 'expired' });
    expect(at(NOW + MAX_AGE + 1)).toEqual({ ok: false, problem: 'expired' });
  });

  it('the checks run in order: size, HMAC, signed timestamp, t, age', () => {
    const old = bodyAt(1);
    expect(check(`t=1;${hmac(old, 'other')}`, old)).toEqual({ ok: false, problem: 'mismatch' });
    expect(check(`t=2;${hmac(old)}`, old)).toEqual({ ok: false, problem: 'timestamp-mismatch' });
    expect(check(`t=1;${hmac(old)}`, old)).toEqual({ ok: false, problem: 'expired' });
    expect(check(`t=1;${hmac('x')}`, 'x'.repeat(2000))).toEqual({ ok: false, problem: 'oversized' });
  });
});

describe('signWebhookBody', () => {
  it('writes t=<timestamp>;<hex HMAC-SHA256 of the UTF-8 body>, which the check accepts', () => {
    const body = '{"x":"é"}';
    expect(signWebhookBody(body, SECRET, 42)).toBe(`t=42;${hmac(body)}`);
    expect(check(signWebhookBody(BODY, SECRET, NOW)).ok).toBe(true);
  });
});
