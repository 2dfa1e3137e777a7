/**
 * Differential test: the module's own HTTP client and the reference client (@infisical/sdk) read the same local
 * server states and must agree — the same secrets for imports, folders, recursive reads, references, hidden values,
 * and an error of the matching class for every refusal. Where the SDK merges imports differently from Infisical's
 * own rule (it lets the first import win; the server's get-by-name and the CLI let the last win), the test pins both.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InfisicalSDK } from '@infisical/sdk';
import { transportFor } from '../../src/infisical/api/http-transport.js';
import { InfisicalApi, type ListQuery } from '../../src/infisical/api/infisical-api.js';
import { systemClock } from '../../src/infisical/infisical.clock.js';
import { MAX_JSON_DEPTH, MAX_RESPONSE_BYTES } from '../../src/infisical/infisical.defaults.js';
import {
  InfisicalProjectAccessError,
  InfisicalSecretPathNotFoundError,
  InfisicalTokenError,
  type InfisicalError,
} from '../../src/infisical/index.js';
import {
  ADMIN_IDENTITY,
  DEV_IDENTITY,
  NO_READ_IDENTITY,
  NON_MEMBER_IDENTITY,
  TEST_PROJECT_ID,
  UNKNOWN_PROJECT_ID,
  type TestIdentity,
} from '../support/fixtures/test-seed.js';
import type { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { rawLogin, sdkFor, startTestServer } from './contract-helpers.js';

/** The HTTP status an SDK error reports (the SDK keeps it only in its message). */
const sdkStatus = (error: unknown) => Number(/\[StatusCode=(\d+)\]/.exec(error instanceof Error ? error.message : '')?.[1]);

type Read = Omit<ListQuery, 'projectId'> & { projectId?: string };
const base: Read = { environment: 'dev', secretPath: '/', recursive: false, includeImports: false, expandSecretReferences: true };

