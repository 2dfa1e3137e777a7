/** How one configuration becomes an API client and a token session, driven through the `fetch` option on a manual clock. */
import { describe, expect, it } from '@jest/globals';
import { connectToInfisical } from '../../src/infisical/auth/infisical-connection.js';
import { InfisicalAuthenticationError } from '../../src/infisical/errors/authentication.errors.js';
import { InfisicalIdentityLoginError } from '../../src/infisical/errors/keyless-login.errors.js';
import { InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';
import type { ResolvedAuth, ResolvedInfisicalOptions } from '../../src/infisical/options/resolved-options.interface.js';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';
import { flushMicrotasks } from '../support/deferred.js';
import { ManualClock } from '../support/manual-clock.js';

const SITE = 'https://infisical.example';
const SOURCE = { siteUrl: SITE, projectId: 'project-1', environment: 'prod', secretPath: '/app' };
const IDENTITY = 'b0000000-0000-4000-8000-000000000001';

interface Sent {
  url: string;
  method: string | undefined;
  body: unknown;
}

/** A `fetch` that answers from `answer` and records what it was sent; `'hang'` waits for the abort. */
function fakeFetch(answer: (url: string) => { status: number; body: string } | 'hang') {
  const sent: Sent[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    sent.push({ url, method: init?.method, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const a = answer(url);
    if (a === 'hang') {
      return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true }));
    }
    return new Response(a.body, { status: a.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFn, sent };
}

function connect(auth: ResolvedAuth, fetchFn: typeof fetch, events?: { onLogin?(): void }) {
  const clock = new ManualClock();
  const redactor = new SecretRedactor();
  const options = { siteUrl: SITE, sources: [SOURCE, { ...SOURCE, secretPath: '/other' }], requestTimeoutMs: 4000, fetch: fetchFn, auth } as unknown as ResolvedInfisicalOptions & {
    auth: ResolvedAuth;
  };
  return { clock, redactor, ...connectToInfisical(options, clock, redactor, events) };
}

const LOGGED_IN = { status: 200, body: JSON.stringify({ accessToken: 'access-token-1', expiresIn: 600, accessTokenMaxTTL: 3600, tokenType: 'Bearer' }) };
const UA: ResolvedAuth = { method: 'universal-auth', clientId: 'client-id-1', clientSecret: 'client-secret-value' };

describe('connectToInfisical', () => {
  it('a session for the configured method, logging in at siteUrl through the fetch option, reporting its events', async () => {
    const { fetchFn, sent } = fakeFetch(() => LOGGED_IN);
    let logins = 0;
    const { session, clock } = connect(UA, fetchFn, { onLogin: () => void logins++ });
    expect(session.label).toBe('Universal Auth');
    const info = await session.login(new AbortController().signal);
    expect(sent).toEqual([{ url: `${SITE}/api/v1/auth/universal-auth/login`, method: 'POST', body: { clientId: 'client-id-1', clientSecret: 'client-secret-value' } }]);
    expect(info).toEqual({ issuedAt: clock.now(), expiresAt: clock.now() + 600_000, maxExpiresAt: clock.now() + 3_600_000 });
    expect(logins).toBe(1);
  });

  it('the session logs in and revokes at siteUrl, for the first source', async () => {
    const { fetchFn, sent } = fakeFetch((url) => (url.endsWith('/revoke') ? { status: 503, body: '{"message":"down"}' } : LOGGED_IN));
    const { session } = connect(UA, fetchFn);
    const signal = new AbortController().signal;
    await session.login(signal);
    const error = (await session.revoke(signal).catch((e: unknown) => e)) as InfisicalUnreachableError;
    expect(sent.map((s) => s.url)).toEqual([`${SITE}/api/v1/auth/universal-auth/login`, `${SITE}/api/v1/auth/token/revoke`]);
    expect(error.target).toBe(SOURCE);
  });

  it('registers the client secret for masking, and masks server text put into errors', async () => {
    const { fetchFn } = fakeFetch(() => ({ status: 500, body: JSON.stringify({ message: 'boom client-secret-value \u001b[31mred' }) }));
    const { session, redactor } = connect(UA, fetchFn);
    expect(redactor.redact('client-secret-value')).toBe('[REDACTED]');
    const error = (await session.login(new AbortController().signal).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InfisicalUnreachableError);
    expect(error.message).toContain('[REDACTED]');
    expect(error.message).not.toContain('client-secret-value');
    expect(error.message).not.toContain('\u001b');
  });

  it('names the client ID of a Universal Auth identity Infisical refuses', async () => {
    const { fetchFn } = fakeFetch(() => ({ status: 401, body: JSON.stringify({ message: 'Invalid credentials' }) }));
    const error = await connect(UA, fetchFn).session.login(new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfisicalAuthenticationError);
    expect((error as InfisicalAuthenticationError).detail).toMatchObject({ clientId: 'client-id-1' });
  });

  it('names the method and identity of a keyless login Infisical refuses, and masks the JWT it sent', async () => {
    const { fetchFn } = fakeFetch(() => ({ status: 401, body: JSON.stringify({ message: 'invalid jwt given.jwt.value' }) }));
    const { session } = connect({ method: 'jwt', identityId: IDENTITY, jwt: 'given.jwt.value', jwtFile: undefined }, fetchFn);
    expect(session.label).toBe('JWT Auth');
    const error = (await session.login(new AbortController().signal).catch((e: unknown) => e)) as InfisicalIdentityLoginError;
    expect(error).toBeInstanceOf(InfisicalIdentityLoginError);
    expect(error.detail).toMatchObject({ method: 'jwt', identityId: IDENTITY, status: 401 });
    expect(error.message).not.toContain('given.jwt.value');
  });

  it('one attempt lasts at most requestTimeoutMs', async () => {
    const { fetchFn } = fakeFetch(() => 'hang');
    const { session, clock } = connect(UA, fetchFn);
    const outcome = session.login(new AbortController().signal).catch((e: unknown) => e);
    await flushMicrotasks();
    expect(clock.pending).toEqual([4000]);
    clock.advance(4000);
    const error = (await outcome) as InfisicalUnreachableError;
    expect(error).toBeInstanceOf(InfisicalUnreachableError);
    expect(error.reason).toBe('timeout');
  });

  it('refuses an answer nested deeper than the module allows', async () => {
    const { fetchFn } = fakeFetch(() => ({ status: 200, body: '['.repeat(33) + ']'.repeat(33) }));
    const error = (await connect(UA, fetchFn).session.login(new AbortController().signal).catch((e: unknown) => e)) as InfisicalUnreachableError;
    expect(error).toBeInstanceOf(InfisicalUnreachableError);
    expect(error.message).toContain('nested deeper than 32 levels');
  });
});
