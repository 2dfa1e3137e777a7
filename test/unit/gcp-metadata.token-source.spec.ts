/** The GCP metadata ID-token source, through a fake HTTP transport on a manual clock. */
import { describe, expect, it } from '@jest/globals';
import { GcpMetadataTokenSource } from '../../src/infisical/auth/gcp-metadata.token-source.js';
import { InfisicalTokenError } from '../../src/infisical/errors/authentication.errors.js';
import { InfisicalPlatformCredentialError, type KeylessLogin } from '../../src/infisical/errors/keyless-login.errors.js';
import { flushMicrotasks, failureOf as failureOfAny } from '../support/deferred.js';
import { FakeTransport, hang, networkError, type FakeRoute } from '../support/fakes/http-transport.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const LOGIN: KeylessLogin = { method: 'gcp-id-token', label: 'GCP ID Token Auth', identityId: 'b0000000-0000-4000-8000-000000000001' };
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl';
const TARGET = { siteUrl: 'https://infisical.example', projectId: 'p', environment: 'prod', secretPath: '/' };

function setup(route: FakeRoute, env: NodeJS.ProcessEnv = {}) {
  const clock = new ManualClock();
  const fake = new FakeTransport(route);
  const source = new GcpMetadataTokenSource(LOGIN, fake.settings(clock, { timeoutMs: 3000 }), env);
  return { clock, fake, source };
}
const failureOf = (promise: Promise<unknown>) => failureOfAny<InfisicalPlatformCredentialError>(promise);
const signal = () => new AbortController().signal;

describe('GcpMetadataTokenSource', () => {
  it('asks the metadata server for an ID token with the identity as audience, in full format', async () => {
    const { fake, source } = setup(() => ({ body: `${JWT}\n` }));
    const s = signal();
    await expect(source.token(s)).resolves.toBe(JWT);
    const request = fake.only;
    expect(request.method).toBe('GET');
    expect(request.url).toBe(
      `http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity?audience=${LOGIN.identityId}&format=full`,
    );
    expect(request.headers).toEqual({ accept: 'text/plain', 'metadata-flavor': 'Google' });
    expect(request.body).toBeUndefined();
  });

  it('GCE_METADATA_HOST (trimmed) replaces the host, read at each login; blank means the default', async () => {
    const env: NodeJS.ProcessEnv = { GCE_METADATA_HOST: ' 127.0.0.1:8080 ' };
    const { fake, source } = setup(() => ({ body: JWT }), env);
    expect(source.host).toBe('127.0.0.1:8080');
    await source.token(signal());
    env.GCE_METADATA_HOST = '  ';
    expect(source.host).toBe('metadata.google.internal');
    await source.token(signal());
    expect(fake.requests.map((r) => new URL(r.url).host)).toEqual(['127.0.0.1:8080', 'metadata.google.internal']);
  });

  it.each([
    [404, false],
    [499, false],
    [500, true],
    [503, true],
  ])('HTTP %s: metadata-refused, transient %s, naming the host', async (status, transient) => {
    const { source } = setup(() => ({ status, body: 'no service account' }));
    const error = await failureOf(source.token(signal()));
    expect(error).toBeInstanceOf(InfisicalPlatformCredentialError);
    expect(error.reason).toBe('metadata-refused');
    expect(error.transient).toBe(transient);
    expect(error.message).toContain(`(HTTP ${status})`);
    expect(error.detail).toMatchObject({ where: 'http://metadata.google.internal (GCE_METADATA_HOST not set, default)' });
  });

  it.each([
    ['an empty answer', ''],
    ['HTML', '<html>metadata</html>'],
    ['two parts', 'aaa.bbb'],
    ['four parts', 'a.b.c.d'],
    ['forbidden characters', 'a.b+c.d'],
    ['a JWT with text around it', `x ${JWT}`],
  ])('a 200 answer that is not a JWT (%s): metadata-refused, permanent', async (_name, body) => {
    const { source } = setup(() => ({ body }));
    const error = await failureOf(source.token(signal()));
    expect(error.reason).toBe('metadata-refused');
    expect(error.transient).toBe(false);
    expect(error.message).toContain('(the answer is not a JWT)');
  });

  it('no metadata server: metadata-unreachable, permanent, naming the host it tried', async () => {
    const { source } = setup(() => networkError('ENOTFOUND'), { GCE_METADATA_HOST: 'metadata.test' });
    const error = await failureOf(source.token(signal()));
    expect(error.reason).toBe('metadata-unreachable');
    expect(error.transient).toBe(false);
    expect(error.message).toContain('http://metadata.test (GCE_METADATA_HOST) did not answer (host name not found (ENOTFOUND))');
  });

  it('a metadata server that does not answer in time: metadata-unreachable, transient', async () => {
    const { source, clock } = setup(hang);
    const outcome = failureOf(source.token(signal()));
    await flushMicrotasks();
    clock.advance(3000);
    const error = await outcome;
    expect(error.reason).toBe('metadata-unreachable');
    expect(error.transient).toBe(true);
    expect(error.message).toContain('no complete answer within 3000 ms');
  });

  it('a cancellation by the module is that error, not a platform failure', async () => {
    const { source, fake } = setup(() => ({ body: JWT }));
    const controller = new AbortController();
    const deadline = new InfisicalTokenError(TARGET, 'expired');
    controller.abort(deadline);
    await expect(source.token(controller.signal)).rejects.toBe(deadline);
    expect(fake.requests).toEqual([]);
  });

  it('any other cancellation: metadata-unreachable, transient', async () => {
    const { source } = setup(() => ({ body: JWT }));
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const error = await failureOf(source.token(controller.signal));
    expect(error.reason).toBe('metadata-unreachable');
    expect(error.transient).toBe(true);
  });
});
