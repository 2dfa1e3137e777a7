import { describe, expect, it } from '@jest/globals';
import { infisicalOptionsFromEnv, InfisicalOptionsError, type InfisicalModuleOptions } from '../../src/infisical/index.js';
import { resolveInfisicalOptions } from '../../src/infisical/options/options.resolver.js';

const IDENTITY = 'b0000000-0000-4000-8000-000000000001';
const base = { INFISICAL_PROJECT_ID: '6f0c1a52-1111-4222-8333-444455556666', INFISICAL_ENVIRONMENT: 'prod' };
const fromEnv = (env: Record<string, string>) => infisicalOptionsFromEnv({ ...base, ...env });
const problemsFromEnv = (env: Record<string, string>): string[] => {
  try {
    fromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(InfisicalOptionsError);
    return (error as InfisicalOptionsError).problems.map((p) => `${p.variable ?? '-'} (${p.option}): ${p.problem}`);
  }
  throw new Error('expected the variables to be rejected');
};
const problemsOf = (auth: unknown): string[] => {
  try {
    resolveInfisicalOptions({ projectId: base.INFISICAL_PROJECT_ID, environment: 'prod', auth } as InfisicalModuleOptions);
  } catch (error) {
    return (error as InfisicalOptionsError).problems.map((p) => `${p.option}: ${p.problem}`);
  }
  throw new Error('expected the options to be rejected');
};

describe('keyless login options', () => {
  it.each([
    ['gcp-id-token', {}, { gcpIdToken: { identityId: IDENTITY } }],
    ['kubernetes', { INFISICAL_KUBERNETES_TOKEN_PATH: '/var/run/token' }, { kubernetes: { identityId: IDENTITY, tokenPath: '/var/run/token' } }],
    ['oidc', { INFISICAL_JWT: 'a.b.c' }, { oidc: { identityId: IDENTITY, jwt: 'a.b.c' } }],
    ['jwt', { INFISICAL_JWT_FILE: '/run/ci/token' }, { jwt: { identityId: IDENTITY, jwtFile: '/run/ci/token' } }],
    ['aws-iam', {}, { awsIam: { identityId: IDENTITY } }],
  ])('INFISICAL_AUTH_METHOD=%s maps to the auth option', (method, extra, auth) => {
    expect(fromEnv({ INFISICAL_AUTH_METHOD: method, INFISICAL_IDENTITY_ID: IDENTITY, ...extra }).auth).toEqual(auth);
  });

  it('keeps Universal Auth the default, and Token Auth when only INFISICAL_TOKEN is set', () => {
    expect(fromEnv({ INFISICAL_CLIENT_ID: IDENTITY, INFISICAL_CLIENT_SECRET: 'secret' }).auth).toEqual({ universalAuth: { clientId: IDENTITY, clientSecret: 'secret' } });
    expect(fromEnv({ INFISICAL_TOKEN: 'tok.en.value' }).auth).toEqual({ token: { accessToken: 'tok.en.value' } });
    expect(problemsFromEnv({})).toContain(
      'INFISICAL_CLIENT_ID (auth.universalAuth.clientId): is required (Universal Auth is the default: for a keyless login set INFISICAL_AUTH_METHOD, e.g. gcp-id-token on Cloud Run) (or set INFISICAL_ENABLED=false to run on .env alone)',
    );
  });

  it('names the variables of a mix that does not make sense', () => {
    expect(problemsFromEnv({ INFISICAL_AUTH_METHOD: 'gcp-id-token', INFISICAL_IDENTITY_ID: IDENTITY, INFISICAL_CLIENT_ID: IDENTITY, INFISICAL_CLIENT_SECRET: 's' })).toEqual([
      'INFISICAL_CLIENT_ID (auth): (and INFISICAL_CLIENT_SECRET) is set, but the login method is gcp-id-token (GCP ID Token Auth), which does not use it: remove it — gcp-id-token reads INFISICAL_IDENTITY_ID',
    ]);
    expect(problemsFromEnv({ INFISICAL_AUTH_METHOD: 'gcp-id-token' })).toEqual([
      'INFISICAL_IDENTITY_ID (auth.gcpIdToken.identityId): is required with INFISICAL_AUTH_METHOD=gcp-id-token (or set INFISICAL_ENABLED=false to run on .env alone)',
    ]);
    expect(problemsFromEnv({ INFISICAL_IDENTITY_ID: IDENTITY, INFISICAL_CLIENT_ID: IDENTITY, INFISICAL_CLIENT_SECRET: 's' })[0]).toMatch(
      /^INFISICAL_IDENTITY_ID \(auth\): is set, but the login method is universal-auth .*or set INFISICAL_AUTH_METHOD to the method you mean/,
    );
    expect(problemsFromEnv({ INFISICAL_AUTH_METHOD: 'gcp', INFISICAL_IDENTITY_ID: IDENTITY })).toEqual([
      'INFISICAL_AUTH_METHOD (auth): must be one of universal-auth, gcp-id-token, kubernetes, oidc, jwt, aws-iam, token (got "gcp")',
    ]);
    expect(problemsFromEnv({ INFISICAL_AUTH_METHOD: 'oidc', INFISICAL_IDENTITY_ID: IDENTITY })).toEqual([
      'INFISICAL_JWT (auth): or INFISICAL_JWT_FILE is required with INFISICAL_AUTH_METHOD=oidc: give exactly one (the JWT, or the file the platform writes it to)',
    ]);
    expect(problemsFromEnv({ INFISICAL_AUTH_METHOD: 'gcp-id-token', INFISICAL_IDENTITY_ID: 'my-identity' })).toEqual([
      expect.stringMatching(/^INFISICAL_IDENTITY_ID \(auth\.gcpIdToken\.identityId\): is not a UUID/),
    ]);
  });

  it('the auth option: defaults, one JWT source, a persistent cache needs its own key', () => {
    expect(resolveInfisicalOptions({ projectId: base.INFISICAL_PROJECT_ID, environment: 'prod', auth: { kubernetes: { identityId: IDENTITY } } }).auth).toEqual({
      method: 'kubernetes',
      identityId: IDENTITY,
      tokenPath: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    });
    expect(problemsOf({ jwt: { identityId: IDENTITY, jwt: 'a.b.c', jwtFile: '/f' } })).toEqual([expect.stringMatching(/^auth\.jwt\.jwt: and auth\.jwt\.jwtFile: give exactly one/)]);
    expect(problemsOf({ gcpIdToken: {} })).toEqual([expect.stringMatching(/^auth\.gcpIdToken\.identityId: is required — the ID of the machine identity that has GCP ID Token Auth \(INFISICAL_IDENTITY_ID\)/)]);
    expect(problemsOf({ gcp: { identityId: IDENTITY } })).toEqual([expect.stringMatching(/^auth: must name exactly one login method — .*gcpIdToken.* \(got "gcp"\)/)]);
    const cache = () => resolveInfisicalOptions({ projectId: base.INFISICAL_PROJECT_ID, environment: 'prod', auth: { gcpIdToken: { identityId: IDENTITY } }, persistentCache: { path: '/tmp/x' } });
    expect(cache).toThrow(/persistentCache\.key: is required with this login method .*INFISICAL_CACHE_KEY/);
  });
});
