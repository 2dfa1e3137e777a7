import { describe, expect, it } from '@jest/globals';
import { resolveAuth } from '../../src/infisical/options/auth.option.js';
import { OptionReader } from '../../src/infisical/options/option-readers.js';

const CLIENT_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const IDENTITY = 'b0000000-0000-4000-8000-000000000001';
const SHAPE_HINT =
  '{ <method>: { … } } with one method of universalAuth, gcpIdToken, kubernetes, oidc, jwt, awsIam, token — ' +
  'e.g. { gcpIdToken: { identityId } } or { universalAuth: { clientId, clientSecret } }';
const NOT_A_CLIENT_ID = (length: number, swapped = '') =>
  `auth.universalAuth.clientId: is not a UUID (it has ${length} characters), and every Universal Auth client ID is one (like ` +
  `1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d).${swapped} No login was attempted. Copy the Client ID from Infisical → ` +
  "Access Control → Machine Identities → <identity> → Universal Auth (the identity's name or ID is not its client ID)";
const NOT_AN_IDENTITY = (option: string, length: number) =>
  `auth.${option}.identityId: is not a UUID (it has ${length} characters), and every machine identity ID is one. Copy the identity's ID ` +
  'from Infisical → Access Control → Machine Identities → <identity> (not its name, not a client ID of Universal Auth)';
const ONE_JWT = (option: string, conjunction: 'or' | 'and') =>
  `auth.${option}.jwt: ${conjunction} auth.${option}.jwtFile: give exactly one — the JWT itself (INFISICAL_JWT) or a file the ` +
  'platform writes it to (INFISICAL_JWT_FILE, read again at every login)';

/** What `resolveAuth` returns for `value`, and the `option: problem` lines it reported. */
function resolve(value: unknown, required = true) {
  const reader = new OptionReader({});
  const auth = resolveAuth(reader, value, required);
  expect(reader.problems.every((p) => p.variable === undefined)).toBe(true);
  return { auth, problems: reader.problems.map((p) => `${p.option}: ${p.problem}`) };
}

describe('resolveAuth: the shape of the auth option', () => {
  it('absent: required when Infisical is enabled, naming the shape and the variables; nothing when it is not', () => {
    expect(resolve(undefined)).toEqual({
      auth: undefined,
      problems: [`auth: is required when Infisical is enabled — ${SHAPE_HINT} (INFISICAL_AUTH_METHOD, INFISICAL_CLIENT_ID / INFISICAL_CLIENT_SECRET)`],
    });
    expect(resolve(undefined, false)).toEqual({ auth: undefined, problems: [] });
  });

  it.each([
    ['a string, without printing it', 'client-secret', 'a string of 13 characters'],
    ['null', null, 'null'],
    ['an array', [{ universalAuth: {} }], 'a value of type array'],
    ['a number', 42, 'a value of type number'],
  ])('refuses %s, also when not required', (_name, value, described) => {
    for (const required of [true, false]) {
      expect(resolve(value, required)).toEqual({ auth: undefined, problems: [`auth: must be ${SHAPE_HINT} (got ${described})`] });
    }
  });

  it.each([
    ['no method', {}, 'no method'],
    ['only undefined methods', { universalAuth: undefined }, 'no method'],
    ['two methods', { universalAuth: { clientId: CLIENT_ID, clientSecret: 's' }, gcpIdToken: { identityId: IDENTITY } }, '"universalAuth", "gcpIdToken"'],
    ['an unknown method', { gcp: { identityId: IDENTITY } }, '"gcp"'],
    ['a known and an unknown method', { gcpIdToken: { identityId: IDENTITY }, colour: {} }, '"gcpIdToken", "colour"'],
    ['a long unknown name, cut to 40 characters', { ['m'.repeat(60)]: {} }, `"${'m'.repeat(40)}"`],
  ])('refuses %s', (_name, value, got) => {
    expect(resolve(value, false)).toEqual({ auth: undefined, problems: [`auth: must name exactly one login method — ${SHAPE_HINT} (got ${got})`] });
  });

  it('ignores methods given as undefined beside the one method', () => {
    expect(resolve({ universalAuth: undefined, gcpIdToken: { identityId: IDENTITY } })).toEqual({ auth: { method: 'gcp-id-token', identityId: IDENTITY }, problems: [] });
  });

  it.each([
    ['a string, without printing it', 'a-token', 'a string of 7 characters'],
    ['null', null, 'null'],
    ['a number', 7, 'a value of type number'],
  ])('refuses settings that are %s, naming the method', (_name, settings, described) => {
    expect(resolve({ gcpIdToken: settings })).toEqual({ auth: undefined, problems: [`auth.gcpIdToken: must be an object (got ${described})`] });
    expect(resolve({ token: settings }, false).problems).toEqual([`auth.token: must be an object (got ${described})`]);
  });
});

