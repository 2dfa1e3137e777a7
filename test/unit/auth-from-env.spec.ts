import { describe, expect, it } from '@jest/globals';
import type { InfisicalOptionProblem } from '../../src/infisical/errors/options.error.js';
import { authMethodFromEnv } from '../../src/infisical/options/auth-from-env.js';

const CLIENT_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const IDENTITY = 'b0000000-0000-4000-8000-000000000001';
const DISABLED = ' (or set INFISICAL_ENABLED=false to run on .env alone)';

/** The method the variables select (its `INFISICAL_AUTH_METHOD` name) and the problems reported. */
function methodOf(env: Record<string, string>) {
  const problems: InfisicalOptionProblem[] = [];
  const info = authMethodFromEnv((name) => env[name], problems);
  return { method: info?.method, problems };
}
const auth = (variable: string, problem: string): InfisicalOptionProblem => ({ option: 'auth', variable, problem });

describe('authMethodFromEnv: which login method', () => {
  it('Universal Auth by default, with its client ID and secret', () => {
    expect(methodOf({ INFISICAL_CLIENT_ID: CLIENT_ID, INFISICAL_CLIENT_SECRET: 's' })).toEqual({ method: 'universal-auth', problems: [] });
  });

  it('Token Auth when INFISICAL_TOKEN is the only login variable', () => {
    expect(methodOf({ INFISICAL_TOKEN: 'tok.en' })).toEqual({ method: 'token', problems: [] });
  });

  it.each([
    ['the client ID', { INFISICAL_CLIENT_ID: CLIENT_ID }],
    ['the client secret', { INFISICAL_CLIENT_SECRET: 's' }],
    ['both', { INFISICAL_CLIENT_ID: CLIENT_ID, INFISICAL_CLIENT_SECRET: 's' }],
  ])('INFISICAL_TOKEN beside %s of Universal Auth: no method, naming the mix', (_name, client) => {
    expect(methodOf({ INFISICAL_TOKEN: 'tok.en', ...client })).toEqual({
      method: undefined,
      problems: [auth('INFISICAL_TOKEN', 'and INFISICAL_CLIENT_ID / INFISICAL_CLIENT_SECRET are both set: use one login method')],
    });
  });

  it.each([
    ['gcp-id-token', 'gcp-id-token'],
    ['Kubernetes', 'kubernetes'],
    [' AWS-IAM ', 'aws-iam'],
  ])('INFISICAL_AUTH_METHOD=%s names it, in any case and with spaces around it', (text, method) => {
    expect(methodOf({ INFISICAL_AUTH_METHOD: text, INFISICAL_IDENTITY_ID: IDENTITY })).toEqual({ method, problems: [] });
  });

  it('INFISICAL_AUTH_METHOD=token reads INFISICAL_TOKEN even beside nothing else, and requires it', () => {
    expect(methodOf({ INFISICAL_AUTH_METHOD: 'token', INFISICAL_TOKEN: 'tok.en' })).toEqual({ method: 'token', problems: [] });
    expect(methodOf({ INFISICAL_AUTH_METHOD: 'token' })).toEqual({
      method: 'token',
      problems: [{ option: 'auth.token.accessToken', variable: 'INFISICAL_TOKEN', problem: `is required with INFISICAL_AUTH_METHOD=token${DISABLED}` }],
    });
  });

  it.each([
    ['a name it does not know', 'gcp', 'gcp'],
    ['a long name, cut to 40 characters', `${'x'.repeat(40)}yyyy`, 'x'.repeat(40)],
  ])('refuses %s, listing the methods', (_name, text, shown) => {
    expect(methodOf({ INFISICAL_AUTH_METHOD: text, INFISICAL_IDENTITY_ID: IDENTITY })).toEqual({
      method: undefined,
      problems: [auth('INFISICAL_AUTH_METHOD', `must be one of universal-auth, gcp-id-token, kubernetes, oidc, jwt, aws-iam, token (got "${shown}")`)],
    });
  });
});

