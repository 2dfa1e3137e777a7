import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signAwsRequest } from '../../src/infisical/auth/aws-sigv4.js';
import { DEV_IDENTITY, PROD_IDENTITY } from '../support/fixtures/test-seed.js';
import type { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { AWS_TEST_PRINCIPAL } from '../support/keyless/fake-aws-credentials.server.js';
import { startKeylessWorld, type KeylessWorld } from '../support/keyless/keyless-world.js';
import { jwtClaims, listPath, raw, REQ_ID, startTestServer, T0 } from './contract-helpers.js';

const GCP = '/api/v1/auth/gcp-auth/login';
const K8S = '/api/v1/auth/kubernetes-auth/login';
const OIDC = '/api/v1/auth/oidc-auth/login';
const JWT = '/api/v1/auth/jwt-auth/login';
const AWS = '/api/v1/auth/aws-auth/login';

describe('keyless login routes (Infisical identity-{gcp,kubernetes,oidc,jwt,aws}-auth)', () => {
  let server: LocalInfisicalServer;
  let world: KeylessWorld;
  const idToken = async (audience: string, format = 'full', flavor: string | null = 'Google') => {
    const res = await fetch(`http://${world.metadata.host}/computeMetadata/v1/instance/service-accounts/default/identity?audience=${audience}&format=${format}`, {
      headers: flavor ? { 'Metadata-Flavor': flavor } : {},
    });
    return { status: res.status, text: await res.text() };
  };
  const awsBody = (credentials: { accessKeyId: string; secretAccessKey: string }, region = 'us-east-1', date = new Date(T0)) => {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const headers = signAwsRequest({ method: 'POST', host: `sts.${region}.amazonaws.com`, path: '/', headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' }, body, region, service: 'sts', credentials, date });
    return { identityId: DEV_IDENTITY.id, iamHttpRequestMethod: 'POST', iamRequestBody: Buffer.from(body).toString('base64'), iamRequestHeaders: Buffer.from(JSON.stringify(headers)).toString('base64') };
  };

  beforeAll(async () => {
    server = await startTestServer();
    world = await startKeylessWorld(server, () => T0, DEV_IDENTITY.id);
  });
  afterAll(async () => {
    await world.close();
    await server.close();
  });

  it('fake metadata server: needs Metadata-Flavor: Google; issues an RS256 ID token for the audience, with email only for format=full', async () => {
    expect((await idToken(DEV_IDENTITY.id, 'full', null)).status).toBe(403);
    const full = await idToken(DEV_IDENTITY.id);
    expect(full.status).toBe(200);
    expect(jwtClaims(full.text)).toMatchObject({ iss: 'https://accounts.google.com', aud: DEV_IDENTITY.id, email: world.metadata.email, exp: T0 / 1000 + 3600 });
    expect(jwtClaims((await idToken(DEV_IDENTITY.id, 'standard')).text).email).toBeUndefined();
  });

  it('GCP ID Token Auth: { identityId, jwt } → the four token fields; the token reads secrets', async () => {
    const res = await raw(server, GCP, { body: { identityId: DEV_IDENTITY.id, jwt: (await idToken(DEV_IDENTITY.id)).text } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'accessTokenMaxTTL', 'expiresIn', 'tokenType']);
    expect(res.body.tokenType).toBe('Bearer');
    expect(jwtClaims(res.body.accessToken)).toMatchObject({ identityId: DEV_IDENTITY.id, authMethod: 'gcp-auth' });
    expect((await raw(server, listPath(), { token: res.body.accessToken })).status).toBe(200);
  });

  it.each([
    ['a token for another audience', async () => (await idToken(PROD_IDENTITY.id)).text, 401, 'Invalid GCP ID token'],
    ['a token signed by another key', async () => world.oidc.sign({ aud: DEV_IDENTITY.id, email: world.metadata.email }, { now: T0 }), 401, 'Invalid GCP ID token'],
    ['an expired token', async () => world.metadata.issuer.sign({ aud: DEV_IDENTITY.id, email: world.metadata.email }, { now: T0 - 7200_000 }), 401, 'Invalid GCP ID token'],
    ['a token without email (format=standard)', async () => (await idToken(DEV_IDENTITY.id, 'standard')).text, 401, 'GCP ID token is missing an email claim'],
    ['a service account outside the allow-list', async () => world.metadata.issuer.sign({ aud: DEV_IDENTITY.id, email: 'intruder@evil.iam.gserviceaccount.com' }, { now: T0 }), 401, 'Access denied: GCP service account not allowed.'],
  ])('GCP ID Token Auth refuses %s', async (_name, token, status, message) => {
    const res = await raw(server, GCP, { body: { identityId: DEV_IDENTITY.id, jwt: await token() } });
    expect({ status: res.status, message: res.body.message, error: res.body.error }).toEqual({ status, message, error: 'UnauthorizedError' });
    expect(res.body.reqId).toMatch(REQ_ID);
  });

  it.each([
    [GCP, 'GCP auth method not found for identity, did you configure GCP auth?'],
    [K8S, 'Kubernetes auth method not found for identity, did you configure Kubernetes auth?'],
    [OIDC, 'OIDC auth method not found for identity, did you configure OIDC auth?'],
    [JWT, 'JWT auth method not found for identity, did you configure JWT auth?'],
  ])('%s for an identity without the method → 404 "%s"', async (path, message) => {
    const res = await raw(server, path, { body: { identityId: PROD_IDENTITY.id, jwt: 'a.b.c' } });
    expect({ status: res.status, error: res.body.error, message: res.body.message }).toEqual({ status: 404, error: 'NotFound', message });
  });

  it('a missing field → 422 ValidationFailure', async () => {
    for (const path of [GCP, K8S, OIDC, JWT, AWS]) {
      const res = await raw(server, path, { body: { identityId: DEV_IDENTITY.id } });
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 422, error: 'ValidationFailure' });
    }
  });

  it('Kubernetes Auth: the service-account token of an allowed namespace and name logs in; others do not', async () => {
    const ok = await raw(server, K8S, { body: { identityId: DEV_IDENTITY.id, jwt: world.kubernetes.rotate() } });
    expect(ok.status).toBe(200);
    expect(jwtClaims(ok.body.accessToken).authMethod).toBe('kubernetes-auth');
    const otherNs = world.kubernetes.cluster.sign({ sub: 'system:serviceaccount:default:api' }, { now: T0 });
    expect((await raw(server, K8S, { body: { identityId: DEV_IDENTITY.id, jwt: otherNs } })).body.message).toBe('Access denied: K8s namespace not allowed.');
    const otherName = world.kubernetes.cluster.sign({ sub: 'system:serviceaccount:payments:worker' }, { now: T0 });
    expect((await raw(server, K8S, { body: { identityId: DEV_IDENTITY.id, jwt: otherName } })).body.message).toBe('Access denied: K8s name not allowed.');
    const forged = await raw(server, K8S, { body: { identityId: DEV_IDENTITY.id, jwt: world.oidc.sign({ sub: 'system:serviceaccount:payments:api' }, { now: T0 }) } });
    expect({ status: forged.status, error: forged.body.error, message: forged.body.message }).toEqual({ status: 401, error: 'KubernetesTokenReviewError', message: 'Kubernetes token not authenticated' });
  });

  it('OIDC Auth: issuer, subject and audience bindings', async () => {
    expect((await raw(server, OIDC, { body: { identityId: DEV_IDENTITY.id, jwt: world.ciToken(world.oidc) } })).status).toBe(200);
    const wrongAud = await raw(server, OIDC, { body: { identityId: DEV_IDENTITY.id, jwt: world.ciToken(world.oidc, { aud: 'https://elsewhere' }) } });
    expect({ status: wrongAud.status, message: wrongAud.body.message }).toEqual({ status: 401, message: 'Access denied: OIDC audience not allowed.' });
    const wrongSub = await raw(server, OIDC, { body: { identityId: DEV_IDENTITY.id, jwt: world.ciToken(world.oidc, { sub: 'repo:evil/app:ref:refs/heads/main' }) } });
    expect({ status: wrongSub.status, message: wrongSub.body.message }).toEqual({ status: 403, message: 'Access denied: OIDC subject not allowed.' });
    const expired = await raw(server, OIDC, { body: { identityId: DEV_IDENTITY.id, jwt: world.ciToken(world.oidc, { iat: T0 / 1000 - 7200, exp: T0 / 1000 - 60 }) } });
    expect({ status: expired.status, message: expired.body.message }).toEqual({ status: 401, message: 'Access denied: jwt expired' });
    const garbage = await raw(server, OIDC, { body: { identityId: DEV_IDENTITY.id, jwt: 'not-a-jwt' } });
    expect({ status: garbage.status, message: garbage.body.message }).toEqual({ status: 401, message: 'Invalid JWT' });
  });

  it('JWT Auth: static public keys, issuer and audience bindings', async () => {
    expect((await raw(server, JWT, { body: { identityId: DEV_IDENTITY.id, jwt: world.ciToken(world.jwt) } })).status).toBe(200);
    const otherKey = await raw(server, JWT, { body: { identityId: DEV_IDENTITY.id, jwt: world.ciToken(world.oidc) } });
    expect({ status: otherKey.status, message: otherKey.body.message }).toEqual({ status: 401, message: 'Access denied: JWT verification failed with all keys. Errors - invalid signature' });
    const wrongAud = await raw(server, JWT, { body: { identityId: DEV_IDENTITY.id, jwt: world.ciToken(world.jwt, { aud: 'x' }) } });
    expect({ status: wrongAud.status, message: wrongAud.body.message }).toEqual({ status: 401, message: 'Access denied: token audience not allowed' });
  });

  it('AWS IAM Auth: a SigV4-signed sts:GetCallerIdentity of an allowed principal logs in', async () => {
    const res = await raw(server, AWS, { body: awsBody(AWS_TEST_PRINCIPAL, 'eu-west-1') });
    expect(res.status).toBe(200);
    expect(jwtClaims(res.body.accessToken).authMethod).toBe('aws-auth');
  });

  it('AWS IAM Auth refuses a wrong signature, an unknown key, a stale signature, a foreign principal and a bad region', async () => {
    const wrongSecret = await raw(server, AWS, { body: awsBody({ ...AWS_TEST_PRINCIPAL, secretAccessKey: 'not-the-secret' }) });
    expect(wrongSecret.status).toBe(401);
    expect((await raw(server, AWS, { body: awsBody({ accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' }) })).status).toBe(401);
    expect((await raw(server, AWS, { body: awsBody(AWS_TEST_PRINCIPAL, 'us-east-1', new Date(T0 - 3600_000)) })).status).toBe(401);
    server.addAwsPrincipal({ ...AWS_TEST_PRINCIPAL, accessKeyId: 'AKIAFOREIGN', arn: 'arn:aws:iam::999999999999:user/bob', account: '999999999999' });
    const foreign = await raw(server, AWS, { body: awsBody({ ...AWS_TEST_PRINCIPAL, accessKeyId: 'AKIAFOREIGN' }) });
    expect({ status: foreign.status, message: foreign.body.message }).toEqual({ status: 401, message: 'Access denied: AWS account ID not allowed.' });
    const badRegion = await raw(server, AWS, { body: awsBody(AWS_TEST_PRINCIPAL, 'Not_A_Region') });
    expect({ status: badRegion.status, message: badRegion.body.message }).toEqual({ status: 400, message: 'Invalid AWS region' });
  });

  it('admin: attaching and removing a method over HTTP', async () => {
    const attach = await fetch(`${server.url}/__admin/identities/auth`, { method: 'POST', body: JSON.stringify({ identityId: PROD_IDENTITY.id, method: 'gcp-id-token' }) });
    expect(attach.status).toBe(200);
    expect((await raw(server, GCP, { body: { identityId: PROD_IDENTITY.id, jwt: (await idToken(PROD_IDENTITY.id)).text } })).status).toBe(200);
    await fetch(`${server.url}/__admin/identities/auth/remove`, { method: 'POST', body: JSON.stringify({ identityId: PROD_IDENTITY.id, method: 'gcp-id-token' }) });
    expect((await raw(server, GCP, { body: { identityId: PROD_IDENTITY.id, jwt: (await idToken(PROD_IDENTITY.id)).text } })).status).toBe(404);
  });
});
