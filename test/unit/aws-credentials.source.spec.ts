/** The AWS credential sources of a workload (environment keys, container credentials endpoint), through a fake HTTP transport. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsCredentialsSource } from '../../src/infisical/auth/aws-credentials.source.js';
import { InfisicalTokenError } from '../../src/infisical/errors/authentication.errors.js';
import { InfisicalPlatformCredentialError, type KeylessLogin } from '../../src/infisical/errors/keyless-login.errors.js';
import { flushMicrotasks, failureOf as failureOfAny } from '../support/deferred.js';
import { FakeTransport, hang, networkError, type FakeRoute } from '../support/fakes/http-transport.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const LOGIN: KeylessLogin = { method: 'aws-iam', label: 'AWS IAM Auth', identityId: 'b0000000-0000-4000-8000-000000000001' };
const TARGET = { siteUrl: 'https://infisical.example', projectId: 'p', environment: 'prod', secretPath: '/' };
const ROLE = { AccessKeyId: 'ASIAROLEKEY', SecretAccessKey: 'role-secret-key', Token: 'role-session-token', Expiration: '2026-11-23T18:00:00Z' };
const FULL_URI = 'http://127.0.0.1:9911/v1/credentials';

function setup(env: NodeJS.ProcessEnv, route: FakeRoute = () => ({ body: ROLE })) {
  const clock = new ManualClock();
  const fake = new FakeTransport(route);
  const source = new AwsCredentialsSource(LOGIN, fake.settings(clock, { timeoutMs: 2000 }), env);
  return { clock, fake, source };
}
const failureOf = (promise: Promise<unknown>) => failureOfAny<InfisicalPlatformCredentialError>(promise);
const signal = () => new AbortController().signal;

describe('AwsCredentialsSource: environment keys', () => {
  it('takes AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY first, without asking any endpoint', async () => {
    const { source, fake } = setup({ AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI });
    const credentials = await source.credentials(signal());
    expect(credentials).toStrictEqual({ accessKeyId: 'AKIDENV', secretAccessKey: 'env-secret' });
    expect(fake.requests).toEqual([]);
  });

  it('adds AWS_SESSION_TOKEN when set', async () => {
    const { source } = setup({ AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-session' });
    await expect(source.credentials(signal())).resolves.toStrictEqual({ accessKeyId: 'AKIDENV', secretAccessKey: 'env-secret', sessionToken: 'env-session' });
  });

  it.each([
    ['nothing set', {}, 'AWS_ACCESS_KEY_ID, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are all unset'],
    ['only the key ID', { AWS_ACCESS_KEY_ID: 'AKIDENV' }, 'only one of AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY is set'],
    ['only the secret', { AWS_SECRET_ACCESS_KEY: 'env-secret' }, 'only one of AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY is set'],
  ])('%s and no endpoint: aws-credentials-missing', async (_name, env, detail) => {
    const { source } = setup(env);
    const error = await failureOf(source.credentials(signal()));
    expect(error).toBeInstanceOf(InfisicalPlatformCredentialError);
    expect(error.reason).toBe('aws-credentials-missing');
    expect(error.transient).toBe(false);
    expect(error.detail).toMatchObject({ where: 'environment' });
    expect(error.message).toContain(`no AWS credentials found (${detail})`);
    expect(error.message).not.toContain('env-secret');
  });

  it('half a key pair gives way to the container endpoint', async () => {
    const { source, fake } = setup({ AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI });
    await expect(source.credentials(signal())).resolves.toMatchObject({ accessKeyId: 'ASIAROLEKEY' });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('AwsCredentialsSource: container credentials endpoint', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aws-credentials-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ECS: GET the relative URI on the task metadata address, preferred over the full URI, with no authorization', async () => {
    const { source, fake } = setup({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc', AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI });
    await expect(source.credentials(signal())).resolves.toStrictEqual({ accessKeyId: 'ASIAROLEKEY', secretAccessKey: 'role-secret-key', sessionToken: 'role-session-token' });
    expect(fake.only.method).toBe('GET');
    expect(fake.only.url).toBe('http://169.254.170.2/v2/credentials/abc');
    expect(fake.only.headers).toEqual({ accept: 'application/json' });
  });

  it('EKS Pod Identity / Lambda: the full URI with AWS_CONTAINER_AUTHORIZATION_TOKEN, trimmed', async () => {
    const { source, fake } = setup({ AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN: ' auth-token \n' });
    await source.credentials(signal());
    expect(fake.only.url).toBe(FULL_URI);
    expect(fake.only.headers).toEqual({ accept: 'application/json', authorization: 'auth-token' });
  });

  it('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is read at every call and wins over the variable', async () => {
    const file = join(dir, 'eks-token');
    await writeFile(file, 'file-token-1\n');
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'variable-token' };
    const { source, fake } = setup(env);
    await source.credentials(signal());
    await writeFile(file, 'file-token-2');
    await source.credentials(signal());
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual(['file-token-1', 'file-token-2']);
  });

  it('an empty token file sends no authorization header', async () => {
    const file = join(dir, 'empty-token');
    await writeFile(file, '');
    const { source, fake } = setup({ AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file });
    await source.credentials(signal());
    expect(fake.only.headers).toEqual({ accept: 'application/json' });
  });

  it('a token file that cannot be read: aws-credentials-endpoint, permanent, nothing sent', async () => {
    const file = join(dir, 'absent');
    const { source, fake } = setup({ AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file });
    const error = await failureOf(source.credentials(signal()));
    expect(error.reason).toBe('aws-credentials-endpoint');
    expect(error.transient).toBe(false);
    expect(error.detail).toMatchObject({ where: 'http://127.0.0.1:9911' });
    expect(error.message).toContain(`(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${file} cannot be read)`);
    expect(fake.requests).toEqual([]);
  });

  it('omits a session token that is not a string', async () => {
    const { source } = setup({ AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI }, () => ({ body: { ...ROLE, Token: 42 } }));
    await expect(source.credentials(signal())).resolves.toStrictEqual({ accessKeyId: 'ASIAROLEKEY', secretAccessKey: 'role-secret-key' });
  });

  it.each([
    [201, false],
    [403, false],
    [499, false],
    [500, true],
    [502, true],
  ])('HTTP %s: aws-credentials-endpoint, transient %s, naming the origin and never the token', async (status, transient) => {
    const { source } = setup({ AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'auth-token-value' }, () => ({ status, body: ROLE }));
    const error = await failureOf(source.credentials(signal()));
    expect(error.reason).toBe('aws-credentials-endpoint');
    expect(error.transient).toBe(transient);
    expect(error.message).toContain(`the AWS container credentials endpoint http://127.0.0.1:9911 gave no credentials (HTTP ${status})`);
    expect(error.message).not.toContain('auth-token-value');
  });

  it.each([
    ['no key ID', { SecretAccessKey: 'x' }],
    ['no secret', { AccessKeyId: 'x' }],
    ['a key ID that is not a string', { AccessKeyId: 1, SecretAccessKey: 'x' }],
    ['a secret that is not a string', { AccessKeyId: 'x', SecretAccessKey: true }],
    ['not JSON', 'AccessKeyId=x'],
    ['an empty body', undefined],
  ])('an answer with %s: aws-credentials-endpoint, permanent', async (_name, body) => {
    const { source } = setup({ AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI }, () => ({ body }));
    const error = await failureOf(source.credentials(signal()));
    expect(error.reason).toBe('aws-credentials-endpoint');
    expect(error.transient).toBe(false);
    expect(error.message).toContain('(the answer has no AccessKeyId / SecretAccessKey)');
  });

  it('an endpoint that is not there: permanent, in a few words', async () => {
    const { source } = setup({ AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI }, () => networkError('ECONNREFUSED'));
    const error = await failureOf(source.credentials(signal()));
    expect(error.reason).toBe('aws-credentials-endpoint');
    expect(error.transient).toBe(false);
    expect(error.message).toContain('(connection refused (ECONNREFUSED))');
  });

  it('an endpoint that does not answer in time: transient', async () => {
    const { source, clock } = setup({ AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI }, hang);
    const outcome = failureOf(source.credentials(signal()));
    await flushMicrotasks();
    clock.advance(2000);
    const error = await outcome;
    expect(error.reason).toBe('aws-credentials-endpoint');
    expect(error.transient).toBe(true);
  });

  it('a cancellation by the module is that error', async () => {
    const { source } = setup({ AWS_CONTAINER_CREDENTIALS_FULL_URI: FULL_URI });
    const controller = new AbortController();
    const deadline = new InfisicalTokenError(TARGET, 'expired');
    controller.abort(deadline);
    await expect(source.credentials(controller.signal)).rejects.toBe(deadline);
  });
});