describe('authMethodFromEnv: the variables the method needs', () => {
  it('Universal Auth by default: each missing variable, with a hint at the keyless methods', () => {
    const why = ' (Universal Auth is the default: for a keyless login set INFISICAL_AUTH_METHOD, e.g. gcp-id-token on Cloud Run)';
    expect(methodOf({})).toEqual({
      method: 'universal-auth',
      problems: [
        { option: 'auth.universalAuth.clientId', variable: 'INFISICAL_CLIENT_ID', problem: `is required${why}${DISABLED}` },
        { option: 'auth.universalAuth.clientSecret', variable: 'INFISICAL_CLIENT_SECRET', problem: `is required${why}${DISABLED}` },
      ],
    });
  });

  it('Universal Auth chosen by name: the missing variable, naming the method', () => {
    expect(methodOf({ INFISICAL_AUTH_METHOD: 'universal-auth', INFISICAL_CLIENT_ID: CLIENT_ID })).toEqual({
      method: 'universal-auth',
      problems: [
        { option: 'auth.universalAuth.clientSecret', variable: 'INFISICAL_CLIENT_SECRET', problem: `is required with INFISICAL_AUTH_METHOD=universal-auth${DISABLED}` },
      ],
    });
  });

  it.each([
    ['kubernetes', 'kubernetes'],
    ['aws-iam', 'awsIam'],
  ])('%s: the identity ID, under the method option', (method, option) => {
    expect(methodOf({ INFISICAL_AUTH_METHOD: method })).toEqual({
      method,
      problems: [{ option: `auth.${option}.identityId`, variable: 'INFISICAL_IDENTITY_ID', problem: `is required with INFISICAL_AUTH_METHOD=${method}${DISABLED}` }],
    });
  });

  it.each(['oidc', 'jwt'])('%s: exactly one of INFISICAL_JWT and INFISICAL_JWT_FILE', (method) => {
    const base = { INFISICAL_AUTH_METHOD: method, INFISICAL_IDENTITY_ID: IDENTITY };
    expect(methodOf({ ...base, INFISICAL_JWT: 'a.b.c' })).toEqual({ method, problems: [] });
    expect(methodOf({ ...base, INFISICAL_JWT_FILE: '/run/jwt' })).toEqual({ method, problems: [] });
    expect(methodOf(base)).toEqual({
      method,
      problems: [auth('INFISICAL_JWT', `or INFISICAL_JWT_FILE is required with INFISICAL_AUTH_METHOD=${method}: give exactly one (the JWT, or the file the platform writes it to)`)],
    });
    expect(methodOf({ ...base, INFISICAL_JWT: 'a.b.c', INFISICAL_JWT_FILE: '/run/jwt' })).toEqual({
      method,
      problems: [auth('INFISICAL_JWT', `and INFISICAL_JWT_FILE are both set with INFISICAL_AUTH_METHOD=${method}: give exactly one (the JWT, or the file the platform writes it to)`)],
    });
  });

  it('other methods do not ask for a JWT', () => {
    expect(methodOf({ INFISICAL_AUTH_METHOD: 'gcp-id-token', INFISICAL_IDENTITY_ID: IDENTITY })).toEqual({ method: 'gcp-id-token', problems: [] });
  });
});

describe('authMethodFromEnv: login variables the method does not read', () => {
  it('names the first (in the order of the methods) and lists the others, with the variables the method reads', () => {
    const env = { INFISICAL_AUTH_METHOD: 'kubernetes', INFISICAL_IDENTITY_ID: IDENTITY, INFISICAL_JWT: 'a.b.c', INFISICAL_CLIENT_ID: CLIENT_ID, INFISICAL_TOKEN: 't' };
    expect(methodOf(env)).toEqual({
      method: 'kubernetes',
      problems: [
        auth(
          'INFISICAL_CLIENT_ID',
          '(and INFISICAL_JWT, INFISICAL_TOKEN) is set, but the login method is kubernetes (Kubernetes Auth), which does not use it: remove it — ' +
            'kubernetes reads INFISICAL_IDENTITY_ID, INFISICAL_KUBERNETES_TOKEN_PATH',
        ),
      ],
    });
  });

  it('suggests INFISICAL_AUTH_METHOD when the method is the default', () => {
    expect(methodOf({ INFISICAL_CLIENT_ID: CLIENT_ID, INFISICAL_CLIENT_SECRET: 's', INFISICAL_JWT_FILE: '/run/jwt' })).toEqual({
      method: 'universal-auth',
      problems: [
        auth(
          'INFISICAL_JWT_FILE',
          'is set, but the login method is universal-auth (Universal Auth), which does not use it: remove it, or set INFISICAL_AUTH_METHOD to the method you mean — ' +
            'universal-auth reads INFISICAL_CLIENT_ID, INFISICAL_CLIENT_SECRET',
        ),
      ],
    });
  });
});
