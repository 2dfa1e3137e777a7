import { describe, expect, it } from '@jest/globals';
import { InfisicalApi, type InfisicalApiSettings, type ListQuery } from '../../src/infisical/api/infisical-api.js';
import { InfisicalAuthenticationError, InfisicalTokenError } from '../../src/infisical/errors/authentication.errors.js';
import { InfisicalError } from '../../src/infisical/errors/infisical.error.js';
import { InfisicalIdentityLoginError } from '../../src/infisical/errors/keyless-login.errors.js';
import { InfisicalRateLimitError, InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';
import { FakeTransport, networkError, type FakeRoute } from '../support/fakes/http-transport.fake.js';
import { ManualClock } from '../support/manual-clock.js';
import { failureOf as failureOfAny } from '../support/deferred.js';

const SITE = 'https://infisical.test';
const TARGET = { siteUrl: SITE, projectId: 'proj 1/x', environment: 'prod', secretPath: '/app' };
const QUERY: ListQuery = { projectId: 'proj-1', environment: 'prod', secretPath: '/app', recursive: true, includeImports: false, expandSecretReferences: true };
const signal = new AbortController().signal;

function apiOver(route: FakeRoute, settings: Partial<InfisicalApiSettings> = {}) {
  const fake = new FakeTransport(route);
  const clock = new ManualClock();
  const api = new InfisicalApi({ siteUrl: SITE, http: fake.settings(clock), sanitize: (text) => `«${text}»`, ...settings });
  return { api, fake, clock };
}

const failureOf = (promise: Promise<unknown>) => failureOfAny<InfisicalError>(promise);

describe('InfisicalApi', () => {
  describe('login and token routes', () => {
    it('logs in with a JSON POST to the method path and returns the token with its lifetimes', async () => {
      const { api, fake } = apiOver(() => ({ body: { accessToken: 'tok-1', expiresIn: 7200, accessTokenMaxTTL: 86400 } }));
      expect(await api.login('/api/v1/auth/universal-auth/login', { clientId: 'id', clientSecret: 's' }, TARGET, signal)).toEqual({
        accessToken: 'tok-1',
        expiresInSeconds: 7200,
        maxTtlSeconds: 86400,
      });
      expect(fake.only.method).toBe('POST');
      expect(fake.only.url).toBe(`${SITE}/api/v1/auth/universal-auth/login`);
      expect(JSON.parse(fake.only.body!)).toEqual({ clientId: 'id', clientSecret: 's' });
      expect(fake.only.headers.authorization).toBeUndefined();
    });

    it('renews and revokes with the token in the JSON body', async () => {
      const { api, fake } = apiOver(() => ({ body: { accessToken: 'tok-2', expiresIn: 60 } }));
      expect(await api.renew('tok-1', TARGET, signal)).toEqual({ accessToken: 'tok-2', expiresInSeconds: 60, maxTtlSeconds: undefined });
      await api.revoke('tok-2', TARGET, signal);
      expect(fake.requests.map((r) => [r.method, r.url, JSON.parse(r.body!)])).toEqual([
        ['POST', `${SITE}/api/v1/auth/token/renew`, { accessToken: 'tok-1' }],
        ['POST', `${SITE}/api/v1/auth/token/revoke`, { accessToken: 'tok-2' }],
      ]);
    });

    it('names the operation of a malformed 2xx answer, and sanitizes what it says', async () => {
      const { api } = apiOver(() => ({ body: { accessToken: null } }));
      const login = await failureOf(api.login('/login', {}, TARGET, signal));
      expect(login).toBeInstanceOf(InfisicalUnreachableError);
      expect((login as InfisicalUnreachableError).reason).toBe('invalid-response');
      expect((login as InfisicalUnreachableError).what).toBe('«the login answer carries no usable "accessToken"» (login request)');
      const renew = await failureOf(api.renew('t', TARGET, signal));
      expect((renew as InfisicalUnreachableError).what).toBe('«the renew answer carries no usable "accessToken"» (renew request)');
    });

    it('maps a refused login to the named error, naming the client ID', async () => {
      const { api } = apiOver(() => ({ status: 401, body: { message: 'Invalid credentials' } }), { clientId: 'client-42' });
      const error = await failureOf(api.login('/login', {}, TARGET, signal));
      expect(error).toBeInstanceOf(InfisicalAuthenticationError);
      expect(error.message).toContain('client-42');
    });

    it('maps a refused keyless login to an identity login error naming the method', async () => {
      const keyless = { method: 'kubernetes' as const, label: 'Kubernetes Auth', identityId: 'ident-1' };
      const { api } = apiOver(() => ({ status: 401, body: { message: 'Access denied: «sa»' } }), { keyless });
      const error = await failureOf(api.login('/login', {}, TARGET, signal));
      expect(error).toBeInstanceOf(InfisicalIdentityLoginError);
      expect(error.message).toContain('ident-1');
    });

    it('maps a 401 on a renewal to a token error', async () => {
      const { api } = apiOver(() => ({ status: 401, body: { message: 'Token revoked' } }));
      expect(await failureOf(api.renew('t', TARGET, signal))).toBeInstanceOf(InfisicalTokenError);
    });
  });

  describe('listSecrets', () => {
    it('GETs /api/v3/secrets/raw with every query parameter and the bearer token, and parses the answer', async () => {
      const { api, fake } = apiOver(() => ({ body: { secrets: [{ secretKey: 'A', secretValue: 'a', version: 2 }], imports: [] } }));
      const list = await api.listSecrets('tok', QUERY, TARGET, signal);
      expect(list.secrets).toEqual([{ key: 'A', value: 'a', version: 2, secretPath: '/app', environment: 'prod', imported: false }]);
      const url = new URL(fake.only.url);
      expect(`${url.origin}${url.pathname}`).toBe(`${SITE}/api/v3/secrets/raw`);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        workspaceId: 'proj-1',
        environment: 'prod',
        secretPath: '/app',
        recursive: 'true',
        include_imports: 'false',
        expandSecretReferences: 'true',
        viewSecretValue: 'true',
      });
      expect(fake.only.method).toBe('GET');
      expect(fake.only.headers.authorization).toBe('Bearer tok');
      expect(fake.only.body).toBeUndefined();
    });

    it('lists names only when asked not to view values', async () => {
      const { api, fake } = apiOver(() => ({ body: { secrets: [] } }));
      await api.listSecrets('tok', { ...QUERY, viewSecretValue: false, recursive: false, includeImports: true, expandSecretReferences: false }, TARGET, signal);
      const params = new URL(fake.only.url).searchParams;
      expect([params.get('viewSecretValue'), params.get('recursive'), params.get('include_imports'), params.get('expandSecretReferences')]).toEqual(['false', 'false', 'true', 'false']);
    });

    it('refuses a 2xx answer that is not JSON as not the Infisical API', async () => {
      const { api } = apiOver(() => ({ body: '<html>login page</html>' }));
      const error = (await failureOf(api.listSecrets('tok', QUERY, TARGET, signal))) as InfisicalUnreachableError;
      expect(error).toBeInstanceOf(InfisicalUnreachableError);
      expect(error.reason).toBe('not-infisical');
      expect(error.what).toMatch(/not JSON/);
    });

    it('refuses a list answer without a secrets array as an invalid response', async () => {
      const { api } = apiOver(() => ({ body: { items: [] } }));
      const error = (await failureOf(api.listSecrets('tok', QUERY, TARGET, signal))) as InfisicalUnreachableError;
      expect([error.reason, error.what]).toEqual(['invalid-response', '«the list answer has no "secrets" array» (list request)']);
    });

    it('passes a 429 on with the Retry-After it asked for', async () => {
      const { api } = apiOver(() => ({ status: 429, headers: { 'retry-after': '7' }, body: { message: 'slow down' } }));
      const error = (await failureOf(api.listSecrets('tok', QUERY, TARGET, signal))) as InfisicalRateLimitError;
      expect(error).toBeInstanceOf(InfisicalRateLimitError);
      expect(error.retryAfterSeconds).toBe(7);
    });

    it('maps an attempt with no answer (network failure) to an unreachable error', async () => {
      const { api } = apiOver(() => networkError('ECONNREFUSED'));
      const error = (await failureOf(api.listSecrets('tok', QUERY, TARGET, signal))) as InfisicalUnreachableError;
      expect(error).toBeInstanceOf(InfisicalUnreachableError);
      expect(error.reason).toBe('network');
    });

    it('lets an error that is not an HTTP failure through unchanged', async () => {
      const bug = new TypeError('a bug');
      const clock = new ManualClock();
      const broken = Object.assign(Object.create(clock) as ManualClock, { setTimeout: () => { throw bug; } });
      const fake = new FakeTransport(() => ({ body: { secrets: [] } }));
      const api = new InfisicalApi({ siteUrl: SITE, http: fake.settings(broken), sanitize: (t) => t });
      expect(await failureOf(api.listSecrets('tok', QUERY, TARGET, signal))).toBe(bug);
    });

    it("a request cancelled by a start-up deadline fails with the deadline's own error", async () => {
      const { api, fake } = apiOver(() => ({ body: { secrets: [] } }));
      const deadline = new InfisicalUnreachableError(TARGET, 'timeout', 'the deadline passed');
      const controller = new AbortController();
      controller.abort(deadline);
      expect(await failureOf(api.listSecrets('tok', QUERY, TARGET, controller.signal))).toBe(deadline);
      expect(fake.requests).toEqual([]);
    });
  });

  describe('getProject and listFolders', () => {
    it('reads the project name and environment slugs, skipping entries without a slug', async () => {
      const { api, fake } = apiOver(() => ({ body: { workspace: { name: 'Shop', environments: [{ slug: 'dev' }, { name: 'x' }, null, { slug: 'prod' }] } } }));
      expect(await api.getProject('tok', TARGET, signal)).toEqual({ name: 'Shop', environments: ['dev', 'prod'] });
      expect(fake.only.url).toBe(`${SITE}/api/v1/workspace/proj%201%2Fx`);
      expect(fake.only.headers.authorization).toBe('Bearer tok');
    });

    it('leaves out a project name that is not a string, and refuses a project answer without environments', async () => {
      const { api, fake } = apiOver(() => ({ body: { workspace: { name: 42, environments: [] } } }));
      expect(await api.getProject('tok', TARGET, signal)).toEqual({ name: undefined, environments: [] });
      fake.route = () => ({ body: { workspace: { name: 'Shop' } } });
      const error = (await failureOf(api.getProject('tok', TARGET, signal))) as InfisicalUnreachableError;
      expect(error.what).toBe('«the project answer has no "environments" array» (project request)');
      fake.route = () => ({ body: {} });
      expect(((await failureOf(api.getProject('tok', TARGET, signal))) as InfisicalUnreachableError).reason).toBe('invalid-response');
    });

    it('lists the folder names under a path, skipping entries without a name', async () => {
      const { api, fake } = apiOver(() => ({ body: { folders: [{ name: 'app' }, { id: 3 }, null, { name: 'shared' }] } }));
      expect(await api.listFolders('tok', TARGET, '/', signal)).toEqual(['app', 'shared']);
      const url = new URL(fake.only.url);
      expect(url.pathname).toBe('/api/v1/folders');
      expect(Object.fromEntries(url.searchParams)).toEqual({ workspaceId: 'proj 1/x', environment: 'prod', path: '/' });
      expect(fake.only.headers.authorization).toBe('Bearer tok');
    });

    it('refuses a folder answer without a folders array', async () => {
      const { api } = apiOver(() => ({ body: { folders: 'none' } }));
      const error = (await failureOf(api.listFolders('tok', TARGET, '/', signal))) as InfisicalUnreachableError;
      expect(error.what).toBe('«the folder answer has no "folders" array» (folders request)');
    });
  });

  describe('every route', () => {
    const calls: Array<[string, (api: InfisicalApi) => Promise<unknown>]> = [
      ['login', (api) => api.login('/api/v1/auth/universal-auth/login', {}, TARGET, signal)],
      ['renew', (api) => api.renew('t', TARGET, signal)],
      ['revoke', (api) => api.revoke('t', TARGET, signal)],
      ['list', (api) => api.listSecrets('t', QUERY, TARGET, signal)],
      ['project', (api) => api.getProject('t', TARGET, signal)],
      ['folders', (api) => api.listFolders('t', TARGET, '/', signal)],
    ];

    it.each(calls)('names the %s request in a server error', async (operation, call) => {
      const { api } = apiOver(() => ({ status: 503, body: { message: 'maintenance' } }));
      const error = (await failureOf(call(api))) as InfisicalUnreachableError;
      expect([error.reason, error.what]).toEqual(['server-error', `HTTP 503 with "«maintenance»" for the ${operation} request`]);
    });

    it.each(calls.filter(([operation]) => operation !== 'revoke'))('refuses an empty 2xx answer to the %s request as invalid', async (operation, call) => {
      const { api } = apiOver(() => ({ status: 200 }));
      const error = (await failureOf(call(api))) as InfisicalUnreachableError;
      expect(error).toBeInstanceOf(InfisicalUnreachableError);
      expect(error.reason).toBe('invalid-response');
      expect(error.what).toContain(`(${operation} request)`);
    });

    it('sends the token routes as POST and the reads as GET', async () => {
      const { api, fake } = apiOver(() => ({ status: 503 }));
      for (const [, call] of calls) await call(api).catch(() => undefined);
      expect(fake.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'GET', 'GET', 'GET']);
    });

    it('takes only a 2xx status as an answer', async () => {
      const { api } = apiOver(() => ({ status: 199, body: { secrets: [] } }));
      const error = await failureOf(api.listSecrets('t', QUERY, TARGET, signal));
      expect(error).toBeInstanceOf(InfisicalError);
      expect(error.message).toContain('199');
    });
  });

  describe('status', () => {
    it('GETs /api/status without credentials and returns what it says, sanitized', async () => {
      const { api, fake } = apiOver(() => ({ body: { message: 'Ok', date: '2026-01-01', maxIdentityAccessTokenTTL: 3600 } }));
      expect(await api.status(TARGET, signal)).toEqual({ message: '«Ok»', date: '«2026-01-01»', maxIdentityAccessTokenTTL: 3600 });
      expect([fake.only.method, fake.only.url, fake.only.headers.authorization]).toEqual(['GET', `${SITE}/api/status`, undefined]);
    });

    it('accepts a status with only a date or only a message', async () => {
      const { api, fake } = apiOver(() => ({ body: { date: 'today', maxIdentityAccessTokenTTL: '3600' } }));
      expect(await api.status(TARGET, signal)).toEqual({ message: '', date: '«today»', maxIdentityAccessTokenTTL: undefined });
      fake.route = () => ({ body: { message: 'Ok', date: 7 } });
      expect(await api.status(TARGET, signal)).toEqual({ message: '«Ok»', date: undefined, maxIdentityAccessTokenTTL: undefined });
    });

    it.each([
      ['a web page', '<html></html>', /not JSON/],
      ['an empty body', undefined, /^GET \/api\/status answered with an empty body$/],
      ['JSON without the status fields', { hello: 'world' }, /^GET \/api\/status answered with JSON without the status fields$/],
      ['JSON that is not an object', 'null', /^GET \/api\/status answered with JSON without the status fields$/],
    ])('refuses %s as not the Infisical API', async (_name, body, what) => {
      const { api } = apiOver(() => ({ body }));
      const error = (await failureOf(api.status(TARGET, signal))) as InfisicalUnreachableError;
      expect(error).toBeInstanceOf(InfisicalUnreachableError);
      expect(error.reason).toBe('not-infisical');
      expect(error.what).toMatch(what);
    });

    it('treats any error status of /api/status as not the Infisical API', async () => {
      const { api } = apiOver(() => ({ status: 404, body: { message: 'nope' } }));
      expect(((await failureOf(api.status(TARGET, signal))) as InfisicalUnreachableError).reason).toBe('not-infisical');
    });
  });
});
