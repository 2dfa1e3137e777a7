/**
 * Infisical's lease routes as the client sends them (method, URL, JSON body, token) over a fake transport, and what
 * each answer becomes: the parsed lease, or the named error for a missing or forbidden dynamic secret, a refused
 * renewal, a lease Infisical no longer knows, and hostile 2xx answers (named field, no credential in the message).
 */
import { describe, expect, it } from '@jest/globals';
import { DynamicSecretsApi, type DynamicSecretAddress } from '../../src/infisical/api/dynamic-secrets.api.js';
import { InfisicalProjectAccessError } from '../../src/infisical/errors/access.errors.js';
import { InfisicalTokenError } from '../../src/infisical/errors/authentication.errors.js';
import {
  InfisicalDynamicSecretForbiddenError,
  InfisicalDynamicSecretNotFoundError,
  InfisicalLeaseNotFoundError,
  InfisicalLeaseRefusedError,
} from '../../src/infisical/errors/dynamic-secret.errors.js';
import type { InfisicalError } from '../../src/infisical/errors/infisical.error.js';
import { InfisicalRateLimitError, InfisicalRequestError, InfisicalUnreachableError } from '../../src/infisical/errors/transport.errors.js';
import { failureOf } from '../support/deferred.js';
import { FakeTransport, networkError, type FakeRoute } from '../support/fakes/http-transport.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const SITE = 'https://infisical.test';
const TARGET = { siteUrl: SITE, projectId: 'proj 1', environment: 'prod', secretPath: '/db/' };
const AT: DynamicSecretAddress = { name: 'postgres-app', projectSlug: 'shop-x1', target: TARGET };
const LEASES = `${SITE}/api/v1/dynamic-secrets/leases`;
const signal = new AbortController().signal;
const PASSWORD = 'pw-Very-Secret-123';

const lease = (extra: Record<string, unknown> = {}) => ({
  id: 'lease-1',
  version: 1,
  externalEntityId: 'user_1',
  expireAt: '2026-11-23T12:10:00.000Z',
  dynamicSecretId: 'ds-1',
  status: null,
  createdAt: '2026-11-23T12:00:00.000Z',
  updatedAt: '2026-11-23T12:00:00.000Z',
  ...extra,
});
const dynamicSecret = { id: 'ds-1', name: 'postgres-app', type: 'sql-database', defaultTTL: '10m', maxTTL: '1h', folderId: 'f-1' };
const created = { lease: lease(), dynamicSecret, data: { DB_USERNAME: 'user_1', DB_PASSWORD: PASSWORD } };

function apiOver(route: FakeRoute) {
  const fake = new FakeTransport(route);
  const api = new DynamicSecretsApi({ siteUrl: SITE, http: fake.settings(new ManualClock()), sanitize: (text) => `«${text}»` });
  return { api, fake };
}
const answering = (status: number, body: unknown) => apiOver(() => ({ status, body }));
const failure = (promise: Promise<unknown>) => failureOf<InfisicalError>(promise);
const envelope = (statusCode: number, error: string, message: string) => ({ reqId: 'r-1', statusCode, error, message });