describe('resolveAuth: Universal Auth', () => {
  it('accepts a UUID client ID (any case) and a client secret', () => {
    expect(resolve({ universalAuth: { clientId: CLIENT_ID, clientSecret: 'the secret' } })).toEqual({
      auth: { method: 'universal-auth', clientId: CLIENT_ID, clientSecret: 'the secret' },
      problems: [],
    });
    expect(resolve({ universalAuth: { clientId: CLIENT_ID.toUpperCase(), clientSecret: 's' } }).auth).toEqual({ method: 'universal-auth', clientId: CLIENT_ID.toUpperCase(), clientSecret: 's' });
  });

  it('requires both when Infisical is enabled, naming the variables', () => {
    expect(resolve({ universalAuth: {} })).toEqual({
      auth: undefined,
      problems: [
        "auth.universalAuth.clientId: is required — the machine identity's client ID (INFISICAL_CLIENT_ID)",
        "auth.universalAuth.clientSecret: is required — the machine identity's client secret (INFISICAL_CLIENT_SECRET)",
      ],
    });
  });

  it('returns no login with only one of the two when not required, and reports nothing', () => {
    expect(resolve({ universalAuth: {} }, false)).toEqual({ auth: undefined, problems: [] });
    expect(resolve({ universalAuth: { clientId: CLIENT_ID } }, false)).toEqual({ auth: undefined, problems: [] });
    expect(resolve({ universalAuth: { clientSecret: 's' } }, false)).toEqual({ auth: undefined, problems: [] });
  });

  it('names a client ID of the wrong type, and a client secret of the wrong type without printing it', () => {
    expect(resolve({ universalAuth: { clientId: 42, clientSecret: 1234 } }).problems).toEqual([
      "auth.universalAuth.clientId: must be a string (got 42) — the machine identity's client ID (INFISICAL_CLIENT_ID)",
      "auth.universalAuth.clientSecret: must be a string (got a value of type number) — the machine identity's client secret (INFISICAL_CLIENT_SECRET)",
    ]);
  });

  it.each([
    ['a name', 'my-identity'],
    ['a UUID with a character before it', `x${CLIENT_ID}`],
    ['a UUID with a character after it', `${CLIENT_ID}x`],
    ['a UUID without dashes', CLIENT_ID.replaceAll('-', '')],
  ])('refuses a client ID that is %s, giving its length and where to copy the right one', (_name, clientId) => {
    expect(resolve({ universalAuth: { clientId, clientSecret: 'not-a-uuid' } })).toEqual({ auth: undefined, problems: [NOT_A_CLIENT_ID(clientId.length)] });
  });

  it('says the two may be swapped when the client secret is the UUID', () => {
    expect(resolve({ universalAuth: { clientId: 'secret-pasted-here', clientSecret: CLIENT_ID } }).problems).toEqual([
      NOT_A_CLIENT_ID(18, ' The client secret, on the other hand, looks like a UUID: the two may be swapped.'),
    ]);
    expect(resolve({ universalAuth: { clientId: 'secret-pasted-here' } }, false).problems).toEqual([NOT_A_CLIENT_ID(18)]);
  });
});

describe('resolveAuth: Token Auth', () => {
  it('accepts an access token as it is', () => {
    expect(resolve({ token: { accessToken: 'tok.en.value' } })).toEqual({ auth: { method: 'token', accessToken: 'tok.en.value' }, problems: [] });
  });

  it('requires it when Infisical is enabled, and returns no login without it otherwise', () => {
    expect(resolve({ token: {} })).toEqual({ auth: undefined, problems: ['auth.token.accessToken: is required — an identity access token (INFISICAL_TOKEN)'] });
    expect(resolve({ token: {} }, false)).toEqual({ auth: undefined, problems: [] });
  });

  it('names a token of the wrong type without printing it', () => {
    expect(resolve({ token: { accessToken: 12345 } }).problems).toEqual(['auth.token.accessToken: must be a string (got a value of type number) — an identity access token (INFISICAL_TOKEN)']);
  });

  it.each([
    ['a space', 'tok en'],
    ['a tab', 'tok\ten'],
    ['a control character', 'tok\u0001en'],
    ['a character beyond ASCII', 'tokén'],
  ])('refuses a token with %s inside', (_name, accessToken) => {
    expect(resolve({ token: { accessToken } }).problems).toEqual(['auth.token.accessToken: must not contain spaces or control characters']);
  });

  it('accepts every printable ASCII character', () => {
    const printable = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
    expect(resolve({ token: { accessToken: printable } })).toEqual({ auth: { method: 'token', accessToken: printable }, problems: [] });
  });
});

