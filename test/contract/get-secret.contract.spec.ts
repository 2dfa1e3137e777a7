/** GET /api/v3/secrets/raw/:secretName contract via the SDK's getSecret and raw fetch. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GetSecretOptions, InfisicalSDK } from '@infisical/sdk';

import {
  ADMIN_IDENTITY,
  EXPANDED_VALUES,
  PERSONAL_SECRET_KEY,
  SEEDED_VALUES,
  TEST_PROJECT_ID,
} from '../support/fixtures/test-seed.js';
import type { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { errorOf, getPath, raw, REQ_ID, sdkFor, startTestServer } from './contract-helpers.js';

describe('contract: get secret by name', () => {
  let server: LocalInfisicalServer;
  let sdk: InfisicalSDK;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer();
    sdk = await sdkFor(server, ADMIN_IDENTITY);
    token = sdk.auth().getAccessToken()!;
  });
  afterAll(async () => {
    await server.close();
  });

  const get = (secretName: string, options: Partial<GetSecretOptions> = {}) =>
    sdk.secrets().getSecret({ projectId: TEST_PROJECT_ID, environment: 'dev', secretName, ...options });

  it('returns one item with secretPath (expanded by the SDK default); the SDK leaks a secretName query param', async () => {
    server.clearRequests();
    const secret = await get('DATABASE_URL');
    expect(secret).toMatchObject({
      secretKey: 'DATABASE_URL',
      secretValue: EXPANDED_VALUES.dev['/'].DATABASE_URL,
      secretPath: '/',
      environment: 'dev',
      workspace: TEST_PROJECT_ID,
      type: 'shared',
      version: 1,
      secretValueHidden: false,
    });
    const [call] = server.requestsTo('/api/v3/secrets/raw/DATABASE_URL');
    expect(call!.query).toMatchObject({ secretName: 'DATABASE_URL', includeImports: 'false', expandSecretReferences: 'true' });
    expect(call!.query).not.toHaveProperty('include_imports');
  });

  it('a missing secret → 404 NotFound "Secret with name \'<n>\' not found"', async () => {
    const err = await errorOf(() => get('NOPE'));
    expect(err.message).toMatch(/\[StatusCode=404\] Secret with name 'NOPE' not found$/);
    const res = await raw(server, getPath('NOPE'), { token });
    expect(res.body).toEqual({ reqId: expect.stringMatching(REQ_ID), statusCode: 404, message: "Secret with name 'NOPE' not found", error: 'NotFound' });
  });

  it('version=N returns that historical value; every admin write bumps the version', async () => {
    server.setSecret({ projectId: TEST_PROJECT_ID, environment: 'dev', path: '/app', key: 'APP_NAME', value: 'renamed-1' });
    server.setSecret({ projectId: TEST_PROJECT_ID, environment: 'dev', path: '/app', key: 'APP_NAME', value: 'renamed-2' });
    expect(server.getSecretVersion({ projectId: TEST_PROJECT_ID, environment: 'dev', path: '/app', key: 'APP_NAME' })).toBe(3);
    const v1 = await get('APP_NAME', { secretPath: '/app', version: 1 });
    expect([v1.version, v1.secretValue]).toEqual([1, SEEDED_VALUES.dev['/app'].APP_NAME]);
    const current = await get('APP_NAME', { secretPath: '/app' });
    expect([current.version, current.secretValue]).toEqual([3, 'renamed-2']);
    await expect(get('APP_NAME', { secretPath: '/app', version: 9 })).rejects.toThrow("[StatusCode=404] Secret with name 'APP_NAME' not found");
  });

  it('unknown folder or environment → 404 GetSecretByName', async () => {
    const folder = await raw(server, getPath('X', { secretPath: '/nope' }), { token });
    expect([folder.status, folder.body.error, folder.body.message]).toEqual([
      404,
      'GetSecretByName',
      "Folder with path '/nope' in environment with slug 'dev' not found",
    ]);
    const env = await errorOf(() => get('X', { environment: 'qa' }));
    expect(env.message).toMatch(/\[StatusCode=404\] Folder with path '\/' in environment with slug 'qa' not found$/);
  });

  it('personal secrets are invisible to identities; bad type / version → 422', async () => {
    const personal = await raw(server, getPath(PERSONAL_SECRET_KEY, { type: 'personal' }), { token });
    expect([personal.status, personal.body.message]).toEqual([404, `Secret with name '${PERSONAL_SECRET_KEY}' not found`]);
    const badType = await raw(server, getPath('DB_USER', { type: 'private', version: 'abc' }), { token });
    expect(badType.status).toBe(422);
    expect(badType.body.error).toBe('ValidationFailure');
    expect(badType.body.message).toEqual([
      { code: 'invalid_type', expected: 'number', received: 'nan', path: ['version'], message: 'Expected number, received nan' },
      {
        code: 'invalid_enum_value',
        received: 'private',
        options: ['shared', 'personal'],
        path: ['type'],
        message: "Invalid enum value. Expected 'shared' | 'personal', received 'private'",
      },
    ]);
  });

  it('include_imports (snake case) finds imported secrets, last import wins; the SDK\'s camelCase is ignored', async () => {
    const res = await raw(server, getPath('DUP_KEY', { include_imports: 'true' }), { token });
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatchObject({
      secretKey: 'DUP_KEY',
      secretValue: SEEDED_VALUES.prod['/shared'].DUP_KEY,
      environment: 'prod',
      secretPath: '/shared',
    });
    const camel = await raw(server, getPath('DUP_KEY', { includeImports: 'true' }), { token });
    expect(camel.status).toBe(404);
    await expect(get('DUP_KEY', { includeImports: true })).rejects.toThrow("[StatusCode=404] Secret with name 'DUP_KEY' not found");
  });

  it('viewSecretValue=false masks the value; expandSecretReferences=false returns the raw reference', async () => {
    const hidden = await get('API_KEY', { viewSecretValue: false });
    expect([hidden.secretValue, hidden.secretValueHidden]).toEqual(['<hidden-by-infisical>', true]);
    const unexpanded = await get('DATABASE_URL', { expandSecretReferences: false });
    expect(unexpanded.secretValue).toBe(SEEDED_VALUES.dev['/'].DATABASE_URL);
  });
});