describe('DynamicSecretsApi: requests', () => {
  it('creates a lease with a JSON POST naming the secret, project slug, environment and folder (no trailing slash), no ttl unless set', async () => {
    const { api, fake } = answering(200, created);
    const answer = await api.createLease('tok-1', AT, undefined, signal);
    expect(answer).toEqual({
      lease: { id: 'lease-1', expireAt: Date.parse('2026-11-23T12:10:00.000Z'), createdAt: Date.parse('2026-11-23T12:00:00.000Z') },
      dynamicSecret: { name: 'postgres-app', type: 'sql-database', defaultTtl: '10m', maxTtl: '1h' },
      data: { DB_USERNAME: 'user_1', DB_PASSWORD: PASSWORD },
    });
    expect(fake.only.method).toBe('POST');
    expect(fake.only.url).toBe(LEASES);
    expect(fake.only.headers.authorization).toBe('Bearer tok-1');
    expect(JSON.parse(fake.only.body!)).toEqual({ dynamicSecretName: 'postgres-app', projectSlug: 'shop-x1', environmentSlug: 'prod', path: '/db' });
    await api.createLease('tok-1', { ...AT, target: { ...TARGET, secretPath: '/' } }, '10m', signal);
    await api.createLease('tok-1', { ...AT, target: { ...TARGET, secretPath: '/db//' } }, undefined, signal);
    expect(JSON.parse(fake.requests[2]!.body!).path).toBe('/db');
    expect(JSON.parse(fake.requests[1]!.body!)).toEqual({ dynamicSecretName: 'postgres-app', projectSlug: 'shop-x1', environmentSlug: 'prod', path: '/', ttl: '10m' });
  });

  it('renews with a POST to the lease, sending the ttl only when set', async () => {
    const { api, fake } = answering(200, { lease: lease({ expireAt: '2026-11-23T12:20:00.000Z' }) });
    expect(await api.renewLease('tok-1', AT, 'lease/1', undefined, signal)).toEqual({
      id: 'lease-1',
      expireAt: Date.parse('2026-11-23T12:20:00.000Z'),
      createdAt: Date.parse('2026-11-23T12:00:00.000Z'),
    });
    await api.renewLease('tok-1', AT, 'lease-1', '5m', signal);
    expect(fake.requests.map((r) => [r.method, r.url, JSON.parse(r.body!), r.headers.authorization])).toEqual([
      ['POST', `${LEASES}/lease%2F1/renew`, { projectSlug: 'shop-x1', environmentSlug: 'prod', path: '/db' }, 'Bearer tok-1'],
      ['POST', `${LEASES}/lease-1/renew`, { projectSlug: 'shop-x1', environmentSlug: 'prod', path: '/db', ttl: '5m' }, 'Bearer tok-1'],
    ]);
  });

  it('revokes with a DELETE carrying a JSON body', async () => {
    const { api, fake } = answering(200, { lease: lease() });
    await api.revokeLease('tok-1', AT, 'lease-1', signal);
    await api.revokeLease('tok-1', AT, 'lease-1', signal, true);
    expect(fake.requests.map((r) => [r.method, r.url, r.headers['content-type'], JSON.parse(r.body!)])).toEqual([
      ['DELETE', `${LEASES}/lease-1`, 'application/json', { projectSlug: 'shop-x1', environmentSlug: 'prod', path: '/db', isForced: false }],
      ['DELETE', `${LEASES}/lease-1`, 'application/json', { projectSlug: 'shop-x1', environmentSlug: 'prod', path: '/db', isForced: true }],
    ]);
  });

  it('reads a lease with a GET and its scope in the query, with the dynamic secret embedded in the answer', async () => {
    const { api, fake } = answering(200, { lease: { ...lease(), dynamicSecret } });
    const answer = await api.getLease('tok-1', AT, 'lease-1', signal);
    expect(answer.lease.id).toBe('lease-1');
    expect(answer.dynamicSecret).toEqual({ name: 'postgres-app', type: 'sql-database', defaultTtl: '10m', maxTtl: '1h' });
    expect(fake.only.method).toBe('GET');
    expect(fake.only.url).toBe(`${LEASES}/lease-1?projectSlug=shop-x1&environmentSlug=prod&path=%2Fdb`);
    expect(fake.only.body).toBeUndefined();
  });

  it("resolves the project's slug from its ID", async () => {
    const { api, fake } = answering(200, { workspace: { id: 'proj 1', slug: 'shop-x1', environments: [] } });
    expect(await api.projectSlug('tok-1', TARGET, signal)).toBe('shop-x1');
    expect(fake.only.method).toBe('GET');
    expect(fake.only.url).toBe(`${SITE}/api/v1/workspace/proj%201`);
    expect(fake.only.headers.authorization).toBe('Bearer tok-1');
  });

  it('maps a project lookup failure as any project route does', async () => {
    expect(await failure(answering(404, envelope(404, 'NotFound', 'Project with ID proj 1 not found')).api.projectSlug('t', TARGET, signal))).toBeInstanceOf(
      InfisicalProjectAccessError,
    );
    const down = await failure(apiOver(() => networkError('ECONNREFUSED')).api.projectSlug('t', TARGET, signal));
    expect(down).toBeInstanceOf(InfisicalUnreachableError);
    const moved = await failure(apiOver(() => ({ status: 302, headers: { location: 'https://elsewhere.test/x' } })).api.projectSlug('t', TARGET, signal));
    expect(moved.message).toContain('the project request got an HTTP 302 redirect to https://elsewhere.test');
    expect(await failure(answering(400, envelope(400, 'BadRequest', 'Invalid project ID')).api.projectSlug('t', TARGET, signal))).toBeInstanceOf(InfisicalRequestError);
    expect((await failure(answering(500, envelope(500, 'InternalServerError', 'boom')).api.projectSlug('t', TARGET, signal))).message).toContain('for the project request');
    expect((await failure(answering(200, { workspace: { slug: '' } }).api.projectSlug('t', TARGET, signal))).message).toContain('«the project answer has no string "workspace.slug"» (project request)');
  });
});