describe('resolveAuth: keyless login methods', () => {
  it.each([
    ['gcpIdToken', 'GCP ID Token Auth'],
    ['kubernetes', 'Kubernetes Auth'],
    ['oidc', 'OIDC Auth'],
    ['jwt', 'JWT Auth'],
    ['awsIam', 'AWS IAM Auth'],
  ])('%s: requires the identity ID when enabled, naming the method; no login and no problem otherwise', (option, label) => {
    expect(resolve({ [option]: {} })).toEqual({
      auth: undefined,
      problems: [`auth.${option}.identityId: is required — the ID of the machine identity that has ${label} (INFISICAL_IDENTITY_ID)`],
    });
    expect(resolve({ [option]: { jwt: 'a.b.c' } }, false)).toEqual({ auth: undefined, problems: [] });
  });

  it.each([
    ['gcpIdToken', 'GCP ID Token Auth'],
    ['kubernetes', 'Kubernetes Auth'],
    ['oidc', 'OIDC Auth'],
    ['awsIam', 'AWS IAM Auth'],
  ])('%s: refuses an identity ID that is no UUID, giving its length, or has whitespace around it', (option, label) => {
    expect(resolve({ [option]: { identityId: 'my-identity', jwt: 'a.b.c' } })).toEqual({ auth: undefined, problems: [NOT_AN_IDENTITY(option, 11)] });
    expect(resolve({ [option]: { identityId: `${IDENTITY} ` } })).toEqual({
      auth: undefined,
      problems: [`auth.${option}.identityId: has leading or trailing whitespace — the ID of the machine identity that has ${label} (INFISICAL_IDENTITY_ID)`],
    });
  });

  it('refuses an identity ID of the wrong type, naming it', () => {
    expect(resolve({ awsIam: { identityId: 42 } }).problems).toEqual(['auth.awsIam.identityId: must be a string (got 42) — the ID of the machine identity that has AWS IAM Auth (INFISICAL_IDENTITY_ID)']);
    expect(resolve({ awsIam: { identityId: `x${IDENTITY}` } }).problems).toEqual([NOT_AN_IDENTITY('awsIam', 37)]);
    expect(resolve({ awsIam: { identityId: `${IDENTITY}x` } }).problems).toEqual([NOT_AN_IDENTITY('awsIam', 37)]);
    expect(resolve({ awsIam: { identityId: IDENTITY.toUpperCase() } }).auth).toEqual({ method: 'aws-iam', identityId: IDENTITY.toUpperCase() });
  });

  it('GCP ID token and AWS IAM need nothing more', () => {
    expect(resolve({ gcpIdToken: { identityId: IDENTITY } })).toEqual({ auth: { method: 'gcp-id-token', identityId: IDENTITY }, problems: [] });
    expect(resolve({ awsIam: { identityId: IDENTITY } })).toEqual({ auth: { method: 'aws-iam', identityId: IDENTITY }, problems: [] });
  });

  it('Kubernetes: the service-account token path, by default the one Kubernetes mounts', () => {
    expect(resolve({ kubernetes: { identityId: IDENTITY } })).toEqual({
      auth: { method: 'kubernetes', identityId: IDENTITY, tokenPath: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
      problems: [],
    });
    expect(resolve({ kubernetes: { identityId: IDENTITY, tokenPath: '/run/token' } })).toEqual({ auth: { method: 'kubernetes', identityId: IDENTITY, tokenPath: '/run/token' }, problems: [] });
    expect(resolve({ kubernetes: { identityId: IDENTITY, tokenPath: 5 } }).problems).toEqual([
      'auth.kubernetes.tokenPath: must be a string (got 5) — a file path (INFISICAL_KUBERNETES_TOKEN_PATH)',
    ]);
  });

  it.each([
    ['oidc', 'oidc'],
    ['jwt', 'jwt'],
  ] as const)('%s: the JWT itself or a file holding it', (option, method) => {
    expect(resolve({ [option]: { identityId: IDENTITY, jwt: 'a.b.c' } })).toEqual({ auth: { method, identityId: IDENTITY, jwt: 'a.b.c', jwtFile: undefined }, problems: [] });
    expect(resolve({ [option]: { identityId: IDENTITY, jwtFile: '/run/jwt' } })).toEqual({ auth: { method, identityId: IDENTITY, jwt: undefined, jwtFile: '/run/jwt' }, problems: [] });
  });

  it.each(['oidc', 'jwt'])('%s: exactly one of the JWT and its file', (option) => {
    expect(resolve({ [option]: { identityId: IDENTITY } })).toEqual({ auth: undefined, problems: [ONE_JWT(option, 'or')] });
    expect(resolve({ [option]: { identityId: IDENTITY, jwt: 'a.b.c', jwtFile: '/run/jwt' } })).toEqual({ auth: undefined, problems: [ONE_JWT(option, 'and')] });
  });

  it('names a JWT that is not one printable word, or of the wrong type (without printing it), and a bad file path', () => {
    expect(resolve({ oidc: { identityId: IDENTITY, jwt: 'a.b c' } })).toEqual({
      auth: { method: 'oidc', identityId: IDENTITY, jwt: 'a.b c', jwtFile: undefined },
      problems: ['auth.oidc.jwt: must not contain spaces or control characters'],
    });
    expect(resolve({ jwt: { identityId: IDENTITY, jwt: 5, jwtFile: '/run/jwt' } }).problems).toEqual([
      'auth.jwt.jwt: must be a string (got a value of type number) — the JWT (INFISICAL_JWT)',
    ]);
    expect(resolve({ jwt: { identityId: IDENTITY, jwt: 'a.b.c', jwtFile: 7 } }).problems).toEqual([
      'auth.jwt.jwtFile: must be a string (got 7) — a file holding the JWT (INFISICAL_JWT_FILE)',
    ]);
  });
});
