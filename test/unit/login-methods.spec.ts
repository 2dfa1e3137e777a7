/**
 * Every login method — Universal Auth, Token Auth, the platform-JWT logins (GCP ID token, Kubernetes, OIDC, JWT) and
 * AWS IAM — against fake token routes, and the choice of method for each resolved `auth` option.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsCredentialsSource } from '../../src/infisical/auth/aws-credentials.source.js';
import { AwsIamLogin } from '../../src/infisical/auth/aws-iam.login.js';
import type { AwsCredentials } from '../../src/infisical/auth/aws-sigv4.js';
import { createLoginMethod, keylessLoginOf } from '../../src/infisical/auth/login-methods.js';
import { PlatformJwtLogin } from '../../src/infisical/auth/platform-jwt.login.js';
import { jwtLifetime, TokenAuthLogin } from '../../src/infisical/auth/token-auth.login.js';
import { UniversalAuthLogin } from '../../src/infisical/auth/universal-auth.login.js';
import type { KeylessLogin } from '../../src/infisical/errors/keyless-login.errors.js';
import type { ResolvedAuth } from '../../src/infisical/options/resolved-options.interface.js';
import { FakeTransport } from '../support/fakes/http-transport.fake.js';
import { FakeInfisicalApi, loginAnswer } from '../support/fakes/infisical-api.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const TARGET = { siteUrl: 'https://infisical.example', projectId: 'p', environment: 'prod', secretPath: '/' };
const IDENTITY = 'b0000000-0000-4000-8000-000000000001';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.c2lnbmF0dXJl';
const noMask = () => undefined;

/** Fake token routes whose logins answer `token-from-<path>`. */
function routes() {
  const fake = new FakeInfisicalApi();
  fake.onLogin = async (path) => loginAnswer(`token-from-${path}`, 600, 3600);
  return fake;
}

/** A JWT-shaped token with the given claims (unsigned: only its lifetime is read). */
const tokenWith = (claims: unknown) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('UniversalAuthLogin', () => {
  it('logs in with the client ID and secret, and gives the secret for masking', async () => {
    const method = new UniversalAuthLogin('client-id-1', 'client-secret-1');
    expect(method.label).toBe('Universal Auth');
    expect(method.canLogIn).toBe(true);
    expect(method.secrets).toEqual(['client-secret-1']);
    const fake = routes();
    const signal = new AbortController().signal;
    await expect(method.login(fake.api, TARGET, signal)).resolves.toEqual(loginAnswer('token-from-/api/v1/auth/universal-auth/login', 600, 3600));
    expect(fake.calls).toEqual([
      { operation: 'login', subject: '/api/v1/auth/universal-auth/login', body: { clientId: 'client-id-1', clientSecret: 'client-secret-1' }, target: TARGET, signal },
    ]);
  });
});

describe('jwtLifetime', () => {
  it('reads exp and iat without verifying anything', () => {
    expect(jwtLifetime(tokenWith({ exp: 2000, iat: 1000, sub: 'x' }))).toEqual({ exp: 2000, iat: 1000 });
  });

  it.each([
    ['no payload part', 'opaque-token'],
    ['an empty payload part', 'header..sig'],
    ['a payload that is not JSON', `a.${Buffer.from('not json').toString('base64url')}.c`],
    ['a payload that is JSON null', `a.${Buffer.from('null').toString('base64url')}.c`],
  ])('%s: nothing', (_name, token) => {
    expect(jwtLifetime(token)).toEqual({});
  });

  it('claims of another type count as absent', () => {
    expect(jwtLifetime(tokenWith({ exp: '2000', iat: null }))).toStrictEqual({ exp: undefined, iat: undefined });
  });
});

describe('TokenAuthLogin', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const nowSeconds = clock.now() / 1000;

  it('is the configured token, masked, and cannot log in by itself', () => {
    const method = new TokenAuthLogin('configured-token', clock);
    expect(method.label).toBe('Token Auth');
    expect(method.canLogIn).toBe(false);
    expect(method.secrets).toEqual(['configured-token']);
  });

  it('answers with the token and the lifetime its exp claim leaves, without asking the server', async () => {
    const token = tokenWith({ exp: nowSeconds + 90 });
    const fake = routes();
    await expect(new TokenAuthLogin(token, clock).login(fake.api)).resolves.toEqual({ accessToken: token, expiresInSeconds: 90, maxTtlSeconds: undefined });
    expect(fake.calls).toEqual([]);
  });

  it.each([
    ['already expired', tokenWith({ exp: nowSeconds - 1 })],
    ['expiring this very second', tokenWith({ exp: nowSeconds })],
    ['without exp', tokenWith({ iat: nowSeconds })],
    ['not a JWT', 'opaque-access-token'],
  ])('a token %s: no known lifetime', async (_name, token) => {
    await expect(new TokenAuthLogin(token, clock).login(routes().api)).resolves.toStrictEqual({ accessToken: token, expiresInSeconds: undefined, maxTtlSeconds: undefined });
  });
});