describe('DynamicSecretsApi: refusals', () => {
  it('names a missing dynamic secret, its environment, folder and project, and the option to fix', async () => {
    const error = await failure(answering(404, envelope(404, 'NotFound', "Dynamic secret with name 'postgres-app' in folder with path '/db' not found")).api.createLease('t', AT, undefined, signal));
    expect(error).toBeInstanceOf(InfisicalDynamicSecretNotFoundError);
    expect(error.code).toBe('INFISICAL_DYNAMIC_SECRET_NOT_FOUND');
    expect(error.transient).toBe(false);
    expect(error.message).toContain('dynamic secret "postgres-app" (environment "prod", folder "/db/", project proj 1)');
    expect(error.message).toContain("«Dynamic secret with name 'postgres-app' in folder with path '/db' not found»");
    expect(error.fix).toContain('INFISICAL_DYNAMIC_SECRETS');
    expect(error.detail).toEqual({ siteUrl: SITE, projectId: 'proj 1', environment: 'prod', secretPath: '/db/', dynamicSecret: 'postgres-app' });
  });

  it.each([
    [404, "Folder with path '/db' in environment with slug 'prod' not found"],
    [400, 'Dynamic secret not found'],
    [400, 'Folder not found'],
  ])('counts HTTP %i "%s" as a missing dynamic secret', async (status, message) => {
    expect(await failure(answering(status, envelope(status, 'NotFound', message)).api.createLease('t', AT, undefined, signal))).toBeInstanceOf(InfisicalDynamicSecretNotFoundError);
  });

  it('names a forbidden dynamic secret and the permission to grant; a rejected token stays a token error', async () => {
    const error = await failure(answering(403, envelope(403, 'PermissionDenied', 'You are not allowed to lease')).api.createLease('t', AT, undefined, signal));
    expect(error).toBeInstanceOf(InfisicalDynamicSecretForbiddenError);
    expect(error.code).toBe('INFISICAL_DYNAMIC_SECRET_FORBIDDEN');
    expect(error.message).toContain('may not lease the dynamic secret "postgres-app"');
    expect(error.fix).toContain('"Lease" permission on dynamic secrets in "prod" at "/db/"');
    const bare = await failure(answering(403, { statusCode: 403 }).api.createLease('t', AT, undefined, signal));
    expect(bare.message).toContain('«HTTP 403»');
    const listed = await failure(answering(403, { statusCode: 403, message: ['not allowed'] }).api.createLease('t', AT, undefined, signal));
    expect(listed.message).toContain('«HTTP 403»');
    const token = await failure(answering(403, envelope(403, 'TokenError', 'Your token has expired')).api.createLease('t', AT, undefined, signal));
    expect(token).toBeInstanceOf(InfisicalTokenError);
  });

  it('tells a renewal past the max TTL from other refusals', async () => {
    const past = await failure(
      answering(400, envelope(400, 'BadRequest', 'The requested renewal would exceed the maximum allowed lease duration. Please choose a shorter TTL')).api.renewLease('t', AT, 'lease-1', undefined, signal),
    );
    expect(past).toBeInstanceOf(InfisicalLeaseRefusedError);
    expect(past).toMatchObject({ code: 'INFISICAL_LEASE_REFUSED', operation: 'renew', reason: 'max-ttl' });
    expect(past.fix).toContain('a new lease replaces the old one');
    const oldServer = await failure(answering(400, envelope(400, 'BadRequest', 'TTL cannot be larger than max ttl')).api.renewLease('t', AT, 'lease-1', undefined, signal));
    expect(oldServer).toMatchObject({ operation: 'renew', reason: 'max-ttl' });
    const create = await failure(answering(400, envelope(400, 'BadRequest', 'TTL cannot be larger than max TTL')).api.createLease('t', AT, '2h', signal));
    expect(create).toMatchObject({ operation: 'create', reason: 'max-ttl' });
    const plan = await failure(answering(400, envelope(400, 'BadRequest', 'Failed to create lease due to plan restriction.')).api.createLease('t', AT, undefined, signal));
    expect(plan).toMatchObject({ code: 'INFISICAL_LEASE_REFUSED', operation: 'create', reason: 'other' });
    expect(plan.message).toContain('«Failed to create lease due to plan restriction.»');
    expect(plan.fix).toContain('between "1m" and the max TTL');
  });

  it('knows a lease Infisical no longer has (404, or 400 on older servers), on renewal and revocation', async () => {
    const gone = await failure(answering(404, envelope(404, 'NotFound', "Dynamic secret lease with ID 'lease-1' not found")).api.renewLease('t', AT, 'lease-1', undefined, signal));
    expect(gone).toBeInstanceOf(InfisicalLeaseNotFoundError);
    expect(gone).toMatchObject({ code: 'INFISICAL_LEASE_NOT_FOUND', leaseId: 'lease-1' });
    expect(gone.message).toContain('lease lease-1 of the dynamic secret "postgres-app"');
    const old = await failure(answering(400, envelope(400, 'BadRequest', 'Dynamic secret lease not found')).api.revokeLease('t', AT, 'lease-1', signal));
    expect(old).toBeInstanceOf(InfisicalLeaseNotFoundError);
  });

  it('maps everything else as any route: 429, 5xx, a 400 on revocation, an answer that is not Infisical', async () => {
    const limited = await failure(apiOver(() => ({ status: 429, headers: { 'retry-after': '7' }, body: envelope(429, 'TooManyRequests', 'slow down') })).api.renewLease('t', AT, 'l', undefined, signal));
    expect(limited).toBeInstanceOf(InfisicalRateLimitError);
    expect((limited as InfisicalRateLimitError).retryAfterSeconds).toBe(7);
    expect(await failure(answering(404, null).api.revokeLease('t', AT, 'l', signal))).toBeInstanceOf(InfisicalRequestError);
    // A lease-gone message on a create (which names no lease) is not about a lease.
    expect(await failure(answering(404, envelope(404, 'NotFound', "Dynamic secret lease with ID 'x' not found")).api.createLease('t', AT, undefined, signal))).toBeInstanceOf(InfisicalRequestError);
    const server = await failure(answering(500, envelope(500, 'InternalServerError', 'boom')).api.createLease('t', AT, undefined, signal));
    expect(server).toMatchObject({ reason: 'server-error' });
    expect(server.message).toContain('lease-create request');
    expect((await failure(answering(500, envelope(500, 'InternalServerError', 'Folder not found')).api.revokeLease('t', AT, 'l', signal))).message).toContain('lease-revoke request');
    expect((await failure(answering(502, envelope(502, 'BadGateway', 'boom')).api.getLease('t', AT, 'l', signal))).message).toContain('lease-get request');
    expect((await failure(answering(503, envelope(503, 'Unavailable', 'boom')).api.renewLease('t', AT, 'l', undefined, signal))).message).toContain('lease-renew request');
    const moved = await failure(apiOver(() => ({ status: 307, headers: { location: 'https://elsewhere.test/' } })).api.revokeLease('t', AT, 'l', signal));
    expect(moved.message).toContain('the lease-revoke request got an HTTP 307 redirect');
    expect(await failure(answering(400, envelope(400, 'BadRequest', 'Invalid lease')).api.revokeLease('t', AT, 'l', signal))).toBeInstanceOf(InfisicalRequestError);
    expect(await failure(answering(404, 'not json').api.renewLease('t', AT, 'l', undefined, signal))).toMatchObject({ reason: 'not-infisical' });
    const route = await failure(answering(404, envelope(404, 'NotFound', 'Route DELETE:/api/v1/dynamic-secrets/leases/l not found')).api.revokeLease('t', AT, 'l', signal));
    expect(route).toMatchObject({ reason: 'not-infisical' });
    const network = await failure(apiOver(() => networkError('ECONNRESET')).api.revokeLease('t', AT, 'l', signal));
    expect(network).toMatchObject({ reason: 'network' });
  });
});

