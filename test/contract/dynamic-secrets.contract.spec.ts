/**
 * Contract: the four dynamic-secret lease routes of the local server answer and refuse as Infisical's
 * dynamic-secret-lease router and service do (shapes, status codes, messages, check order, write bucket), backed by a
 * real PostgreSQL cluster; and @infisical/sdk v5's leases.create / renew / delete work against them unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { DYNAMIC_SECRET_NAME, dynamicSecretSeed, seedWithDynamicSecrets } from '../support/fixtures/dynamic-secret-seed.js';
import { DEV_IDENTITY, NO_READ_IDENTITY, NON_MEMBER_IDENTITY, TEST_PROJECT_ID, TEST_PROJECT_SLUG } from '../support/fixtures/test-seed.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { PostgresServer } from '../support/postgres-server.js';
import { errorOf, raw, rawLogin, REQ_ID, sdkFor } from './contract-helpers.js';
import { LEASE_KEYS, LEASES, leaseCalls, msBetween, SCOPE } from './lease-helpers.js';

describe('dynamic secret leases: answers and refusals (local server, real PostgreSQL)', () => {
  let pgServer: PostgresServer;
  let server: LocalInfisicalServer;
  let token = '';
  const calls = leaseCalls(() => server, () => token);
  const validUntil = async (role: string) => (await pgServer.loginRoles()).find((r) => r.name === role)?.validUntil?.getTime();

  beforeAll(async () => {
    pgServer = await PostgresServer.start();
    server = await LocalInfisicalServer.start({
      seed: seedWithDynamicSecrets([
        dynamicSecretSeed(pgServer),
        dynamicSecretSeed(pgServer, { name: 'reporting', path: '/db', defaultTTL: '2m', maxTTL: null }),
        dynamicSecretSeed(pgServer, { name: 'prod-db', environment: 'prod' }),
      ]),
    });
    token = await rawLogin(server, DEV_IDENTITY);
  });
  afterAll(async () => {
    await server?.close();
    await pgServer?.stop();
  });

  it('resolves the project slug from the project ID (GET /api/v1/workspace/:id)', async () => {
    const res = await raw(server, `/api/v1/workspace/${TEST_PROJECT_ID}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.workspace).toMatchObject({ id: TEST_PROJECT_ID, slug: TEST_PROJECT_SLUG });
    expect(res.body.workspace.environments.map((e: { slug: string }) => e.slug)).toEqual(['dev', 'staging', 'prod']);
  });

  it('creates a lease in Infisical\'s shape: expiry = creation + default TTL, a new role whose VALID UNTIL is that expiry', async () => {
    const res = await calls.create();
    expect(res.status).toBe(200);
    const { lease, dynamicSecret, data } = res.body;
    expect(Object.keys(res.body).sort()).toEqual(['data', 'dynamicSecret', 'lease']);
    expect(Object.keys(lease).sort()).toEqual(LEASE_KEYS);
    expect(lease).toMatchObject({ version: 1, status: null, statusDetails: null, config: null, dynamicSecretId: dynamicSecret.id, externalEntityId: data.DB_USERNAME });
    expect(msBetween(lease.createdAt, lease.expireAt)).toBe(60_000);
    expect(dynamicSecret).toMatchObject({ name: DYNAMIC_SECRET_NAME, type: 'sql-database', defaultTTL: '1m', maxTTL: '3m', version: 1 });
    expect(JSON.stringify(dynamicSecret)).not.toContain(pgServer.dir);
    expect(Object.keys(data).sort()).toEqual(['DB_PASSWORD', 'DB_USERNAME']);
    expect(data.DB_USERNAME).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(data.DB_PASSWORD).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[0-9A-Za-z]{48}$/);
    expect(await validUntil(data.DB_USERNAME)).toBe(Date.parse(lease.expireAt));
    expect(await pgServer.loginError(data.DB_USERNAME, data.DB_PASSWORD)).toBeUndefined();

    const got = await calls.get(lease.id);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ lease: { ...lease, dynamicSecret } });
    expect((await calls.revoke(lease.id)).status).toBe(200);
  });

  it('lower-cases dynamicSecretName, removes the trailing "/" of path, and takes a TTL without max up to "10y"', async () => {
    const res = await calls.create({ dynamicSecretName: 'Reporting', path: '/db/', ttl: '5m', config: { note: 'kept' } });
    expect(res.status).toBe(200);
    expect(res.body.dynamicSecret).toMatchObject({ name: 'reporting', defaultTTL: '2m', maxTTL: null });
    expect(res.body.lease.config).toEqual({ note: 'kept' });
    expect(msBetween(res.body.lease.createdAt, res.body.lease.expireAt)).toBe(300_000);
    expect((await calls.revoke(res.body.lease.id, { path: '/db' })).status).toBe(200);
  });

  it('checks the TTL: 422 below "1m" or above "10y", 400 above the max TTL', async () => {
    const ok = await calls.create({ ttl: '2m' });
    expect(msBetween(ok.body.lease.createdAt, ok.body.lease.expireAt)).toBe(120_000);
    await calls.revoke(ok.body.lease.id);
    const short = await calls.create({ ttl: '30s' });
    expect(short.status).toBe(422);
    expect(short.body).toMatchObject({ error: 'ValidationFailure', message: [{ code: 'custom', message: 'TTL must be a greater than 1min', path: ['ttl'] }] });
    const long = await calls.create({ ttl: '11y' });
    expect(long.body.message).toEqual([{ code: 'custom', message: 'TTL must be less than 10 years', path: ['ttl'] }]);
    const overMax = await calls.create({ ttl: '4m' });
    expect(overMax.status).toBe(400);
    expect(overMax.body).toMatchObject({ statusCode: 400, error: 'BadRequest', message: 'TTL cannot be larger than max TTL' });
    expect(overMax.body.reqId).toMatch(REQ_ID);
    expect(server.dynamicSecrets.leases()).toEqual([]);
  });

  it('validates bodies like the router\'s zod schemas: 422 with the issues in field order', async () => {
    const empty = await raw(server, LEASES, { token, body: {} });
    expect(empty.status).toBe(422);
    expect(empty.body.message.map((i: { path: string[]; message: string }) => [i.path[0], i.message])).toEqual([
      ['dynamicSecretName', 'Required'],
      ['projectSlug', 'Required'],
      ['environmentSlug', 'Required'],
    ]);
    const blank = await calls.renew('any', { projectSlug: '', path: '' });
    expect(blank.body.message.map((i: { code: string; path: string[] }) => [i.code, i.path[0]])).toEqual([
      ['too_small', 'projectSlug'],
      ['too_small', 'path'],
    ]);
    const forced = await calls.revoke('any', { isForced: 'yes' });
    expect(forced.body.message).toEqual([{ code: 'invalid_type', expected: 'boolean', received: 'string', path: ['isForced'], message: 'Expected boolean, received string' }]);
    const query = await raw(server, `${LEASES}/any`, { token });
    expect(query.body.message.map((i: { path: string[] }) => i.path[0])).toEqual(['projectSlug', 'environmentSlug']);
  });

  it('renews by adding the TTL to the current expireAt, up to createdAt + max TTL, then 400', async () => {
    const { lease } = (await calls.create()).body;
    const once = await calls.renew(lease.id, { ttl: '1m' });
    expect(once.status).toBe(200);
    expect(Object.keys(once.body)).toEqual(['lease']);
    expect(msBetween(lease.createdAt, once.body.lease.expireAt)).toBe(120_000);
    const twice = await calls.renew(lease.id);
    expect(msBetween(lease.createdAt, twice.body.lease.expireAt)).toBe(180_000);
    expect(await validUntil(lease.externalEntityId)).toBe(Date.parse(twice.body.lease.expireAt));
    const beyond = await calls.renew(lease.id, { ttl: '1m' });
    expect(beyond.status).toBe(400);
    expect(beyond.body).toMatchObject({
      error: 'BadRequest',
      message: 'The requested renewal would exceed the maximum allowed lease duration. Please choose a shorter TTL',
    });
    expect(await validUntil(lease.externalEntityId)).toBe(Date.parse(twice.body.lease.expireAt));
    await calls.revoke(lease.id);
  });

  it('refuses in Infisical\'s order: 401, project 404, member 403, folder 404, dynamic secret 404, lease permission 403', async () => {
    const body = { dynamicSecretName: DYNAMIC_SECRET_NAME, ...SCOPE };
    expect((await raw(server, LEASES, { body })).body).toMatchObject({ statusCode: 401, message: 'Token missing' });
    expect((await calls.create({ projectSlug: 'nope' })).body).toMatchObject({ statusCode: 404, message: "Project with slug 'nope' not found" });
    expect((await calls.create({}, await rawLogin(server, NON_MEMBER_IDENTITY))).status).toBe(403);
    expect((await calls.create({ path: '/missing' })).body).toMatchObject({
      statusCode: 404,
      message: "Folder with path '/missing' in environment with slug 'dev' not found",
    });
    expect((await calls.create({ dynamicSecretName: 'Nope' })).body).toMatchObject({
      statusCode: 404,
      error: 'NotFound',
      message: "Dynamic secret with name 'nope' in folder with path '/' not found",
    });
    const denied = { statusCode: 403, error: 'PermissionDenied', message: 'You are not allowed to lease on dynamic-secrets' };
    expect((await calls.create({}, await rawLogin(server, NO_READ_IDENTITY))).body).toMatchObject(denied);
    expect((await calls.create({ dynamicSecretName: 'prod-db', environmentSlug: 'prod' })).body).toMatchObject(denied);
    expect(server.dynamicSecrets.leases()).toEqual([]);
  });

  it('answers 404 for a lease of another folder and for a revoked lease', async () => {
    const { lease, dynamicSecret } = (await calls.create({ dynamicSecretName: 'reporting', path: '/db' })).body;
    expect((await calls.renew(lease.id)).body).toMatchObject({ statusCode: 404, message: `Dynamic secret lease with ID '${lease.id}' not found` });
    expect((await calls.get(lease.id)).body).toMatchObject({ statusCode: 404, message: `Dynamic secret with ID '${dynamicSecret.id}' not found` });
    const revoked = await calls.revoke(lease.id, { path: '/db' });
    expect(revoked.body).toEqual({ lease: expect.objectContaining({ id: lease.id, externalEntityId: lease.externalEntityId }) });
    for (const again of [calls.revoke(lease.id, { path: '/db' }), calls.renew(lease.id, { path: '/db' }), calls.get(lease.id, { path: '/db' })]) {
      expect((await again).body).toMatchObject({ statusCode: 404, message: `Dynamic secret lease with ID '${lease.id}' not found` });
    }
  });

  it('counts create, renew and delete in the write bucket, the GET in the shared one', async () => {
    server.setRateLimit({ limit: 2, windowSeconds: 60 });
    try {
      const created = await calls.create();
      expect(created.headers.get('x-ratelimit-remaining')).toBe('1');
      expect((await calls.renew(created.body.lease.id)).headers.get('x-ratelimit-remaining')).toBe('0');
      const limited = await calls.revoke(created.body.lease.id);
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ error: 'RateLimitExceeded', message: 'Rate limit exceeded. Please try again in 60 seconds' });
      const read = await calls.get(created.body.lease.id);
      expect([read.status, read.headers.get('x-ratelimit-remaining')]).toEqual([200, '1']);
    } finally {
      server.setRateLimit(null);
    }
    for (const lease of server.dynamicSecrets.leases()) await calls.revoke(lease.id);
  });

  it('@infisical/sdk v5 leases.create / renew / delete work against these routes', async () => {
    const sdk = await sdkFor(server, DEV_IDENTITY);
    const options = { projectSlug: TEST_PROJECT_SLUG, environmentSlug: 'dev' };
    const created = await sdk.dynamicSecrets().leases.create({ dynamicSecretName: DYNAMIC_SECRET_NAME, ...options });
    const { DB_USERNAME, DB_PASSWORD } = (created as unknown as { data: Record<string, string> }).data;
    expect(await pgServer.loginError(DB_USERNAME!, DB_PASSWORD!)).toBeUndefined();
    // The SDK types a lease with `expiresAt` and `data` inside; Infisical (and this server) answer `expireAt`, `data` beside it.
    expect(created.lease).not.toHaveProperty('expiresAt');
    const renewed = await sdk.dynamicSecrets().leases.renew(created.lease.id, { ...options, ttl: '1m' });
    expect(msBetween(created.lease.createdAt, (renewed.lease as unknown as { expireAt: string }).expireAt)).toBe(120_000);
    const deleted = await sdk.dynamicSecrets().leases.delete(created.lease.id, options);
    expect(deleted.lease.id).toBe(created.lease.id);
    expect(await pgServer.roleExists(DB_USERNAME!)).toBe(false);
    const gone = await errorOf(() => sdk.dynamicSecrets().leases.delete(created.lease.id, options));
    expect(gone.message).toContain(`[StatusCode=404] Dynamic secret lease with ID '${created.lease.id}' not found`);
    const sent = server.requestsTo(`${LEASES}*`).slice(-4).map((r) => `${r.method} ${r.path.replace(created.lease.id, ':id')} ${r.status}`);
    expect(sent).toEqual([`POST ${LEASES} 200`, `POST ${LEASES}/:id/renew 200`, `DELETE ${LEASES}/:id 200`, `DELETE ${LEASES}/:id 404`]);
  });
});
