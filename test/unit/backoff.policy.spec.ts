import { describe, expect, it } from '@jest/globals';
import { InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';
import { InfisicalPlatformCredentialError, type KeylessLogin, type PlatformCredentialFailure } from '../../src/infisical/errors/keyless-login.errors.js';
import { holdAfter, isRejectedAnswer, isTokenFileFailure, needsHuman, refreshDelayMs, retryDelayMs } from '../../src/infisical/store/backoff.policy.js';
import { FAKE_TARGET, failures } from '../support/fakes/infisical-errors.fake.js';

const at = (value: number) => () => value;

describe('refreshDelayMs: the TTL ± 10 %', () => {
  it('spans 0.9 to 1.1 times the TTL with the random number', () => {
    expect(refreshDelayMs(60, at(0))).toBeCloseTo(54_000);
    expect(refreshDelayMs(60, at(0.5))).toBeCloseTo(60_000);
    expect(refreshDelayMs(60, at(1))).toBeCloseTo(66_000);
    expect(refreshDelayMs(60, at(0.75))).toBeCloseTo(63_000);
  });
  it('uses Math.random by default', () => {
    for (let i = 0; i < 20; i++) {
      const delay = refreshDelayMs(10);
      expect(delay).toBeGreaterThanOrEqual(9_000);
      expect(delay).toBeLessThanOrEqual(11_000);
    }
  });
});

describe('isRejectedAnswer and needsHuman', () => {
  it('a validation or permission failure is a rejected answer, not one that needs a human', () => {
    for (const error of [failures.invalid(), failures.permission()]) {
      expect(isRejectedAnswer(error)).toBe(true);
      expect(needsHuman(error)).toBe(false);
    }
  });
  it('a definitive refusal needs a human', () => {
    for (const error of [failures.authentication(), failures.refused(), new InfisicalUnreachableError(FAKE_TARGET, 'redirect', 'a redirect')]) {
      expect(needsHuman(error)).toBe(true);
      expect(isRejectedAnswer(error)).toBe(false);
    }
  });
  it('transient trouble and foreign errors are neither', () => {
    for (const error of [failures.network(), failures.rateLimited(3), new Error('boom'), 'text']) {
      expect(needsHuman(error)).toBe(false);
      expect(isRejectedAnswer(error)).toBe(false);
    }
  });
});

describe('retryDelayMs', () => {
  it('waits the cap (5 min) after a failure that needs a human, whatever the count and TTL', () => {
    expect(retryDelayMs(1, failures.authentication(), 60, at(0))).toBe(300_000);
    expect(retryDelayMs(0, failures.refused(), 0, at(1))).toBe(300_000);
  });

  it('keeps the TTL cadence after a rejected answer, capped, and 1 s without a TTL', () => {
    expect(retryDelayMs(5, failures.invalid(), 60, at(0.5))).toBeCloseTo(60_000);
    expect(retryDelayMs(5, failures.permission(), 60, at(1))).toBeCloseTo(66_000);
    expect(retryDelayMs(5, failures.invalid(), 3600, at(0.5))).toBe(300_000);
    expect(retryDelayMs(5, failures.invalid(), 0, at(0.5))).toBe(1_000);
  });

  it('honours Retry-After, capped at 5 min, plus up to 1 s of jitter', () => {
    expect(retryDelayMs(1, failures.rateLimited(7), 60, at(0))).toBe(7_000);
    expect(retryDelayMs(1, failures.rateLimited(7), 60, at(0.5))).toBe(7_500);
    expect(retryDelayMs(9, failures.rateLimited(7), 60, at(1))).toBe(8_000);
    expect(retryDelayMs(1, failures.rateLimited(3600), 60, at(0))).toBe(300_000);
    expect(retryDelayMs(1, failures.rateLimited(0), 60, at(0.25))).toBe(250);
  });

  it('treats a 429 without Retry-After like any transport failure', () => {
    expect(retryDelayMs(3, failures.rateLimited(undefined), 60, at(1))).toBe(4_000);
  });

  it('backs off exponentially with full jitter: 1 s, 2 s, 4 s … capped at 5 min', () => {
    const ceilings = [0, 1, 2, 3, 4, 9, 10, 30].map((n) => retryDelayMs(n, failures.network(), 60, at(1)));
    expect(ceilings).toEqual([1_000, 1_000, 2_000, 4_000, 8_000, 256_000, 300_000, 300_000]);
    expect(retryDelayMs(3, failures.network(), 60, at(0.5))).toBe(2_000);
    expect(retryDelayMs(3, new Error('foreign'), 60, at(0.25))).toBe(1_000);
  });

  it('never retries sooner than 100 ms', () => {
    expect(retryDelayMs(1, failures.network(), 60, at(0))).toBe(100);
    expect(retryDelayMs(1, failures.network(), 60, at(0.0999))).toBe(100);
    expect(retryDelayMs(1, failures.network(), 60, at(0.101))).toBeCloseTo(101);
  });

  it('uses Math.random by default', () => {
    for (let i = 0; i < 20; i++) {
      const delay = retryDelayMs(2, failures.network(), 60);
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(2_000);
      const rejected = retryDelayMs(2, failures.invalid(), 10);
      expect(rejected).toBeGreaterThanOrEqual(9_000);
      expect(rejected).toBeLessThanOrEqual(11_000);
      const limited = retryDelayMs(1, failures.rateLimited(2), 10);
      expect(limited).toBeGreaterThanOrEqual(2_000);
      expect(limited).toBeLessThanOrEqual(3_000);
    }
  });
});

describe('an unusable token file (nothing reached Infisical)', () => {
  const k8s: KeylessLogin = { method: 'kubernetes', label: 'Kubernetes Auth', identityId: 'id-1' };
  const fileError = (reason: PlatformCredentialFailure, transient = false) => new InfisicalPlatformCredentialError(k8s, reason, { where: '/t', detail: 'd' }, transient);
  const tokenFileReasons = ['token-file-missing', 'token-file-unreadable', 'token-file-empty', 'token-file-not-regular', 'token-file-too-large', 'token-file-timeout'] as const;

  it('is retried at the TTL cadence, not after the pause for answers that need a human: a fixed file is used within one TTL', () => {
    for (const reason of tokenFileReasons) {
      const error = fileError(reason, reason === 'token-file-timeout');
      expect(isTokenFileFailure(error)).toBe(true);
      expect(needsHuman(error)).toBe(false);
      expect(holdAfter(error)).toBe('backoff');
      expect(retryDelayMs(5, error, 60, at(0.5))).toBeCloseTo(60_000);
      expect(retryDelayMs(5, error, 60, at(1))).toBeCloseTo(66_000);
      expect(retryDelayMs(5, error, 0, at(1))).toBe(1000);
    }
  });

  it('other platform credential failures keep their policy', () => {
    const metadata = fileError('metadata-refused');
    expect(isTokenFileFailure(metadata)).toBe(false);
    expect(needsHuman(metadata)).toBe(true);
    expect(retryDelayMs(1, metadata, 60, at(0.5))).toBe(300_000);
    expect(isTokenFileFailure(new Error('token-file-missing'))).toBe(false);
  });
});
