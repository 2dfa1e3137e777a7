/** Permission contract: membership, read rules, list filtering vs get-by-name 403. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import {
  DEV_IDENTITY,
  NO_READ_IDENTITY,
  NON_MEMBER_IDENTITY,
  SEEDED_VALUES,
  TEST_PROJECT_ID,
  TEST_PROJECT_NAME,
  TEST_PROJECT_SLUG,
  UNKNOWN_PROJECT_ID,
} from '../support/fixtures/test-seed.js';
import type { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { errorOf, getPath, listPath, raw, rawLogin, REQ_ID, sdkFor, startTestServer } from './contract-helpers.js';

describe('contract: permissions', () => {
  let server: LocalInfisicalServer;

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('not a member → 403 error "You are not member of this project", generic message', async () => {
    const sdk = await sdkFor(server, NON_MEMBER_IDENTITY);
    const err = await errorOf(() => sdk.secrets().listSecrets({ projectId: TEST_PROJECT_ID, environment: 'dev' }));
    expect(err.message).toMatch(/\[StatusCode=403\] You are not allowed to access this resource$/);
    const res = await raw(server, listPath(), { token: sdk.auth().getAccessToken()! });
    expect(res.body).toEqual({
      reqId: expect.stringMatching(REQ_ID),
      statusCode: 403,
      message: 'You are not allowed to access this resource',
      error: 'You are not member of this project',
    });
  });

  it('member without any read rule → 403 PermissionDenied "You are not allowed to describeSecret on secrets"', async () => {
    const token = await rawLogin(server, NO_READ_IDENTITY);
    const res = await raw(server, listPath(), { token });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'PermissionDenied', message: 'You are not allowed to describeSecret on secrets' });
    expect(Array.isArray(res.body.details)).toBe(true);
  });

  it('LIST in an environment the identity cannot read → 200 with the secrets filtered out', async () => {
    const sdk = await sdkFor(server, DEV_IDENTITY);
    const prod = await sdk.secrets().listSecrets({ projectId: TEST_PROJECT_ID, environment: 'prod' });
    expect(prod).toEqual({ secrets: [], imports: [] });
    const dev = await sdk.secrets().listSecrets({ projectId: TEST_PROJECT_ID, environment: 'dev', secretPath: '/app' });
    expect(dev.secrets.map((s) => s.secretValue)).toEqual([SEEDED_VALUES.dev['/app'].APP_PORT, SEEDED_VALUES.dev['/app'].APP_NAME]);
  });

  it('GET-BY-NAME in that environment → 403 PermissionDenied, checked before existence', async () => {
    const sdk = await sdkFor(server, DEV_IDENTITY);
    const existing = await errorOf(() => sdk.secrets().getSecret({ projectId: TEST_PROJECT_ID, environment: 'prod', secretName: 'API_KEY' }));
    expect(existing.message).toMatch(/\[StatusCode=403\] You are not allowed to describeSecret on secrets$/);
    const missing = await errorOf(() => sdk.secrets().getSecret({ projectId: TEST_PROJECT_ID, environment: 'prod', secretName: 'NO_SUCH' }));
    expect(missing.message).toMatch(/\[StatusCode=403\] You are not allowed to describeSecret on secrets$/);
  });

  it('imports from unreadable environments keep their slot but lose their secrets', async () => {
    const sdk = await sdkFor(server, DEV_IDENTITY);
    const { imports } = await sdk.secrets().listSecrets({ projectId: TEST_PROJECT_ID, environment: 'dev', includeImports: true });
    expect(imports!.map((i) => [i.environment, i.secretPath, i.secrets.map((s) => s.secretKey)])).toEqual([
      ['dev', '/shared', ['SHARED_ONLY', 'SHARED_OVERRIDE', 'DUP_KEY']], // staging /common (nested) filtered out
      ['prod', '/shared', []],
    ]);
  });

  it('expanding a reference into an unreadable environment → 403 (list aggregated, get direct)', async () => {
    const sdk = await sdkFor(server, DEV_IDENTITY);
    const token = sdk.auth().getAccessToken()!;
    const listed = await raw(server, listPath({ secretPath: '/cross', expandSecretReferences: 'true' }), { token });
    expect(listed.status).toBe(403);
    expect(listed.body).toMatchObject({ error: 'ForbiddenError', message: 'Failed to expand one or more secret references' });
    expect(listed.body.details).toEqual([expect.stringContaining("You do not have permission to read secret 'SUPPORT_EMAIL' in environment 'prod' at path '/shared'")]);

    const got = await raw(server, getPath('REF_CROSS', { secretPath: '/cross', expandSecretReferences: 'true' }), { token });
    expect([got.status, got.body.error]).toEqual([403, 'ForbiddenError']);
    expect(got.body.message).toMatch(/^You do not have permission to read secret 'SUPPORT_EMAIL' in environment 'prod' at path '\/shared', which is referenced by secret 'REF_CROSS'/);

    const literal = await sdk.secrets().listSecrets({ projectId: TEST_PROJECT_ID, environment: 'dev', secretPath: '/cross', expandSecretReferences: false });
    expect(literal.secrets[0]!.secretValue).toBe(SEEDED_VALUES.dev['/cross'].REF_CROSS);
  });

  it('setReadPermission / removeProjectMembership take effect on the next request', async () => {
    const sdk = await sdkFor(server, DEV_IDENTITY);
    const listProd = () => sdk.secrets().listSecrets({ projectId: TEST_PROJECT_ID, environment: 'prod' });
    expect((await listProd()).secrets).toHaveLength(0);
    server.setReadPermission(DEV_IDENTITY.id, TEST_PROJECT_ID, ['dev', 'prod']);
    expect((await listProd()).secrets.map((s) => s.secretKey)).toEqual(['DATABASE_URL', 'API_KEY']);
    server.setReadPermission(DEV_IDENTITY.id, TEST_PROJECT_ID, []);
    await expect(listProd()).rejects.toThrow('[StatusCode=403] You are not allowed to describeSecret on secrets');
    server.removeProjectMembership(DEV_IDENTITY.id, TEST_PROJECT_ID);
    await expect(listProd()).rejects.toThrow('[StatusCode=403] You are not allowed to access this resource');
  });

  it('project details: any member gets real environment slugs; non-members 403; unknown 404', async () => {
    const member = await rawLogin(server, NO_READ_IDENTITY);
    const res = await raw(server, `/api/v1/workspace/${TEST_PROJECT_ID}`, { token: member });
    expect(res.status).toBe(200);
    expect(res.body.workspace).toMatchObject({ id: TEST_PROJECT_ID, name: TEST_PROJECT_NAME, slug: TEST_PROJECT_SLUG });
    expect(res.body.workspace.environments.map((e: { slug: string }) => e.slug)).toEqual(['dev', 'staging', 'prod']);
    const v1project = await raw(server, `/api/v1/projects/${TEST_PROJECT_ID}`, { token: member });
    expect(v1project.body.project.environments).toEqual(res.body.workspace.environments);

    const outsider = await rawLogin(server, NON_MEMBER_IDENTITY);
    expect((await raw(server, `/api/v1/workspace/${TEST_PROJECT_ID}`, { token: outsider })).status).toBe(403);
    const unknown = await raw(server, `/api/v1/workspace/${UNKNOWN_PROJECT_ID}`, { token: member });
    expect([unknown.status, unknown.body.message]).toEqual([404, `Project with ID '${UNKNOWN_PROJECT_ID}' not found`]);
  });

  it('folders: children of a path via the SDK; unknown environment → 404', async () => {
    const sdk = await sdkFor(server, DEV_IDENTITY);
    const root = await sdk.folders().listFolders({ projectId: TEST_PROJECT_ID, environment: 'dev' });
    expect(root.map((f) => f.name).sort()).toEqual(['app', 'cross', 'empty', 'refs', 'shared']);
    const app = await sdk.folders().listFolders({ projectId: TEST_PROJECT_ID, environment: 'dev', path: '/app' });
    expect(app.map((f) => f.name)).toEqual(['nested']);
    await expect(sdk.folders().listFolders({ projectId: TEST_PROJECT_ID, environment: 'qa' })).rejects.toThrow(
      "[StatusCode=404] Environment with slug 'qa' not found",
    );
  });
});