describe('PlatformJwtLogin', () => {
  const LOGIN: KeylessLogin = { method: 'oidc', label: 'OIDC Auth', identityId: IDENTITY };

  it('fetches the platform JWT with the caller\'s signal, masks it before sending, and logs in with the identity', async () => {
    const order: string[] = [];
    const signals: AbortSignal[] = [];
    const source = {
      token: async (signal: AbortSignal) => {
        signals.push(signal);
        order.push('token');
        return JWT;
      },
    };
    const method = new PlatformJwtLogin(LOGIN, '/api/v1/auth/oidc-auth/login', source);
    expect(method.label).toBe('OIDC Auth');
    expect(method.canLogIn).toBe(true);
    expect(method.secrets).toEqual([]);
    const fake = routes();
    const inner = fake.onLogin;
    fake.onLogin = (path, body) => {
      order.push('login');
      return inner(path, body);
    };
    const signal = new AbortController().signal;
    const answer = await method.login(fake.api, TARGET, signal, (secrets) => order.push(`mask ${secrets.join(',')}`));
    expect(answer.accessToken).toBe('token-from-/api/v1/auth/oidc-auth/login');
    expect(order).toEqual(['token', `mask ${JWT}`, 'login']);
    expect(signals).toEqual([signal]);
    expect(fake.calls).toEqual([{ operation: 'login', subject: '/api/v1/auth/oidc-auth/login', body: { identityId: IDENTITY, jwt: JWT }, target: TARGET, signal }]);
  });

  it('a platform that gives no JWT: no login is attempted', async () => {
    const failure = new Error('no token');
    const method = new PlatformJwtLogin(LOGIN, '/p', { token: () => Promise.reject(failure) });
    const fake = routes();
    await expect(method.login(fake.api, TARGET, new AbortController().signal, noMask)).rejects.toBe(failure);
    expect(fake.calls).toEqual([]);
  });
});