describe('differential: the module\'s client vs @infisical/sdk', () => {
  let server: LocalInfisicalServer;
  const clients = new Map<TestIdentity, { sdk: InfisicalSDK; token: string }>();

  const api = () =>
    new InfisicalApi({
      siteUrl: server.url,
      http: { transport: () => transportFor(undefined), timeoutMs: 10_000, maxBytes: MAX_RESPONSE_BYTES, maxJsonDepth: MAX_JSON_DEPTH, clock: systemClock },
      sanitize: (text) => text,
    });
  const target = (read: Read) => ({ siteUrl: server.url, projectId: read.projectId ?? TEST_PROJECT_ID, environment: read.environment, secretPath: read.secretPath });

  async function both(who: TestIdentity, read: Read) {
    const { sdk, token } = clients.get(who)!;
    const query = { ...read, projectId: read.projectId ?? TEST_PROJECT_ID };
    const ours = await api().listSecrets(token, query, target(read), new AbortController().signal);
    const sdkAnswer = read.includeImports
      ? await sdk.secrets().listSecretsWithImports({ ...query, viewSecretValue: query.viewSecretValue ?? true })
      : (await sdk.secrets().listSecrets({ ...query, viewSecretValue: query.viewSecretValue ?? true })).secrets;
    return {
      ours: Object.fromEntries(ours.secrets.map((s) => [s.key, s.value])),
      oursHidden: ours.hiddenKeys,
      sdk: Object.fromEntries(sdkAnswer.map((s) => [s.secretKey, s.secretValue])),
      sdkHidden: sdkAnswer.filter((s) => (s as { secretValueHidden?: boolean }).secretValueHidden).map((s) => s.secretKey),
    };
  }

  beforeAll(async () => {
    server = await startTestServer();
    for (const who of [ADMIN_IDENTITY, DEV_IDENTITY, NO_READ_IDENTITY, NON_MEMBER_IDENTITY]) {
      clients.set(who, { sdk: await sdkFor(server, who), token: await rawLogin(server, who) });
    }
  });
  afterAll(() => server.close());

  it.each<[string, Read]>([
    ['the root folder', base],
    ['a folder', { ...base, secretPath: '/app' }],
    ['a deep folder', { ...base, secretPath: '/app/nested/deep' }],
    ['an empty folder', { ...base, secretPath: '/empty' }],
    ['references expanded', { ...base, secretPath: '/refs' }],
    ['references as written', { ...base, secretPath: '/refs', expandSecretReferences: false }],
    ['a cross-environment reference', { ...base, secretPath: '/cross' }],
    ['another environment', { ...base, environment: 'staging' }],
  ])('same secrets: %s', async (_name, read) => {
    const answer = await both(ADMIN_IDENTITY, read);
    expect(answer.ours).toEqual(answer.sdk);
    expect(Object.keys(answer.ours).length).toBeGreaterThan(read.secretPath === '/empty' ? -1 : 0);
  });

  it('same secrets: recursive read of a folder with sub-folders', async () => {
    const answer = await both(ADMIN_IDENTITY, { ...base, secretPath: '/app', recursive: true });
    expect(answer.ours).toEqual(answer.sdk);
    expect(answer.ours).toHaveProperty('DEEP_KEY', 'deep-value');
  });

  it('same secrets with imports, except the key two imports share: the SDK takes the first import, the module the last (Infisical\'s rule)', async () => {
    const answer = await both(ADMIN_IDENTITY, { ...base, includeImports: true });
    const { DUP_KEY: ours, ...oursRest } = answer.ours;
    const { DUP_KEY: sdks, ...sdkRest } = answer.sdk;
    expect(oursRest).toEqual(sdkRest);
    expect(oursRest).toMatchObject({ SHARED_OVERRIDE: 'local-wins', SHARED_ONLY: 'shared-dev', PROD_SHARED_ONLY: 'prod-shared-only', COMMON_KEY: 'common-staging' });
    expect({ sdk: sdks, module: ours }).toEqual({ sdk: 'dup-from-dev-shared', module: 'dup-from-prod-shared' });
  });

  it('hidden values: the SDK returns them empty and flagged; the module leaves them out and names them', async () => {
    const answer = await both(ADMIN_IDENTITY, { ...base, secretPath: '/app', viewSecretValue: false });
    expect(answer.sdkHidden.sort()).toEqual(Object.keys(answer.sdk).sort());
    expect(answer.oursHidden.sort()).toEqual(answer.sdkHidden.sort());
    expect(answer.ours).toEqual({});
  });

  it('permissions: a dev reader gets the same dev secrets from both, and the same empty (filtered) list for prod', async () => {
    const dev = await both(DEV_IDENTITY, base);
    expect(dev.ours).toEqual(dev.sdk);
    expect(Object.keys(dev.ours).length).toBeGreaterThan(0);
    const prod = await both(DEV_IDENTITY, { ...base, environment: 'prod' });
    expect(prod).toEqual({ ours: {}, oursHidden: [], sdk: {}, sdkHidden: [] });
  });

  it.each<[string, TestIdentity, Read, number, new (...args: never[]) => InfisicalError]>([
    ['unknown folder', ADMIN_IDENTITY, { ...base, secretPath: '/nope' }, 404, InfisicalSecretPathNotFoundError],
    ['unknown environment', ADMIN_IDENTITY, { ...base, environment: 'qa' }, 404, InfisicalSecretPathNotFoundError],
    ['unknown project', ADMIN_IDENTITY, { ...base, projectId: UNKNOWN_PROJECT_ID }, 404, InfisicalProjectAccessError],
    ['not a member', NON_MEMBER_IDENTITY, base, 403, InfisicalProjectAccessError],
    ['no read rule', NO_READ_IDENTITY, base, 403, InfisicalProjectAccessError],
  ])('same refusal: %s', async (_name, who, read, status, errorClass) => {
    const { sdk, token } = clients.get(who)!;
    const query = { ...read, projectId: read.projectId ?? TEST_PROJECT_ID };
    const sdkError = await sdk.secrets().listSecrets(query).then(() => undefined, (e: unknown) => e);
    const ours = await api().listSecrets(token, query, target(read), new AbortController().signal).then(() => undefined, (e: unknown) => e);
    expect(sdkStatus(sdkError)).toBe(status);
    expect(ours).toBeInstanceOf(errorClass);
  });

  it('same refusal: a malformed token → SDK HTTP 403 (TokenError), module InfisicalTokenError', async () => {
    const ours = await api().listSecrets('not-a-token', { ...base, projectId: TEST_PROJECT_ID }, target(base), new AbortController().signal).then(() => undefined, (e: unknown) => e);
    expect(ours).toBeInstanceOf(InfisicalTokenError);
    const anonymous = new InfisicalSDK({ siteUrl: server.url }).auth().accessToken('not-a-token');
    const sdkError = await anonymous.secrets().listSecrets({ ...base, projectId: TEST_PROJECT_ID }).then(() => undefined, (e: unknown) => e);
    expect(sdkStatus(sdkError)).toBe(403);
  });
});
