import { describe, expect, it } from '@jest/globals';
import { InfisicalOptionsError, type InfisicalOptionProblem } from '../../src/infisical/errors/options.error.js';
import { infisicalOptionsFromEnv, type EnvironmentSource } from '../../src/infisical/options/options-from-env.js';

const CLIENT_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const IDENTITY = 'b0000000-0000-4000-8000-000000000001';
const PROJECT = '6f0c1a52-1111-4222-8333-444455556666';
const BASE = { INFISICAL_PROJECT_ID: PROJECT, INFISICAL_ENVIRONMENT: 'prod', INFISICAL_CLIENT_ID: CLIENT_ID, INFISICAL_CLIENT_SECRET: 'client-secret' };
const UNIVERSAL_AUTH = { universalAuth: { clientId: CLIENT_ID, clientSecret: 'client-secret' } };
const DISABLED = ' (or set INFISICAL_ENABLED=false to run on .env alone)';
const FLEET_KEY = 'fleet-key-from-the-secret-store-0123456789';
const PREVIOUS_FLEET_KEY = 'previous-fleet-key-from-the-store-0123456789';

const fromEnv = (env: Record<string, string | undefined>) => infisicalOptionsFromEnv({ ...BASE, ...env });

/** The problems the variables raise (fails the test when they are accepted). */
function problemsOf(env: Record<string, string | undefined>, base: Record<string, string> = BASE): InfisicalOptionProblem[] {
  let error: unknown;
  try {
    infisicalOptionsFromEnv({ ...base, ...env });
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(InfisicalOptionsError);
  const options = error as InfisicalOptionsError;
  expect(options.code).toBe('INFISICAL_INVALID_OPTIONS');
  expect(options.fix).toBe('set the variables named above in the environment or in .env.');
  return [...options.problems];
}

describe('infisicalOptionsFromEnv: INFISICAL_ENABLED (a boolean variable)', () => {
  it.each(['true', 'TRUE', '1', 'yes', 'Yes'])('%s is true', (text) => {
    expect(fromEnv({ INFISICAL_ENABLED: text })).toEqual({ enabled: true, projectId: PROJECT, environment: 'prod', auth: UNIVERSAL_AUTH });
  });

  it.each(['false', 'False', '0', 'no', 'NO'])('%s is false: no login, and neither project nor environment is required', (text) => {
    expect(infisicalOptionsFromEnv({ INFISICAL_ENABLED: text })).toEqual({ enabled: false });
    expect(fromEnv({ INFISICAL_ENABLED: text })).toEqual({ enabled: false, projectId: PROJECT, environment: 'prod' });
  });

  it('false ignores every login variable, even a method that does not exist or a mix of methods', () => {
    const logins = { INFISICAL_AUTH_METHOD: 'nope', INFISICAL_IDENTITY_ID: 'x', INFISICAL_JWT: 'a b', INFISICAL_TOKEN: 't', INFISICAL_CLIENT_ID: 'c' };
    expect(infisicalOptionsFromEnv({ INFISICAL_ENABLED: 'false', ...logins, INFISICAL_CACHE_TTL: '30' })).toEqual({ enabled: false, cacheTtlSeconds: 30 });
  });

  it.each([
    ['maybe', 'maybe'],
    ['ture', 'ture'],
    [' true', ' true'],
    ['a long value, cut to 40 characters', `${'y'.repeat(40)}zzz`],
  ])('refuses %s, naming the variable and the option, and still checks the rest as enabled', (_name, text) => {
    expect(problemsOf({ INFISICAL_ENABLED: text, INFISICAL_ENVIRONMENT: undefined })).toEqual([
      { option: 'enabled', variable: 'INFISICAL_ENABLED', problem: `must be true or false (got "${text.slice(0, 40)}")` },
      { option: 'environment', variable: 'INFISICAL_ENVIRONMENT', problem: `is required${DISABLED}` },
    ]);
  });
});

describe('infisicalOptionsFromEnv: the integer variables', () => {
  it.each([
    ['INFISICAL_CACHE_TTL', 'cacheTtlSeconds'],
    ['INFISICAL_STARTUP_TIMEOUT_MS', 'startupTimeoutMs'],
    ['INFISICAL_REQUEST_TIMEOUT_MS', 'requestTimeoutMs'],
    ['INFISICAL_MAX_STALE_SECONDS', 'maxStaleSeconds'],
  ])('%s sets %s as a number, spaces around it ignored', (variable, option) => {
    expect(fromEnv({ [variable]: '30' })[option as 'cacheTtlSeconds']).toBe(30);
    expect(fromEnv({ [variable]: ' 042 ' })[option as 'cacheTtlSeconds']).toBe(42);
  });

  it('reads fifteen digits', () => {
    expect(fromEnv({ INFISICAL_MAX_STALE_SECONDS: '000000000000100' }).maxStaleSeconds).toBe(100);
  });

  it.each([
    ['a word', 'soon'],
    ['a negative number', '-1'],
    ['a fraction', '1.5'],
    ['an exponent', '1e3'],
    ['a number with a word before it', 'x30'],
    ['a number with a word after it', '30s'],
    ['digits with a space inside', '3 0'],
    ['sixteen digits', '1234567890123456'],
    ['a long value, cut to 40 characters', '9'.repeat(50)],
  ])('refuses %s, naming the variable and the option', (_name, text) => {
    expect(problemsOf({ INFISICAL_STARTUP_TIMEOUT_MS: text })).toEqual([
      { option: 'startupTimeoutMs', variable: 'INFISICAL_STARTUP_TIMEOUT_MS', problem: `must be a whole number (got "${text.slice(0, 40)}")` },
    ]);
  });

  it('a whole number out of range fails as the option would, naming the variable first', () => {
    expect(problemsOf({ INFISICAL_CACHE_TTL: '3601' })).toEqual([
      { option: 'cacheTtlSeconds', variable: 'INFISICAL_CACHE_TTL', problem: 'must be an integer number of seconds from 0 to 3600 (got 3601)' },
    ]);
  });
});

describe('infisicalOptionsFromEnv: text, lists and folders', () => {
  it('maps every other variable to its option', () => {
    expect(
      fromEnv({
        INFISICAL_SITE_URL: 'https://eu.infisical.com',
        INFISICAL_SECRET_PATH: '/app',
        INFISICAL_CACHE_FILE: '/var/cache/infisical.snapshot',
        INFISICAL_CACHE_KEY: 'k'.repeat(32),
        INFISICAL_WEBHOOK_SECRET: 'whk',
        INFISICAL_WEBHOOK_PATH: '/hooks/infisical',
        INFISICAL_REDIS_URL: 'redis://10.0.0.3:6379',
        INFISICAL_FLEET_KEY: FLEET_KEY,
        INFISICAL_FLEET_PREVIOUS_KEY: PREVIOUS_FLEET_KEY,
        INFISICAL_FLEET_KEY_PREFIX: 'shop',
        INFISICAL_REQUIRED_KEYS: ' API_KEY ,, DB_URL,',
        INFISICAL_MIRROR_TO_PROCESS_ENV: 'DB_URL',
      }),
    ).toEqual({
      siteUrl: 'https://eu.infisical.com',
      projectId: PROJECT,
      environment: 'prod',
      auth: UNIVERSAL_AUTH,
      secretPath: '/app',
      persistentCache: { path: '/var/cache/infisical.snapshot', key: 'k'.repeat(32) },
      webhook: { secret: 'whk', path: '/hooks/infisical' },
      fleet: { redisUrl: 'redis://10.0.0.3:6379', key: FLEET_KEY, previousKey: PREVIOUS_FLEET_KEY, keyPrefix: 'shop' },
      requiredKeys: ['API_KEY', 'DB_URL'],
      mirrorToProcessEnv: ['DB_URL'],
    });
  });

  it('INFISICAL_SECRET_PATHS: one source per folder, trimmed, stray commas adding none', () => {
    expect(fromEnv({ INFISICAL_SECRET_PATHS: ' /shared ,, /payments,' }).sources).toEqual([{ secretPath: '/shared' }, { secretPath: '/payments' }]);
  });

  it('INFISICAL_SECRET_PATH and INFISICAL_SECRET_PATHS together fail, naming both', () => {
    expect(problemsOf({ INFISICAL_SECRET_PATH: '/app', INFISICAL_SECRET_PATHS: '/shared' })).toEqual([
      { option: 'secretPath', variable: 'INFISICAL_SECRET_PATH', problem: 'and INFISICAL_SECRET_PATHS are both set: keep one (INFISICAL_SECRET_PATHS lists several folders)' },
    ]);
  });

  it('a problem the options find names the variable of the option, also inside a list of folders', () => {
    expect(problemsOf({ INFISICAL_SECRET_PATHS: '/shared,payments' })).toEqual([
      { option: 'sources[1].secretPath', variable: 'INFISICAL_SECRET_PATHS', problem: 'must start with "/" (got "payments")' },
    ]);
  });
});

describe('infisicalOptionsFromEnv: where the variables come from', () => {
  it('reads a ConfigService (get), turning numbers into text and treating null and empty text as unset', () => {
    const values: Record<string, unknown> = { ...BASE, INFISICAL_CACHE_TTL: 30, INFISICAL_SITE_URL: null, INFISICAL_SECRET_PATH: '', INFISICAL_ENABLED: true };
    const config: EnvironmentSource = { get: (name: string) => values[name] };
    expect(infisicalOptionsFromEnv(config)).toEqual({ enabled: true, projectId: PROJECT, environment: 'prod', auth: UNIVERSAL_AUTH, cacheTtlSeconds: 30 });
  });

  it('treats empty text in a plain environment as unset', () => {
    expect(fromEnv({ INFISICAL_ENABLED: '', INFISICAL_SECRET_PATH: '', INFISICAL_SECRET_PATHS: '/a' })).toEqual({
      projectId: PROJECT,
      environment: 'prod',
      auth: UNIVERSAL_AUTH,
      sources: [{ secretPath: '/a' }],
    });
  });

  it('requires the project and the environment when enabled, naming each variable', () => {
    expect(problemsOf({}, { INFISICAL_TOKEN: 'tok.en' })).toEqual([
      { option: 'projectId', variable: 'INFISICAL_PROJECT_ID', problem: `is required${DISABLED}` },
      { option: 'environment', variable: 'INFISICAL_ENVIRONMENT', problem: `is required${DISABLED}` },
    ]);
  });
});

describe('infisicalOptionsFromEnv: the fleet from the environment alone', () => {
  const KEYLESS = { INFISICAL_PROJECT_ID: PROJECT, INFISICAL_ENVIRONMENT: 'prod', INFISICAL_AUTH_METHOD: 'gcp-id-token', INFISICAL_IDENTITY_ID: IDENTITY };

  it('a keyless login (gcp-id-token) with INFISICAL_REDIS_URL and INFISICAL_FLEET_KEY is a complete fleet set-up', () => {
    expect(infisicalOptionsFromEnv({ ...KEYLESS, INFISICAL_REDIS_URL: 'redis://10.0.0.3:6379', INFISICAL_FLEET_KEY: FLEET_KEY })).toEqual({
      projectId: PROJECT,
      environment: 'prod',
      auth: { gcpIdToken: { identityId: IDENTITY } },
      fleet: { redisUrl: 'redis://10.0.0.3:6379', key: FLEET_KEY },
    });
  });

  it.each([
    ['a keyless login', KEYLESS],
    ['Universal Auth (the client secret is no fleet key)', BASE],
  ])('with %s, INFISICAL_REDIS_URL without INFISICAL_FLEET_KEY fails naming the variable and where to keep the key', (_name, base) => {
    const problems = problemsOf({ INFISICAL_REDIS_URL: 'redis://10.0.0.3:6379' }, base);
    expect(problems).toEqual([
      {
        option: 'fleet.key',
        variable: 'INFISICAL_FLEET_KEY',
        problem: expect.stringMatching(/^is required whenever the fleet is on, with every login method: at least 32 random bytes, .*secret store.*INFISICAL_FLEET_KEY/),
      },
    ]);
  });

  it('a short or borrowed fleet key fails naming INFISICAL_FLEET_KEY (or INFISICAL_FLEET_PREVIOUS_KEY), never its value', () => {
    const redis = { INFISICAL_REDIS_URL: 'redis://10.0.0.3:6379' };
    expect(problemsOf({ ...redis, INFISICAL_FLEET_KEY: 'short-key' }).map((p) => p.variable)).toEqual(['INFISICAL_FLEET_KEY']);
    const borrowed = problemsOf({ ...redis, INFISICAL_CLIENT_SECRET: FLEET_KEY, INFISICAL_FLEET_KEY: FLEET_KEY });
    expect(borrowed.map((p) => [p.variable, p.option])).toEqual([['INFISICAL_FLEET_KEY', 'fleet.key']]);
    expect(JSON.stringify(borrowed)).not.toContain(FLEET_KEY);
    expect(problemsOf({ ...redis, INFISICAL_FLEET_KEY: FLEET_KEY, INFISICAL_FLEET_PREVIOUS_KEY: FLEET_KEY }).map((p) => p.variable)).toEqual(['INFISICAL_FLEET_PREVIOUS_KEY']);
    expect(problemsOf({ ...redis, INFISICAL_FLEET_KEY: FLEET_KEY, INFISICAL_FLEET_KEY_PREFIX: ' shop' }).map((p) => p.variable)).toEqual(['INFISICAL_FLEET_KEY_PREFIX']);
  });

  it('a webhook path without a secret, or a bad one, names the webhook variables', () => {
    expect(problemsOf({ INFISICAL_WEBHOOK_PATH: '/hooks' }).map((p) => p.variable)).toEqual(['INFISICAL_WEBHOOK_SECRET']);
    expect(problemsOf({ INFISICAL_WEBHOOK_SECRET: 'whk', INFISICAL_WEBHOOK_PATH: 'hooks' }).map((p) => p.variable)).toEqual(['INFISICAL_WEBHOOK_PATH']);
  });
});

describe('infisicalOptionsFromEnv: the login variables', () => {
  it.each([
    ['universal-auth', { INFISICAL_CLIENT_ID: CLIENT_ID, INFISICAL_CLIENT_SECRET: 's' }, { universalAuth: { clientId: CLIENT_ID, clientSecret: 's' } }],
    ['token', { INFISICAL_TOKEN: 'tok.en' }, { token: { accessToken: 'tok.en' } }],
    ['gcp-id-token', { INFISICAL_IDENTITY_ID: IDENTITY }, { gcpIdToken: { identityId: IDENTITY } }],
    ['KUBERNETES', { INFISICAL_IDENTITY_ID: IDENTITY }, { kubernetes: { identityId: IDENTITY } }],
    [' jwt ', { INFISICAL_IDENTITY_ID: IDENTITY, INFISICAL_JWT_FILE: '/run/jwt' }, { jwt: { identityId: IDENTITY, jwtFile: '/run/jwt' } }],
    ['aws-iam', { INFISICAL_IDENTITY_ID: IDENTITY }, { awsIam: { identityId: IDENTITY } }],
  ])('INFISICAL_AUTH_METHOD=%s reads only its variables into its auth option', (method, variables, auth) => {
    const env = { INFISICAL_PROJECT_ID: PROJECT, INFISICAL_ENVIRONMENT: 'prod', INFISICAL_AUTH_METHOD: method, ...variables };
    expect(infisicalOptionsFromEnv(env)).toEqual({ projectId: PROJECT, environment: 'prod', auth });
  });

  it('a login problem the options find names the variable of the method-specific option', () => {
    const env = { INFISICAL_PROJECT_ID: PROJECT, INFISICAL_ENVIRONMENT: 'prod', INFISICAL_AUTH_METHOD: 'oidc', INFISICAL_IDENTITY_ID: IDENTITY, INFISICAL_JWT: 'a.b c' };
    expect(problemsOf({}, env)).toEqual([{ option: 'auth.oidc.jwt', variable: 'INFISICAL_JWT', problem: 'must not contain spaces or control characters' }]);
  });

  it('stops at the login variables and the required ones before checking the options', () => {
    expect(problemsOf({ INFISICAL_CLIENT_ID: undefined, INFISICAL_CACHE_TTL: '3601' })).toEqual([
      {
        option: 'auth.universalAuth.clientId',
        variable: 'INFISICAL_CLIENT_ID',
        problem: `is required (Universal Auth is the default: for a keyless login set INFISICAL_AUTH_METHOD, e.g. gcp-id-token on Cloud Run)${DISABLED}`,
      },
    ]);
  });
});