describe('AwsIamLogin', () => {
  const LOGIN: KeylessLogin = { method: 'aws-iam', label: 'AWS IAM Auth', identityId: IDENTITY };
  const KEYS: AwsCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const STS_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
  const fromB64 = (text: unknown) => Buffer.from(String(text), 'base64').toString('utf8');

  function setup(credentials: AwsCredentials, env: NodeJS.ProcessEnv) {
    const clock = new ManualClock(Date.UTC(2026, 11, 5, 6, 7, 8, 123));
    const signals: AbortSignal[] = [];
    const source = {
      credentials: async (signal: AbortSignal) => {
        signals.push(signal);
        return credentials;
      },
    } as unknown as AwsCredentialsSource;
    const method = new AwsIamLogin(LOGIN, '/api/v1/auth/aws-auth/login', source, clock, env);
    return { clock, method, signals, fake: routes() };
  }

  async function expectedAuthorization(credentials: AwsCredentials, region: string, date: Date): Promise<string> {
    const host = `sts.${region}.amazonaws.com`;
    const signer = new SignatureV4({ credentials, region, service: 'sts', sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
    const signed = await signer.sign(
      { method: 'POST', protocol: 'https:', hostname: host, path: '/', query: {}, headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Host: host }, body: STS_BODY },
      { signingDate: date },
    );
    return signed.headers['authorization']!;
  }

  it('sends a signed sts:GetCallerIdentity request for Infisical to replay, the secret key never', async () => {
    const { method, fake, signals, clock } = setup(KEYS, { AWS_REGION: 'eu-west-1' });
    expect(method.label).toBe('AWS IAM Auth');
    expect(method.canLogIn).toBe(true);
    expect(method.secrets).toEqual([]);
    const masked: string[][] = [];
    const signal = new AbortController().signal;
    await method.login(fake.api, TARGET, signal, (s) => masked.push(s));
    expect(signals).toEqual([signal]);
    expect(masked).toEqual([[KEYS.secretAccessKey]]);
    const call = fake.calls[0]!;
    expect(fake.calls).toHaveLength(1);
    expect(call).toMatchObject({ operation: 'login', subject: '/api/v1/auth/aws-auth/login', target: TARGET, signal });
    expect(Object.keys(call.body!).sort()).toEqual(['iamHttpRequestMethod', 'iamRequestBody', 'iamRequestHeaders', 'identityId']);
    expect(call.body).toMatchObject({ identityId: IDENTITY, iamHttpRequestMethod: 'POST' });
    expect(fromB64(call.body!.iamRequestBody)).toBe(STS_BODY);
    const headers = JSON.parse(fromB64(call.body!.iamRequestHeaders)) as Record<string, string>;
    expect(headers).toEqual({
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      Host: 'sts.eu-west-1.amazonaws.com',
      'X-Amz-Date': '20261205T060708Z',
      Authorization: await expectedAuthorization(KEYS, 'eu-west-1', new Date(clock.now())),
    });
    expect(JSON.stringify(call.body)).not.toContain(KEYS.secretAccessKey);
  });

  it('temporary credentials: the session token is masked and signed', async () => {
    const credentials = { ...KEYS, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN' };
    const { method, fake, clock } = setup(credentials, {});
    const masked: string[][] = [];
    await method.login(fake.api, TARGET, new AbortController().signal, (s) => masked.push(s));
    expect(masked).toEqual([[credentials.secretAccessKey, credentials.sessionToken]]);
    const headers = JSON.parse(fromB64(fake.calls[0]!.body!.iamRequestHeaders)) as Record<string, string>;
    expect(headers['X-Amz-Security-Token']).toBe(credentials.sessionToken);
    expect(headers.Authorization).toBe(await expectedAuthorization(credentials, 'us-east-1', new Date(clock.now())));
  });

  it.each([
    ['AWS_REGION, trimmed', { AWS_REGION: ' ap-south-1 ', AWS_DEFAULT_REGION: 'eu-central-1' }, 'ap-south-1'],
    ['AWS_DEFAULT_REGION when AWS_REGION is blank', { AWS_REGION: '  ', AWS_DEFAULT_REGION: ' eu-central-1 ' }, 'eu-central-1'],
    ['us-east-1 when neither is set', {}, 'us-east-1'],
    ['us-east-1 when both are blank', { AWS_REGION: '', AWS_DEFAULT_REGION: ' ' }, 'us-east-1'],
  ])('the STS region: %s', async (_name, env, region) => {
    const { method, fake } = setup(KEYS, env);
    await method.login(fake.api, TARGET, new AbortController().signal, noMask);
    const headers = JSON.parse(fromB64(fake.calls[0]!.body!.iamRequestHeaders)) as Record<string, string>;
    expect(headers.Host).toBe(`sts.${region}.amazonaws.com`);
    expect(headers.Authorization).toContain(`/20261205/${region}/sts/aws4_request,`);
  });

  it('signs with the time of the clock at each login', async () => {
    const { method, fake, clock } = setup(KEYS, {});
    await method.login(fake.api, TARGET, new AbortController().signal, noMask);
    clock.jump(3 * 24 * 3600 * 1000);
    await method.login(fake.api, TARGET, new AbortController().signal, noMask);
    const dates = fake.calls.map((c) => (JSON.parse(fromB64(c.body!.iamRequestHeaders)) as Record<string, string>)['X-Amz-Date']);
    expect(dates).toEqual(['20261205T060708Z', '20261208T060708Z']);
  });
});

describe('keylessLoginOf', () => {
  it('names the method and identity of a keyless login, nothing for Universal Auth and Token Auth', () => {
    expect(keylessLoginOf({ method: 'gcp-id-token', identityId: IDENTITY })).toEqual({ method: 'gcp-id-token', label: 'GCP ID Token Auth', identityId: IDENTITY });
    expect(keylessLoginOf({ method: 'kubernetes', identityId: IDENTITY, tokenPath: '/t' })).toEqual({ method: 'kubernetes', label: 'Kubernetes Auth', identityId: IDENTITY });
    expect(keylessLoginOf({ method: 'universal-auth', clientId: 'c', clientSecret: 's' })).toBeUndefined();
    expect(keylessLoginOf({ method: 'token', accessToken: 't' })).toBeUndefined();
  });
});

describe('createLoginMethod', () => {
  let dir: string;
  let tokenFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'login-methods-'));
    tokenFile = join(dir, 'token');
    await writeFile(tokenFile, `${JWT}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Logs in with the method made for `auth`; the platform endpoints answer through a fake transport. */
  async function loginWith(auth: ResolvedAuth, env: NodeJS.ProcessEnv = {}) {
    const clock = new ManualClock();
    const transport = new FakeTransport((request) =>
      request.url.includes('computeMetadata') ? { body: JWT } : { body: { AccessKeyId: 'ASIAROLE', SecretAccessKey: 'role-secret', Token: 'role-session' } },
    );
    const method = createLoginMethod(auth, clock, transport.settings(clock), env);
    const fake = routes();
    const masked: string[] = [];
    await method.login(fake.api, TARGET, new AbortController().signal, (s) => masked.push(...s));
    return { method, call: fake.calls[0]!, transport, masked };
  }

  it('universal-auth: the client ID and secret', async () => {
    const { method, call } = await loginWith({ method: 'universal-auth', clientId: 'client-1', clientSecret: 'secret-1' });
    expect(method).toBeInstanceOf(UniversalAuthLogin);
    expect(method.secrets).toEqual(['secret-1']);
    expect(call.body).toEqual({ clientId: 'client-1', clientSecret: 'secret-1' });
  });

  it('token: the configured token, with the clock', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const token = tokenWith({ exp: clock.now() / 1000 + 60 });
    const method = createLoginMethod({ method: 'token', accessToken: token }, clock, new FakeTransport().settings(clock));
    expect(method).toBeInstanceOf(TokenAuthLogin);
    await expect(method.login(routes().api, TARGET, new AbortController().signal, noMask)).resolves.toMatchObject({ accessToken: token, expiresInSeconds: 60 });
  });

  it('gcp-id-token: the ID token from the metadata server named by the environment given', async () => {
    const { method, call, transport, masked } = await loginWith({ method: 'gcp-id-token', identityId: IDENTITY }, { GCE_METADATA_HOST: 'metadata.test:8080' });
    expect(method).toBeInstanceOf(PlatformJwtLogin);
    expect(method.label).toBe('GCP ID Token Auth');
    expect(new URL(transport.only.url).host).toBe('metadata.test:8080');
    expect(call).toMatchObject({ subject: '/api/v1/auth/gcp-auth/login', body: { identityId: IDENTITY, jwt: JWT } });
    expect(masked).toEqual([JWT]);
  });

  it('kubernetes: the service-account token file', async () => {
    const { method, call, transport } = await loginWith({ method: 'kubernetes', identityId: IDENTITY, tokenPath: tokenFile });
    expect(method.label).toBe('Kubernetes Auth');
    expect(call).toMatchObject({ subject: '/api/v1/auth/kubernetes-auth/login', body: { identityId: IDENTITY, jwt: JWT } });
    expect(transport.requests).toEqual([]);
  });

  it.each([
    ['oidc', '/api/v1/auth/oidc-auth/login', 'OIDC Auth'],
    ['jwt', '/api/v1/auth/jwt-auth/login', 'JWT Auth'],
  ] as const)('%s: the JWT given, else the JWT file', async (name, path, label) => {
    const given = await loginWith({ method: name, identityId: IDENTITY, jwt: 'given.jwt.value', jwtFile: undefined });
    expect(given.method.label).toBe(label);
    expect(given.call).toMatchObject({ subject: path, body: { identityId: IDENTITY, jwt: 'given.jwt.value' } });
    const fromFile = await loginWith({ method: name, identityId: IDENTITY, jwt: undefined, jwtFile: tokenFile });
    expect(fromFile.call).toMatchObject({ subject: path, body: { identityId: IDENTITY, jwt: JWT } });
  });

  it('an empty JWT given is still the JWT given (not the file)', async () => {
    const { call } = await loginWith({ method: 'jwt', identityId: IDENTITY, jwt: '', jwtFile: join(dir, 'absent') });
    expect(call.body).toEqual({ identityId: IDENTITY, jwt: '' });
  });

  it('aws-iam: credentials from the environment given, region from it too', async () => {
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9911/creds', AWS_REGION: 'eu-west-3' };
    const { method, call, transport, masked } = await loginWith({ method: 'aws-iam', identityId: IDENTITY }, env);
    expect(method).toBeInstanceOf(AwsIamLogin);
    expect(method.label).toBe('AWS IAM Auth');
    expect(transport.only.url).toBe('http://127.0.0.1:9911/creds');
    expect(call).toMatchObject({ subject: '/api/v1/auth/aws-auth/login', body: { identityId: IDENTITY } });
    const headers = JSON.parse(Buffer.from(String(call.body!.iamRequestHeaders), 'base64').toString()) as Record<string, string>;
    expect(headers.Host).toBe('sts.eu-west-3.amazonaws.com');
    expect(headers.Authorization).toContain('Credential=ASIAROLE/');
    expect(masked).toEqual(['role-secret', 'role-session']);
  });
});
