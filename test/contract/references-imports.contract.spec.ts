/** Secret references and imports contract. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { InfisicalSDK } from '@infisical/sdk';

import { ADMIN_IDENTITY, EXPANDED_VALUES, SEEDED_VALUES, TEST_PROJECT_ID } from '../support/fixtures/test-seed.js';
import type { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { listPath, raw, sdkFor, startTestServer } from './contract-helpers.js';

describe('contract: references and imports', () => {
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

  const valuesOf = async (secretPath: string): Promise<Record<string, string>> => {
    const { secrets } = await sdk.secrets().listSecrets({ projectId: TEST_PROJECT_ID, environment: 'dev', secretPath });
    return Object.fromEntries(secrets.map((s) => [s.secretKey, s.secretValue]));
  };

  it('expands ${KEY}, chains, ${env.KEY} and ${env.a.b.KEY}; leaves missing refs literally; stops cycles', async () => {
    expect(await valuesOf('/refs')).toEqual(EXPANDED_VALUES.dev['/refs']);
  });

  it('skipMultilineEncoding quotes an expanded multi-line value; plain multi-line values are untouched', async () => {
    const refs = await valuesOf('/refs');
    expect(refs['PEM_QUOTED']).toBe('"line-one\\nline-two"');
    expect(refs['PEM_SOURCE']).toBe('line-one\nline-two');
    expect((await valuesOf('/'))['TLS_CERT']).toBe(SEEDED_VALUES.dev['/'].TLS_CERT);
  });

  it('get-by-name expands across environments and folders', async () => {
    const get = (secretName: string, secretPath: string) =>
      sdk.secrets().getSecret({ projectId: TEST_PROJECT_ID, environment: 'dev', secretName, secretPath });
    expect((await get('REF_CROSS', '/cross')).secretValue).toBe(EXPANDED_VALUES.dev['/cross'].REF_CROSS);
    expect((await get('REF_NESTED', '/refs')).secretValue).toBe('deep-value');
    expect((await get('CYCLE_A', '/refs')).secretValue).toBe(EXPANDED_VALUES.dev['/refs'].CYCLE_A);
  });

  it('changing a referenced secret changes every expansion that uses it', async () => {
    server.setSecret({ projectId: TEST_PROJECT_ID, environment: 'dev', key: 'DB_HOST', value: 'db.moved.internal' });
    expect((await valuesOf('/'))['DATABASE_URL']).toBe('postgres://contract_user@db.moved.internal:5432/contract_dev');
    server.setSecret({ projectId: TEST_PROJECT_ID, environment: 'dev', key: 'DB_HOST', value: SEEDED_VALUES.dev['/'].DB_HOST });
  });

  it('include_imports is snake_case only: camelCase includeImports is ignored', async () => {
    const snake = await raw(server, listPath({ include_imports: 'true' }), { token });
    expect(snake.body.imports.map((i: { environment: string; secretPath: string }) => `${i.environment}:${i.secretPath}`)).toEqual([
      'dev:/shared',
      'prod:/shared',
    ]);
    const camel = await raw(server, listPath({ includeImports: 'true' }), { token });
    expect(camel.status).toBe(200);
    expect(camel.body.imports).toEqual([]);
  });

  it('import elements have the documented shape; nested imports are flattened into the importing slot', async () => {
    const res = await raw(server, listPath({ include_imports: 'true' }), { token });
    const [devShared, prodShared] = res.body.imports;
    expect(Object.keys(devShared).sort()).toEqual(['environment', 'folderId', 'secretPath', 'secrets']);
    expect(devShared.secrets.map((s: { secretKey: string }) => s.secretKey)).toEqual(['SHARED_ONLY', 'SHARED_OVERRIDE', 'DUP_KEY', 'COMMON_KEY']);
    expect(devShared.secrets[3].environment).toBe('staging');
    expect(prodShared.secrets[0]).toEqual({
      id: expect.any(String),
      _id: prodShared.secrets[0].id,
      workspace: '',
      environment: 'prod',
      version: 1,
      type: 'shared',
      secretKey: 'SUPPORT_EMAIL',
      secretValue: SEEDED_VALUES.prod['/shared'].SUPPORT_EMAIL,
      secretValueHidden: false,
      secretComment: '',
      skipMultilineEncoding: false,
      secretMetadata: [],
    });
  });

  it('SDK listSecretsWithImports: local secrets win, then the FIRST import; imported items stamped with the import path', async () => {
    const merged = await sdk.secrets().listSecretsWithImports({ projectId: TEST_PROJECT_ID, environment: 'dev' });
    const byKey = Object.fromEntries(merged.map((s) => [s.secretKey, s]));
    expect(byKey['SHARED_OVERRIDE']!.secretValue).toBe('local-wins');
    expect(byKey['DUP_KEY']!.secretValue).toBe(SEEDED_VALUES.dev['/shared'].DUP_KEY);
    expect(byKey['PROD_SHARED_ONLY']).toMatchObject({ secretValue: 'prod-shared-only', secretPath: '/shared', tags: [] });
    expect(byKey['COMMON_KEY']!.secretValue).toBe('common-staging');
    expect(merged).toHaveLength(Object.keys(SEEDED_VALUES.dev['/']).length + 1 /* SHARED_ONLY */ + 1 /* DUP_KEY */ + 1 /* COMMON_KEY */ + 2 /* prod: SUPPORT_EMAIL, PROD_SHARED_ONLY */);
  });

  it('viewSecretValue=false also masks imported values', async () => {
    const res = await raw(server, listPath({ include_imports: 'true', viewSecretValue: 'false' }), { token });
    const values = res.body.imports.flatMap((i: { secrets: { secretValue: string; secretValueHidden: boolean }[] }) => i.secrets);
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((s: { secretValue: string; secretValueHidden: boolean }) => s.secretValue === '<hidden-by-infisical>' && s.secretValueHidden)).toBe(true);
  });
});
