/** GET /api/v3/secrets/raw contract via the SDK's listSecrets and raw fetch. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { InfisicalSDK, ListSecretsOptions } from '@infisical/sdk';

import {
  ADMIN_IDENTITY,
  EXPANDED_VALUES,
  PERSONAL_SECRET_KEY,
  SEEDED_VALUES,
  TEST_PROJECT_ID,
  TEST_PROJECT_SLUG,
  UNKNOWN_PROJECT_ID,
} from '../support/fixtures/test-seed.js';
import type { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { errorOf, listPath, raw, REQ_ID, sdkFor, startTestServer, T0 } from './contract-helpers.js';

describe('contract: list secrets', () => {
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

  const list = (options: Partial<ListSecretsOptions> = {}) =>
    sdk.secrets().listSecrets({ projectId: TEST_PROJECT_ID, environment: 'dev', ...options });

  it('lists the shared secrets of a folder (personal ones never), references expanded by the SDK default', async () => {
    const { secrets, imports } = await list();
    expect(secrets.map((s) => s.secretKey)).toEqual(Object.keys(SEEDED_VALUES.dev['/']));
    expect(secrets.map((s) => s.secretKey)).not.toContain(PERSONAL_SECRET_KEY);
    expect(secrets.find((s) => s.secretKey === 'DATABASE_URL')!.secretValue).toBe(EXPANDED_VALUES.dev['/'].DATABASE_URL);
    expect(imports).toEqual([]);
  });

  it('items have the documented list-item shape', async () => {
    const res = await raw(server, listPath({ tagSlugs: 'payments' }), { token });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['secrets', 'imports']);
    expect(res.body.secrets).toHaveLength(1);
    const item = res.body.secrets[0];
    expect(item).toEqual({
      id: expect.any(String),
      _id: item.id,
      workspace: TEST_PROJECT_ID,
      environment: 'dev',
      version: 1,
      type: 'shared',
      secretKey: 'API_KEY',
      secretValue: SEEDED_VALUES.dev['/'].API_KEY,
      secretValueHidden: false,
      secretComment: 'Payments API key',
      secretPath: '/',
      skipMultilineEncoding: false,
      secretReminderNote: null,
      secretReminderRepeatDays: null,
      createdAt: new Date(T0).toISOString(),
      updatedAt: new Date(T0).toISOString(),
      actor: expect.objectContaining({ actorType: expect.any(String) }),
      isRotatedSecret: false,
      rotationId: null,
      secretMetadata: [{ key: 'owner', value: 'team-payments', isEncrypted: false }],
      tags: [
        { id: expect.any(String), slug: 'backend', name: 'backend', color: expect.stringMatching(/^#[0-9a-f]{6}$/) },
        { id: expect.any(String), slug: 'payments', name: 'payments', color: expect.stringMatching(/^#[0-9a-f]{6}$/) },
      ],
    });
  });

  it('recursive=true includes sub-folders, each secret with its own secretPath', async () => {
    const { secrets } = await list({ secretPath: '/app', recursive: true });
    expect(secrets.map((s) => [s.secretPath, s.secretKey, s.secretValue])).toEqual([
      ['/app', 'APP_PORT', '8080'],
      ['/app', 'APP_NAME', 'contract-app'],
      ['/app/nested/deep', 'DEEP_KEY', 'deep-value'],
    ]);
    const flat = await list({ secretPath: '/app' });
    expect(flat.secrets).toHaveLength(2);
  });

  it('tagSlugs filters to secrets carrying any of the tags', async () => {
    expect((await list({ tagSlugs: ['payments'] })).secrets.map((s) => s.secretKey)).toEqual(['API_KEY']);
    expect((await list({ tagSlugs: ['backend', 'frontend'] })).secrets.map((s) => s.secretKey)).toEqual([
      'DB_USER',
      'API_KEY',
      'FEATURE_FLAGS',
    ]);
  });

  it('viewSecretValue=false masks every value', async () => {
    const { secrets } = await list({ viewSecretValue: false });
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) {
      expect(s.secretValue).toBe('<hidden-by-infisical>');
      expect(s.secretValueHidden).toBe(true);
    }
  });

  it('expandSecretReferences defaults to false on the server (raw) and true in the SDK', async () => {
    const res = await raw(server, listPath(), { token });
    const rawItem = res.body.secrets.find((s: { secretKey: string }) => s.secretKey === 'DATABASE_URL');
    expect(rawItem.secretValue).toBe(SEEDED_VALUES.dev['/'].DATABASE_URL);
    const sdkItem = (await list()).secrets.find((s) => s.secretKey === 'DATABASE_URL')!;
    expect(sdkItem.secretValue).toBe(EXPANDED_VALUES.dev['/'].DATABASE_URL);
  });

  it('unknown environment or folder → 404 SecretPathNotFound; recursive + unknown env → 404 NotFound', async () => {
    const env = await errorOf(() => list({ environment: 'qa' }));
    expect(env.message).toMatch(
      /\[StatusCode=404\] Folder with path '\/' in environment 'qa' was not found\. Please ensure the environment slug and secret path is correct\.$/,
    );
    const folder = await raw(server, listPath({ secretPath: '/nope/' }), { token });
    expect(folder.body).toEqual({
      reqId: expect.stringMatching(REQ_ID),
      statusCode: 404,
      error: 'SecretPathNotFound',
      message: "Folder with path '/nope' in environment 'dev' was not found. Please ensure the environment slug and secret path is correct.",
    });
    const recursive = await raw(server, listPath({ environment: 'qa', recursive: 'true' }), { token });
    expect([recursive.status, recursive.body.error, recursive.body.message]).toEqual([
      404,
      'NotFound',
      `Environment with slug 'qa' in project with ID ${TEST_PROJECT_ID} not found`,
    ]);
  });

  it('project resolution: unknown id → 404 bot lookup; none → 400; slug works; unknown slug → 404', async () => {
    const unknown = await errorOf(() => list({ projectId: UNKNOWN_PROJECT_ID }));
    expect(unknown.message).toMatch(
      new RegExp(`\\[StatusCode=404\\] Project with ID '${UNKNOWN_PROJECT_ID}' not found during bot lookup\\. Are you sure you are using the correct project ID\\?$`),
    );
    const none = await raw(server, '/api/v3/secrets/raw?environment=dev', { token });
    expect([none.status, none.body.error, none.body.message]).toEqual([400, 'BadRequest', 'You must provide projectSlug or workspaceId']);
    const noEnv = await raw(server, `/api/v3/secrets/raw?workspaceId=${TEST_PROJECT_ID}`, { token });
    expect([noEnv.status, noEnv.body.message]).toEqual([400, 'Missing project id or environment']);
    const bySlug = await raw(server, `/api/v3/secrets/raw?workspaceSlug=${TEST_PROJECT_SLUG}&environment=dev&secretPath=/app`, { token });
    expect(bySlug.body.secrets.map((s: { secretKey: string }) => s.secretKey)).toEqual(['APP_PORT', 'APP_NAME']);
    const badSlug = await raw(server, '/api/v3/secrets/raw?workspaceSlug=nope&environment=dev', { token });
    expect([badSlug.status, badSlug.body.message]).toEqual([404, 'No project found with slug nope']);
  });

  it('an existing empty folder → 200 with no secrets; trailing slashes are ignored', async () => {
    expect(await list({ secretPath: '/empty/' })).toEqual({ secrets: [], imports: [] });
    const res = await raw(server, listPath({ secretPath: '/app/' }).replace('/api/v3/secrets/raw?', '/api/v3/secrets/raw/?'), { token });
    expect(res.status).toBe(200);
    expect(res.body.secrets.map((s: { secretPath: string }) => s.secretPath)).toEqual(['/app', '/app']);
  });

  it('admin writes show up immediately with a bumped version', async () => {
    expect(server.setSecret({ projectId: TEST_PROJECT_ID, environment: 'dev', path: '/app', key: 'APP_PORT', value: '9090' })).toEqual({ version: 2 });
    const item = (await list({ secretPath: '/app' })).secrets.find((s) => s.secretKey === 'APP_PORT')!;
    expect([item.secretValue, item.version]).toEqual(['9090', 2]);
    server.deleteSecret({ projectId: TEST_PROJECT_ID, environment: 'dev', path: '/app', key: 'APP_NAME' });
    expect((await list({ secretPath: '/app' })).secrets.map((s) => s.secretKey)).toEqual(['APP_PORT']);
  });
});
