/**
 * Contract: what a lease does to the real PostgreSQL behind the local server. A lease's credentials log in over TCP
 * (scram-sha-256) and use the test schema; PostgreSQL itself refuses a role past its VALID UNTIL, and a renewal moves
 * it; revocation and expiry (on the server clock) drop the role, after which its password no longer logs in.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';

import { dynamicSecretSeed, seedWithDynamicSecrets } from '../support/fixtures/dynamic-secret-seed.js';
import { DEV_IDENTITY, TEST_PROJECT_ID } from '../support/fixtures/test-seed.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { PostgresServer, TEST_SCHEMA_STATEMENTS, TEST_TABLE } from '../support/postgres-server.js';
import { raw, rawLogin } from './contract-helpers.js';
import { leaseCalls } from './lease-helpers.js';

describe('dynamic secret leases on a real PostgreSQL', () => {
  let pgServer: PostgresServer;
  let server: LocalInfisicalServer;
  let token = '';
  /** The server clock runs `skew` ms off real time (PostgreSQL's clock judges VALID UNTIL). */
  let skew = 0;
  const calls = leaseCalls(() => server, () => token);
  const refused = { code: '28P01' };

  beforeAll(async () => {
    pgServer = await PostgresServer.start();
    server = await LocalInfisicalServer.start({
      seed: seedWithDynamicSecrets([
        dynamicSecretSeed(pgServer),
        dynamicSecretSeed(pgServer, {
          name: 'sticky',
          provider: { type: 'sql-database', inputs: pgServer.providerInputs({ ...TEST_SCHEMA_STATEMENTS, revocationStatement: 'DROP ROLE "gone-{{username}}"' }) },
        }),
        dynamicSecretSeed(pgServer, { name: 'defaults', provider: { type: 'sql-database', inputs: pgServer.providerInputs({}) } }),
      ]),
      now: () => Date.now() + skew,
      leaseSweepIntervalMs: 0,
    });
    token = await rawLogin(server, DEV_IDENTITY);
  });
  afterEach(() => {
    skew = 0;
  });
  afterAll(async () => {
    await server?.close();
    await pgServer?.stop();
  });

  it('gives credentials that log in over TCP and read and write the test schema', async () => {
    const { lease, data } = (await calls.create()).body;
    const client = new pg.Client(pgServer.connectionFor(data.DB_USERNAME, data.DB_PASSWORD));
    await client.connect();
    try {
      await client.query(`INSERT INTO ${TEST_TABLE} (note) VALUES ('from a lease')`);
      const { rows } = await client.query<{ note: string }>(`SELECT note FROM ${TEST_TABLE} ORDER BY id`);
      expect(rows.map((r) => r.note)).toEqual(['seeded', 'from a lease']);
      expect((await client.query('SELECT current_user AS u')).rows[0].u).toBe(data.DB_USERNAME);
    } finally {
      await client.end();
    }
    await calls.revoke(lease.id);
  });

  it('keeps a renewed lease valid past its original expiry; PostgreSQL refuses the role at that expiry otherwise', async () => {
    skew = -90_000; // lease created 90 s "ago": its 1-minute VALID UNTIL passed 30 s ago on PostgreSQL's clock
    const { lease, data } = (await calls.create()).body;
    expect(await pgServer.loginError(data.DB_USERNAME, data.DB_PASSWORD)).toMatchObject(refused);
    const renewed = await calls.renew(lease.id);
    expect(Date.parse(renewed.body.lease.expireAt)).toBeGreaterThan(Date.now());
    expect(await pgServer.loginError(data.DB_USERNAME, data.DB_PASSWORD)).toBeUndefined();
    await calls.revoke(lease.id);
  });

  it('drops the role on revocation: the password no longer logs in; a session already open is not ended', async () => {
    const { lease, data } = (await calls.create()).body;
    const open = new pg.Client(pgServer.connectionFor(data.DB_USERNAME, data.DB_PASSWORD));
    await open.connect();
    try {
      expect((await calls.revoke(lease.id)).status).toBe(200);
      expect(await pgServer.roleExists(data.DB_USERNAME)).toBe(false);
      expect(await pgServer.loginError(data.DB_USERNAME, data.DB_PASSWORD)).toMatchObject(refused);
      expect((await open.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await open.end();
    }
  });

  it('revokes a lease when it expires on the server clock: role dropped, then 404', async () => {
    const first = (await calls.create()).body;
    const second = (await calls.create()).body;
    server.advanceTime(60_000);
    expect(await server.dynamicSecrets.sweep()).toBe(2);
    for (const { lease, data } of [first, second]) {
      expect(await pgServer.roleExists(data.DB_USERNAME)).toBe(false);
      expect(await pgServer.loginError(data.DB_USERNAME, data.DB_PASSWORD)).toMatchObject(refused);
      expect((await calls.renew(lease.id)).status).toBe(404);
    }
    const third = (await calls.create()).body;
    server.advanceTime(60_000);
    expect((await calls.get(third.lease.id)).body.message).toBe(`Dynamic secret lease with ID '${third.lease.id}' not found`);
    expect(await pgServer.roleExists(third.data.DB_USERNAME)).toBe(false);
    expect(server.dynamicSecrets.leases()).toEqual([]);
  });

  it('keeps a lease whose revocation the database refuses as "Failed to delete"; isForced deletes it without the database', async () => {
    const { lease, data } = (await calls.create({ dynamicSecretName: 'sticky' })).body;
    const refusedRevoke = await calls.revoke(lease.id);
    expect(refusedRevoke.status).toBe(200);
    expect(refusedRevoke.body.lease).toMatchObject({ id: lease.id, status: 'Failed to delete' });
    expect(refusedRevoke.body.lease.statusDetails).toBe('Failed to revoke lease from provider: role "gone-[REDACTED]" does not exist');
    expect((await calls.get(lease.id)).body.lease).toMatchObject({ status: 'Failed to delete' });
    expect((await calls.revoke(lease.id, { isForced: true })).status).toBe(200);
    expect((await calls.get(lease.id)).status).toBe(404);
    expect(await pgServer.roleExists(data.DB_USERNAME)).toBe(true);
    await pgServer.query(`DROP OWNED BY "${data.DB_USERNAME}"; DROP ROLE "${data.DB_USERNAME}"`);
  });

  it('runs Infisical\'s default PostgreSQL statements when the dynamic secret gives none', async () => {
    const { lease, data } = (await calls.create({ dynamicSecretName: 'defaults' })).body;
    expect((await pgServer.loginRoles()).find((r) => r.name === data.DB_USERNAME)?.validUntil?.getTime()).toBe(Date.parse(lease.expireAt));
    expect(await pgServer.loginError(data.DB_USERNAME, data.DB_PASSWORD)).toBeUndefined();
    expect((await calls.revoke(lease.id)).status).toBe(200);
    expect(await pgServer.roleExists(data.DB_USERNAME)).toBe(false);
  });

  it('is driven over /__admin: define a dynamic secret, list leases without credentials, sweep, delete with its leases', async () => {
    const definition = { projectId: TEST_PROJECT_ID, environment: 'dev', path: '/admin', name: 'via-admin', defaultTTL: '1m' };
    const added = await raw(server, '/__admin/dynamic-secrets', { body: { ...definition, provider: { type: 'sql-database', inputs: pgServer.providerInputs() } } });
    expect(added.body).toMatchObject({ ok: true, dynamicSecret: { name: 'via-admin', maxTTL: null } });
    const { data } = (await calls.create({ dynamicSecretName: 'via-admin', path: '/admin' })).body;
    const listed = await raw(server, '/__admin/dynamic-secrets/leases');
    expect(listed.body.leases).toEqual([expect.objectContaining({ dynamicSecretName: 'via-admin', path: '/admin', username: data.DB_USERNAME, renewals: 0 })]);
    expect(listed.text).not.toContain(data.DB_PASSWORD);
    expect((await raw(server, '/__admin/dynamic-secrets/sweep', { method: 'POST' })).body).toEqual({ ok: true, revoked: 0 });
    const removed = await raw(server, '/__admin/dynamic-secrets', { method: 'DELETE', body: { projectId: TEST_PROJECT_ID, environment: 'dev', path: '/admin', name: 'via-admin' } });
    expect(removed.body).toEqual({ ok: true });
    expect(await pgServer.roleExists(data.DB_USERNAME)).toBe(false);
    const bad = await raw(server, '/__admin/dynamic-secrets', { body: { ...definition, defaultTTL: 'soon', provider: { type: 'sql-database', inputs: pgServer.providerInputs() } } });
    expect([bad.status, bad.body.message]).toEqual([400, '\'defaultTTL\' must be an ms-style duration such as "10s" or "1h" (got "soon")']);
  });
});