describe('DynamicSecretsApi: hostile answers', () => {
  const createWith = async (body: unknown) => failure(answering(200, body).api.createLease('t', AT, undefined, signal));

  it.each([
    ['no lease', { ...created, lease: undefined }, 'the lease answer has no "lease" object'],
    ['no lease ID', { ...created, lease: lease({ id: undefined }) }, 'the lease answer has no string "lease.id"'],
    ['an empty lease ID', { ...created, lease: lease({ id: '' }) }, 'the lease answer has no string "lease.id"'],
    ['an unusable expiry', { ...created, lease: lease({ expireAt: 'tomorrow' }) }, 'the lease answer has no usable date in "lease.expireAt"'],
    ['no expiry', { ...created, lease: lease({ expireAt: undefined }) }, 'the lease answer has no usable date in "lease.expireAt"'],
    ['an unusable creation date', { ...created, lease: lease({ createdAt: {} }) }, 'the lease answer has no usable date in "lease.createdAt"'],
    ['no data', { ...created, data: undefined }, 'the lease answer has no "data" object (the credentials)'],
    ['data as a list', { ...created, data: [PASSWORD] }, 'the lease answer has no "data" object (the credentials)'],
    ['a number among the credentials', { ...created, data: { DB_USERNAME: 'user_1', DB_PASSWORD: 12345678 } }, `the lease answer's "data.DB_PASSWORD" is not a string`],
    ['a nested credential', { ...created, data: { DB_PASSWORD: PASSWORD, EXTRA: { value: PASSWORD } } }, `the lease answer's "data.EXTRA" is not a string`],
  ])('rejects a create answer with %s, naming the field and no credential', async (_what, body, problem) => {
    const error = await createWith(body);
    expect(error).toBeInstanceOf(InfisicalUnreachableError);
    expect(error).toMatchObject({ reason: 'invalid-response', transient: true });
    expect(error.message).toContain(`«${problem}» (lease-create request)`);
    expect(error.message).not.toContain(PASSWORD);
  });

  it('rejects a renewal answer without a lease, and any 2xx body that is not JSON', async () => {
    expect((await failure(answering(200, {}).api.renewLease('t', AT, 'l', undefined, signal))).message).toContain('«the lease answer has no "lease" object» (lease-renew request)');
    expect((await failure(answering(200, { lease: lease({ id: 7 }) }).api.getLease('t', AT, 'l', signal))).message).toContain('(lease-get request)');
    const page = await failure(answering(200, '<html>').api.createLease('t', AT, undefined, signal));
    expect(page).toMatchObject({ reason: 'not-infisical' });
    expect(page.message).toContain('the lease-create request got a body that is not JSON (an HTML page or another service?)');
    expect((await failure(answering(200, '<html>').api.projectSlug('t', TARGET, signal))).message).toContain('the project request got a body that is not JSON');
  });

  it('accepts what the answer may leave out: the creation date, the dynamic secret, the TTLs', async () => {
    const { api } = answering(200, { lease: lease({ createdAt: null, expireAt: Date.parse('2026-11-23T12:10:00.000Z') }), dynamicSecret: 'x', data: {} });
    expect(await api.createLease('t', AT, undefined, signal)).toEqual({
      lease: { id: 'lease-1', expireAt: Date.parse('2026-11-23T12:10:00.000Z'), createdAt: undefined },
      dynamicSecret: { name: undefined, type: undefined, defaultTtl: undefined, maxTtl: undefined },
      data: {},
    });
  });
});
