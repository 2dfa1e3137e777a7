/**
 * The access-token session on a manual clock, with a fake login method and fake token routes: when it logs in,
 * renews or logs in again, how concurrent callers share one attempt, what a rejected token leads to, revocation,
 * the events it reports and what it registers for masking.
 */
import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import type { LoginAnswer } from '../../src/infisical/api/login-response.parser.js';
import { AccessTokenSession, revokeWithinBudget } from '../../src/infisical/auth/access-token.session.js';
import { InfisicalAuthenticationError, InfisicalTokenError } from '../../src/infisical/errors/authentication.errors.js';
import { InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';
import { Deferred, flushMicrotasks } from '../support/deferred.js';
import { FakeInfisicalApi, loginAnswer } from '../support/fakes/infisical-api.fake.js';
import { FakeLoginMethod } from '../support/fakes/login-method.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const TARGET = { siteUrl: 'https://infisical.example', projectId: 'project-1', environment: 'prod', secretPath: '/' };
const S = 1000;
const HOUR = 3600 * S;

function setup(options: { canLogIn?: boolean; secrets?: string[]; clientId?: string; noEvents?: boolean } = {}) {
  const clock = new ManualClock();
  const start = clock.now();
  const method = new FakeLoginMethod(options.canLogIn ?? true, options.secrets ?? []);
  const fake = new FakeInfisicalApi();
  const redactor = new SecretRedactor();
  const events = { logins: 0, renewals: 0 };
  const session = new AccessTokenSession(
    method,
    fake.api,
    TARGET,
    clock,
    redactor,
    options.clientId,
    options.noEvents ? undefined : { onLogin: () => void events.logins++, onRenew: () => void events.renewals++ },
  );
  const signal = new AbortController().signal;
  const seen: string[] = [];
  /** One use of the token: records which token the call got and returns it. */
  const use = () =>
    session.withToken(signal, async (token) => {
      seen.push(token);
      return token;
    });
  /** Renewals answer `<token>r` with the given lifetime. */
  const renewWith = (expiresIn: number | undefined, maxTtl?: number) => {
    fake.onRenew = async (token) => loginAnswer(`${token}r`, expiresIn, maxTtl);
  };
  return { clock, start, method, fake, redactor, events, session, signal, seen, use, renewWith };
}

describe('AccessTokenSession: first login and reuse', () => {
  it('logs in on first use, hands the token to the call and returns what the call returns', async () => {
    const { session, method, fake, signal, start, events } = setup();
    expect(session.label).toBe('Fake Auth');
    expect(session.info).toBeUndefined();
    const result = await session.withToken(signal, async (token) => `used ${token}`);
    expect(result).toBe('used token-1');
    expect(method.logins).toHaveLength(1);
    expect(method.logins[0]).toEqual({ api: fake.api, target: TARGET, signal });
    expect(session.info).toEqual({ issuedAt: start, expiresAt: start + HOUR, maxExpiresAt: start + 24 * HOUR });
    expect(Object.keys(session.info!).sort()).toEqual(['expiresAt', 'issuedAt', 'maxExpiresAt']);
    expect(events).toEqual({ logins: 1, renewals: 0 });
  });

  it('reuses a token outside its renewal window: no login, no renewal', async () => {
    const { use, clock, method, fake, seen } = setup();
    await use();
    clock.jump(HOUR / 2);
    await use();
    expect(method.logins).toHaveLength(1);
    expect(fake.calls).toEqual([]);
    expect(seen).toEqual(['token-1', 'token-1']);
  });

  it('never renews a token the server gave no lifetime', async () => {
    const { use, clock, method, fake, session, start } = setup();
    method.answer = async () => loginAnswer('forever-token', undefined, undefined);
    await use();
    expect(session.info).toEqual({ issuedAt: start, expiresAt: undefined, maxExpiresAt: undefined });
    clock.jump(365 * 24 * HOUR);
    await use();
    expect(method.logins).toHaveLength(1);
    expect(fake.calls).toEqual([]);
  });

  it('works without an events object', async () => {
    const { use, clock, renewWith, fake } = setup({ noEvents: true });
    await use();
    renewWith(3600);
    clock.jump(2400 * S);
    await expect(use()).resolves.toBe('token-1r');
    expect(fake.log).toEqual(['renew token-1']);
  });

  it('login() logs in again whatever the current token, and returns the new token\'s info', async () => {
    const { use, session, signal, clock, method, events, start } = setup();
    await use();
    clock.jump(10 * S);
    const info = await session.login(signal);
    expect(method.logins).toHaveLength(2);
    expect(info).toEqual({ issuedAt: start + 10 * S, expiresAt: start + 10 * S + HOUR, maxExpiresAt: start + 10 * S + 24 * HOUR });
    expect(events.logins).toBe(2);
    await expect(use()).resolves.toBe('token-2');
  });

  it('a failed login reports nothing, keeps no token, and the next use tries again', async () => {
    const { use, method, events, session } = setup();
    method.answer = async (n) => {
      if (n === 1) throw new Error('login refused');
      return loginAnswer(`token-${n}`, 3600);
    };
    await expect(use()).rejects.toThrow('login refused');
    expect(events.logins).toBe(0);
    expect(session.info).toBeUndefined();
    await expect(use()).resolves.toBe('token-2');
    expect(events.logins).toBe(1);
  });
});

describe('AccessTokenSession: renewal window', () => {
  it('renews once a third of the lifetime is left (not a millisecond earlier), with the current token', async () => {
    const { use, clock, fake, renewWith, events, signal, seen } = setup();
    await use();
    renewWith(3600);
    clock.jump(2400 * S - 1);
    await use();
    expect(fake.calls).toEqual([]);
    clock.jump(1);
    await use();
    expect(fake.calls).toEqual([{ operation: 'renew', subject: 'token-1', target: TARGET, signal }]);
    expect(seen).toEqual(['token-1', 'token-1', 'token-1r']);
    expect(events).toEqual({ logins: 1, renewals: 1 });
  });

  it('installs the renewed token from the time of renewal, keeping the max TTL of the login', async () => {
    const { use, clock, renewWith, session, start } = setup();
    await use();
    renewWith(1800, 99_999);
    clock.jump(2500 * S);
    await use();
    expect(session.info).toEqual({ issuedAt: start + 2500 * S, expiresAt: start + 2500 * S + 1800 * S, maxExpiresAt: start + 24 * HOUR });
  });

  it('the window is at least one second for very short lifetimes', async () => {
    const { use, clock, method, fake } = setup();
    method.answer = async (n) => loginAnswer(`token-${n}`, 2.4);
    await use();
    clock.jump(1399);
    await use();
    expect(method.logins).toHaveLength(1);
    clock.jump(1);
    // 1000 ms left: due, and too close to expiry to renew: a fresh login.
    await expect(use()).resolves.toBe('token-2');
    expect(fake.calls).toEqual([]);
  });

  it('renews while more than a second is left, logs in afresh once a second or less is left', async () => {
    const late = setup();
    await late.use();
    late.renewWith(3600);
    late.clock.jump(HOUR - 1001);
    await expect(late.use()).resolves.toBe('token-1r');

    const later = setup();
    await later.use();
    later.renewWith(3600);
    later.clock.jump(HOUR - 1000);
    await expect(later.use()).resolves.toBe('token-2');
    expect(later.fake.calls).toEqual([]);
    expect(later.events).toEqual({ logins: 2, renewals: 0 });
  });

  it('logs in afresh for a token already expired', async () => {
    const { use, clock, renewWith, fake } = setup();
    await use();
    renewWith(3600);
    clock.jump(2 * HOUR);
    await expect(use()).resolves.toBe('token-2');
    expect(fake.calls).toEqual([]);
  });

  it('keeps renewing a renewed token that extends the lifetime', async () => {
    const { use, clock, fake, renewWith } = setup();
    await use();
    renewWith(3600);
    clock.jump(2400 * S);
    await use();
    clock.jump(2400 * S);
    await expect(use()).resolves.toBe('token-1rr');
    expect(fake.log).toEqual(['renew token-1', 'renew token-1r']);
  });
});

describe('AccessTokenSession: max TTL', () => {
  it('logs in afresh instead of renewing when the max TTL ends within the window', async () => {
    const { use, clock, method, fake, renewWith } = setup();
    method.answer = async (n) => loginAnswer(`token-${n}`, 3600, 3600);
    await use();
    renewWith(3600);
    clock.jump(2400 * S);
    // Max TTL 1200 s away = the window: no renewal can extend the token.
    await expect(use()).resolves.toBe('token-2');
    expect(fake.calls).toEqual([]);
  });

  it('renews when the max TTL ends just after the window', async () => {
    const { use, clock, method, renewWith } = setup();
    method.answer = async (n) => loginAnswer(`token-${n}`, 3600, 3600.001);
    await use();
    renewWith(3600);
    clock.jump(2400 * S);
    await expect(use()).resolves.toBe('token-1r');
    expect(method.logins).toHaveLength(1);
  });

  it('the max TTL of the login still holds after renewals that report another one', async () => {
    const { use, clock, method, fake, renewWith, events } = setup();
    method.answer = async (n) => loginAnswer(`token-${n}`, 3600, 5000);
    await use();
    renewWith(3600, 50_000);
    clock.jump(2400 * S);
    await expect(use()).resolves.toBe('token-1r');
    clock.jump(2400 * S);
    // 4800 s: the login's max TTL (5000 s) is 200 s away, inside the 1200 s window.
    await expect(use()).resolves.toBe('token-2');
    expect(fake.log).toEqual(['renew token-1']);
    expect(events).toEqual({ logins: 2, renewals: 1 });
  });

  it('a server that renews in place (same token back) is not asked again: the next due use logs in', async () => {
    const { use, clock, fake, session, events, seen } = setup();
    await use();
    const before = session.info;
    fake.onRenew = async (token) => loginAnswer(token, 3600, undefined);
    clock.jump(2400 * S);
    await use();
    expect(session.info).toEqual(before);
    await use();
    expect(fake.log).toEqual(['renew token-1']);
    expect(seen).toEqual(['token-1', 'token-1', 'token-2']);
    expect(events).toEqual({ logins: 2, renewals: 1 });
  });

  it.each([
    ['999 ms', 1200.999, false],
    ['exactly 1 s', 1201, false],
    ['1 ms more than 1 s', 1201.001, true],
  ])('a renewal that extends the expiry by %s is renewed again: %s', async (_name, expiresIn, renewedAgain) => {
    const { use, clock, fake, session } = setup();
    await use();
    fake.onRenew = async (token) => loginAnswer(`${token}r`, token === 'token-1' ? expiresIn : 3600);
    clock.jump(2400 * S);
    await use();
    const renewed = session.info!;
    clock.jump(renewed.expiresAt! - clock.now() - 1001);
    await use();
    expect(fake.log).toEqual(renewedAgain ? ['renew token-1', 'renew token-1r'] : ['renew token-1']);
  });
});

describe('AccessTokenSession: a renewal that fails', () => {
  it('a transient failure reaches the caller, keeps the token and is retried at the next use', async () => {
    const { use, clock, fake, method, renewWith, session } = setup();
    await use();
    const info = session.info;
    fake.onRenew = async () => {
      throw new InfisicalUnreachableError(TARGET, 'network', 'connection refused');
    };
    clock.jump(2400 * S);
    await expect(use()).rejects.toBeInstanceOf(InfisicalUnreachableError);
    expect(method.logins).toHaveLength(1);
    expect(session.info).toEqual(info);
    renewWith(3600);
    await expect(use()).resolves.toBe('token-1r');
  });

  it.each([
    ['the token was rejected (transient, but a login fixes it)', () => new InfisicalTokenError(TARGET, 'expired')],
    ['a permanent module error', () => new InfisicalUnreachableError(TARGET, 'redirect', 'a redirect')],
    ['an unexpected error', () => new TypeError('boom')],
  ])('falls back to a fresh login when %s', async (_name, error) => {
    const { use, clock, fake, method, events } = setup();
    await use();
    fake.onRenew = async () => {
      throw error();
    };
    clock.jump(2400 * S);
    await expect(use()).resolves.toBe('token-2');
    expect(method.logins).toHaveLength(2);
    expect(events).toEqual({ logins: 2, renewals: 0 });
  });

  it('a fixed token (no login possible) whose renewal fails is used as it is until the server refuses it', async () => {
    const { use, clock, fake, method, session, start, seen } = setup({ canLogIn: false });
    await use();
    fake.onRenew = async () => {
      throw new InfisicalTokenError(TARGET, 'max-ttl');
    };
    clock.jump(2400 * S);
    await use();
    expect(session.info).toEqual({ issuedAt: start, expiresAt: undefined, maxExpiresAt: start + 24 * HOUR });
    clock.jump(10 * HOUR);
    await use();
    expect(fake.log).toEqual(['renew token-1']);
    expect(method.logins).toHaveLength(1);
    expect(seen).toEqual(['token-1', 'token-1', 'token-1']);
  });

  it('a fixed token too close to expiry to renew is kept without asking the server', async () => {
    const { use, clock, fake, method, session } = setup({ canLogIn: false });
    await use();
    clock.jump(HOUR - 500);
    await expect(use()).resolves.toBe('token-1');
    expect(fake.calls).toEqual([]);
    expect(method.logins).toHaveLength(1);
    expect(session.info?.expiresAt).toBeUndefined();
  });
});

describe('AccessTokenSession: concurrent callers share one attempt', () => {
  it('one login for callers that arrive while it is in flight', async () => {
    const { use, method } = setup();
    const pending = new Deferred<LoginAnswer>();
    method.answer = () => pending.promise;
    const uses = [use(), use(), use()];
    await flushMicrotasks();
    expect(method.logins).toHaveLength(1);
    pending.resolve(loginAnswer('shared-token', 3600));
    await expect(Promise.all(uses)).resolves.toEqual(['shared-token', 'shared-token', 'shared-token']);
  });

  it('one renewal for callers that arrive while it is in flight', async () => {
    const { use, clock, fake, events } = setup();
    await use();
    const pending = new Deferred<LoginAnswer>();
    fake.onRenew = () => pending.promise;
    clock.jump(2400 * S);
    const uses = [use(), use()];
    await flushMicrotasks();
    expect(fake.log).toEqual(['renew token-1']);
    pending.resolve(loginAnswer('renewed-token', 3600));
    await expect(Promise.all(uses)).resolves.toEqual(['renewed-token', 'renewed-token']);
    expect(events.renewals).toBe(1);
  });

  it('a failed attempt fails every waiter once, and the next use starts a new one', async () => {
    const { use, method } = setup();
    const pending = new Deferred<LoginAnswer>();
    method.answer = async (n) => (n === 1 ? pending.promise : loginAnswer(`token-${n}`, 3600));
    const uses = [use(), use()].map((p) => p.catch((e: Error) => e.message));
    await flushMicrotasks();
    pending.reject(new Error('server down'));
    await expect(Promise.all(uses)).resolves.toEqual(['server down', 'server down']);
    await expect(use()).resolves.toBe('token-2');
    expect(method.logins).toHaveLength(2);
  });

  it('login() during a login in flight joins it', async () => {
    const { use, session, signal, method } = setup();
    const pending = new Deferred<LoginAnswer>();
    method.answer = () => pending.promise;
    const first = use();
    await flushMicrotasks();
    const forced = session.login(signal);
    pending.resolve(loginAnswer('only-token', 3600));
    await expect(first).resolves.toBe('only-token');
    await expect(forced).resolves.toMatchObject({ expiresAt: expect.any(Number) });
    expect(method.logins).toHaveLength(1);
  });
});

describe('AccessTokenSession: a token the server rejects', () => {
  const rejectFirst = (rejected: string) => async (token: string) => {
    if (token === rejected) throw new InfisicalTokenError(TARGET, 'revoked');
    return `ok with ${token}`;
  };

  it('logs in once more and retries the call once with the fresh token', async () => {
    const { session, signal, method, events } = setup();
    const tokens: string[] = [];
    const result = await session.withToken(signal, async (token) => {
      tokens.push(token);
      return rejectFirst('token-1')(token);
    });
    expect(result).toBe('ok with token-2');
    expect(tokens).toEqual(['token-1', 'token-2']);
    expect(method.logins).toHaveLength(2);
    expect(events.logins).toBe(2);
  });

  it('a token refused right after a fresh login needs a human: access-token-rejected, no third login', async () => {
    const { session, signal, method } = setup({ clientId: 'client-id-1' });
    const error = await session
      .withToken(signal, async () => {
        throw new InfisicalTokenError(TARGET, 'invalid');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfisicalAuthenticationError);
    expect((error as InfisicalAuthenticationError).reason).toBe('access-token-rejected');
    expect((error as InfisicalAuthenticationError).detail).toMatchObject({ clientId: 'client-id-1' });
    expect((error as Error).message).not.toMatch(/token-\d/);
    expect(method.logins).toHaveLength(2);
  });

  it('any other failure of the retry reaches the caller as it is', async () => {
    const { session, signal } = setup();
    const other = new InfisicalUnreachableError(TARGET, 'network', 'connection reset');
    let calls = 0;
    const outcome = session.withToken(signal, async () => {
      calls++;
      throw calls === 1 ? new InfisicalTokenError(TARGET, 'expired') : other;
    });
    await expect(outcome).rejects.toBe(other);
  });

  it('any other failure of the call reaches the caller and keeps the token', async () => {
    const { session, signal, use, method } = setup();
    const other = new InfisicalUnreachableError(TARGET, 'timeout', 'no answer');
    await expect(
      session.withToken(signal, async () => {
        throw other;
      }),
    ).rejects.toBe(other);
    await expect(use()).resolves.toBe('token-1');
    expect(method.logins).toHaveLength(1);
  });

  it('a fixed token that is refused: token-rejected, forgotten, no login', async () => {
    const { session, signal, method } = setup({ canLogIn: false });
    const error = await session.withToken(signal, rejectFirst('token-1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfisicalAuthenticationError);
    expect((error as InfisicalAuthenticationError).reason).toBe('token-rejected');
    expect(method.logins).toHaveLength(1);
    expect(session.info).toBeUndefined();
  });

  it('a rejection of a token another caller already replaced does not throw the replacement away', async () => {
    const { session, signal, method, use } = setup();
    await use();
    const slow = new Deferred<string>();
    const first = session.withToken(signal, (token) => (token === 'token-1' ? slow.promise : Promise.resolve(`ok with ${token}`)));
    await expect(session.withToken(signal, rejectFirst('token-1'))).resolves.toBe('ok with token-2');
    slow.reject(new InfisicalTokenError(TARGET, 'revoked'));
    await expect(first).resolves.toBe('ok with token-2');
    expect(method.logins).toHaveLength(2);
  });
});

describe('AccessTokenSession: revocation', () => {
  it('revokes the current token with the caller\'s signal and forgets it', async () => {
    const { session, use, fake, signal, method } = setup();
    await use();
    await session.revoke(signal);
    expect(fake.calls).toEqual([{ operation: 'revoke', subject: 'token-1', target: TARGET, signal }]);
    expect(session.info).toBeUndefined();
    await expect(use()).resolves.toBe('token-2');
    expect(method.logins).toHaveLength(2);
  });

  it('does nothing without a token', async () => {
    const { session, fake, signal } = setup();
    await session.revoke(signal);
    expect(fake.calls).toEqual([]);
  });

  it('forgets the token even when revocation fails', async () => {
    const { session, use, fake, signal } = setup();
    await use();
    fake.onRevoke = async () => {
      throw new Error('revoke failed');
    };
    await expect(session.revoke(signal)).rejects.toThrow('revoke failed');
    expect(session.info).toBeUndefined();
  });
});

describe('AccessTokenSession: masking', () => {
  it('masks the method\'s own secrets from construction on', () => {
    const { redactor } = setup({ secrets: ['client-secret-value'] });
    expect(redactor.redact('said client-secret-value')).toBe('said [REDACTED]');
  });

  it('masks every token it installs, and the platform credentials a login registers', async () => {
    const { use, clock, redactor, renewWith, method } = setup();
    method.platformSecrets = (n) => [`platform-jwt-${n}`];
    method.answer = async (n) => loginAnswer(`access-token-${n}`, 3600);
    await use();
    expect(redactor.redact('access-token-1 platform-jwt-1')).toBe('[REDACTED] [REDACTED]');
    renewWith(3600);
    clock.jump(2400 * S);
    await use();
    expect(redactor.redact('access-token-1r')).toBe('[REDACTED]');
  });

  it('never shows the token in its info or when inspected', async () => {
    const { session, use } = setup();
    await use();
    expect(JSON.stringify(session.info)).not.toContain('token-1');
    expect(inspect(session, { depth: 5 })).not.toContain('token-1');
  });
});

describe('revokeWithinBudget', () => {
  it('revokes and clears its timer', async () => {
    const { session, use, fake, clock } = setup();
    await use();
    const warnings: string[] = [];
    await revokeWithinBudget(session, clock, 2000, (m) => warnings.push(m));
    expect(fake.log).toEqual(['revoke token-1']);
    expect(fake.calls[0]!.signal.aborted).toBe(false);
    expect(clock.pending).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('gives up when the budget runs out, with a warning', async () => {
    const { session, use, fake, clock } = setup();
    await use();
    fake.onRevoke = (_token, signal) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('revocation cancelled')), { once: true }));
    const warnings: string[] = [];
    const done = revokeWithinBudget(session, clock, 2000, (m) => warnings.push(m));
    await flushMicrotasks();
    expect(clock.pending).toEqual([2000]);
    clock.advance(1999);
    expect(fake.calls[0]!.signal.aborted).toBe(false);
    clock.advance(1);
    await done;
    expect(warnings).toEqual(['Could not revoke the Infisical access token: revocation cancelled']);
    expect(clock.pending).toEqual([]);
  });

  it('names a failure that is not an Error', async () => {
    const { session, use, fake, clock } = setup();
    await use();
    fake.onRevoke = () => Promise.reject('plain reason');
    const warnings: string[] = [];
    await revokeWithinBudget(session, clock, 2000, (m) => warnings.push(m));
    expect(warnings).toEqual(['Could not revoke the Infisical access token: plain reason']);
    expect(clock.pending).toEqual([]);
  });
});
