import { describe, expect, it } from '@jest/globals';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { GeminiCredentials, InfisicalModule, InfisicalOptionsError, infisicalOptionsFromEnv } from '../../src/infisical/index.js';
import { INFISICAL_ENV_VARIABLES } from '../../src/infisical/options/env-variables.js';
import { resolveInfisicalOptions } from '../../src/infisical/options/options.resolver.js';
import { HOSTILE_CLIENT_ID, HOSTILE_CLIENT_SECRET, hostileOptions } from '../support/hostile-server/index.js';
import { LogCapture } from '../support/log-capture.js';

const SITE = { url: 'http://127.0.0.1:9' };
const URL_PASSWORD = 'hunter2-url-password';
const TOKEN = 'st.fuzz-access-token-0a9b8c7d6e5f';
const CACHE_KEY = 'fuzz-cache-key-material-0123456789abcdef';
const FLEET_KEY = 'fuzz-fleet-key-material-0123456789abcdef';
/** Strings that must never appear in an options error. */
const SECRETS = [HOSTILE_CLIENT_SECRET, URL_PASSWORD, TOKEN, CACHE_KEY, FLEET_KEY];

/** The error `run` throws: exactly one InfisicalOptionsError (never a TypeError), with no secret in it. */
function optionsErrorOf(run: () => unknown): InfisicalOptionsError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InfisicalOptionsError);
  const error = caught as InfisicalOptionsError;
  for (const secret of SECRETS) expect(`${error.message}\n${JSON.stringify(error)}`).not.toContain(secret);
  return error;
}

const arrow = () => ({});
const WRONG_BOOLEANS = ['true', 1, 0, null, Number.NaN, '', {}];
const wrongIntegers = (min: number, max: number) => [min - 1, max + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '60', '', null, {}];

/** Every option of the reference table of docs/configuration.md (plus healthMaxKeys and fetch) with values it must refuse. */
const BAD_OPTIONS: Array<[string, unknown[]]> = [
  ['enabled', WRONG_BOOLEANS],
  ['siteUrl', [42, '', ' ', 'garbage', 'ftp://infisical.example.com', `https://admin:${URL_PASSWORD}@infisical.example.com`, `https://:${URL_PASSWORD}@x.example`, 'https://app.infisical.com/api', 'https://app.infisical.com?x=1', Number.NaN, {}, null]],
  ['projectId', [42, ' padded ', Number.NaN, {}, null, '']],
  ['environment', ['Dev Env', ' dev', 5, Number.NaN, null, '', 'dev/../prod']],
  ['secretPath', ['no-slash', 7, Number.NaN, ' /', null]],
  ['recursive', WRONG_BOOLEANS],
  ['includeImports', WRONG_BOOLEANS],
  ['expandSecretReferences', WRONG_BOOLEANS],
  ['revokeTokenOnShutdown', WRONG_BOOLEANS],
  ['sources', ['/a', [], [null], [{ secretPath: 'x' }], [{ environment: 'Dev Env' }], [{ unknownField: 1 }], {}]],
  [
    'auth',
    [
      null,
      'universalAuth',
      42,
      {},
      { universalAuth: null },
      { universalAuth: { clientId: 'not-a-uuid', clientSecret: HOSTILE_CLIENT_SECRET } },
      { universalAuth: { clientId: HOSTILE_CLIENT_SECRET, clientSecret: HOSTILE_CLIENT_ID } },
      { universalAuth: { clientId: HOSTILE_CLIENT_ID, clientSecret: 42 } },
      { universalAuth: { clientId: HOSTILE_CLIENT_ID, clientSecret: '' } },
      { universalAuth: { clientId: HOSTILE_CLIENT_ID, clientSecret: ` ${HOSTILE_CLIENT_SECRET} ` } },
      { universalAuth: { clientId: HOSTILE_CLIENT_ID, clientSecret: HOSTILE_CLIENT_SECRET }, token: { accessToken: TOKEN } },
      { token: { accessToken: `${TOKEN} with spaces` } },
      { token: { accessToken: `${TOKEN}\r\n` } },
      { kubernetesAuth: {} },
    ],
  ],
  ['cacheTtlSeconds', wrongIntegers(0, 3600)],
  ['startupTimeoutMs', wrongIntegers(1, 600_000)],
  ['requestTimeoutMs', wrongIntegers(1, 600_000)],
  ['maxStaleSeconds', wrongIntegers(0, 31_536_000)],
  ['healthMaxKeys', wrongIntegers(0, 100_000)],
  ['schema', [arrow, 'AppEnvironment', 42, {}, null]],
  ['requiredKeys', ['A', [1], [''], [' A'], ['__proto__'], ['constructor'], null, Number.NaN]],
  ['persistentCache', ['file.bin', null, 42, { path: '' }, { path: 42 }, { path: '/tmp/lkg.bin', key: 'short' }, { path: '/tmp/lkg.bin', key: 42 }]],
  ['fetch', ['fetch', 42, {}, null]],
];

const short = (value: unknown) => (typeof value === 'function' ? 'an arrow function' : (JSON.stringify(value) ?? String(value))?.slice(0, 60));

/** Issue 16, Options: every bad option is one InfisicalOptionsError naming it. */
describe('options fuzzing', () => {
  describe.each(BAD_OPTIONS)('%s', (option, values) => {
    it.each(values.map((value) => [short(value), value]))('%s is refused by name', (_label, value) => {
      const error = optionsErrorOf(() => resolveInfisicalOptions({ ...hostileOptions(SITE), [option]: value }));
      expect(error.problems.length).toBeGreaterThanOrEqual(1);
      for (const problem of error.problems) expect(problem.option.startsWith(option) || problem.option.startsWith(`sources[`)).toBe(true);
      expect(error.message).toContain(`  - ${option}`);
    });
  });

  it('an unknown option is named (spelling)', () => {
    const error = optionsErrorOf(() => resolveInfisicalOptions({ ...hostileOptions(SITE), cacheTTL: 60 } as never));
    expect(error.names).toEqual(['cacheTTL']);
  });

  it('a siteUrl with credentials is refused without echoing them', () => {
    const error = optionsErrorOf(() => resolveInfisicalOptions({ ...hostileOptions(SITE), siteUrl: `https://admin:${URL_PASSWORD}@infisical.example.com` }));
    expect(error.message).toMatch(/siteUrl: must not contain credentials/);
    expect(error.message).not.toContain('admin');
  });
});

/** A valid environment for `infisicalOptionsFromEnv`, to spoil one variable at a time. */
const GOOD_ENV: Record<string, string> = {
  INFISICAL_SITE_URL: SITE.url,
  INFISICAL_CLIENT_ID: HOSTILE_CLIENT_ID,
  INFISICAL_CLIENT_SECRET: HOSTILE_CLIENT_SECRET,
  INFISICAL_PROJECT_ID: 'hostile-project',
  INFISICAL_ENVIRONMENT: 'dev',
};

/** Keyless cases leave out the Universal Auth pair of GOOD_ENV (empty = unset). */
const KEYLESS = { INFISICAL_CLIENT_ID: '', INFISICAL_CLIENT_SECRET: '' };
const IDENTITY_ID = 'b0000000-0000-4000-8000-000000000001';

/** Bad values per variable; each entry may set companions (e.g. a cache key needs a cache file). */
const BAD_VARIABLES: Record<string, Array<Record<string, string>>> = {
  INFISICAL_ENABLED: [{ INFISICAL_ENABLED: 'maybe' }, { INFISICAL_ENABLED: 'ture' }],
  INFISICAL_SITE_URL: [{ INFISICAL_SITE_URL: 'garbage' }, { INFISICAL_SITE_URL: `https://admin:${URL_PASSWORD}@infisical.example.com` }, { INFISICAL_SITE_URL: 'https://app.infisical.com/api' }],
  INFISICAL_CLIENT_ID: [{ INFISICAL_CLIENT_ID: 'not-a-uuid' }, { INFISICAL_CLIENT_ID: ` ${HOSTILE_CLIENT_ID}` }],
  INFISICAL_CLIENT_SECRET: [{ INFISICAL_CLIENT_SECRET: ` ${HOSTILE_CLIENT_SECRET} ` }],
  INFISICAL_TOKEN: [{ INFISICAL_TOKEN: TOKEN }],
  INFISICAL_PROJECT_ID: [{ INFISICAL_PROJECT_ID: ' hostile-project ' }],
  INFISICAL_ENVIRONMENT: [{ INFISICAL_ENVIRONMENT: 'Dev Env' }, { INFISICAL_ENVIRONMENT: 'dev/prod' }],
  INFISICAL_SECRET_PATH: [{ INFISICAL_SECRET_PATH: 'no-slash' }, { INFISICAL_SECRET_PATH: '/a', INFISICAL_SECRET_PATHS: '/b' }],
  INFISICAL_SECRET_PATHS: [{ INFISICAL_SECRET_PATHS: '/shared,no-slash' }],
  INFISICAL_CACHE_TTL: [{ INFISICAL_CACHE_TTL: '3601' }, { INFISICAL_CACHE_TTL: '-1' }, { INFISICAL_CACHE_TTL: 'NaN' }, { INFISICAL_CACHE_TTL: '1.5' }, { INFISICAL_CACHE_TTL: '99999999999999999999' }],
  INFISICAL_STARTUP_TIMEOUT_MS: [{ INFISICAL_STARTUP_TIMEOUT_MS: '0' }, { INFISICAL_STARTUP_TIMEOUT_MS: 'soon' }, { INFISICAL_STARTUP_TIMEOUT_MS: '600001' }],
  INFISICAL_REQUEST_TIMEOUT_MS: [{ INFISICAL_REQUEST_TIMEOUT_MS: '0' }, { INFISICAL_REQUEST_TIMEOUT_MS: '1e3' }],
  INFISICAL_MAX_STALE_SECONDS: [{ INFISICAL_MAX_STALE_SECONDS: '-1' }, { INFISICAL_MAX_STALE_SECONDS: 'forever' }],
  INFISICAL_PREVIOUS_VALUE_GRACE_SECONDS: [{ INFISICAL_PREVIOUS_VALUE_GRACE_SECONDS: '-1' }, { INFISICAL_PREVIOUS_VALUE_GRACE_SECONDS: '86401' }, { INFISICAL_PREVIOUS_VALUE_GRACE_SECONDS: 'five minutes' }],
  INFISICAL_CACHE_FILE: [{ INFISICAL_CACHE_FILE: ' /tmp/lkg.bin' }],
  INFISICAL_CACHE_KEY: [{ INFISICAL_CACHE_FILE: '/tmp/lkg.bin', INFISICAL_CACHE_KEY: 'short' }, { INFISICAL_CACHE_FILE: '/tmp/lkg.bin', INFISICAL_CACHE_KEY: CACHE_KEY.slice(0, 31) }],
  INFISICAL_REQUIRED_KEYS: [{ INFISICAL_REQUIRED_KEYS: 'A,__proto__' }],
  INFISICAL_MIRROR_TO_PROCESS_ENV: [{ INFISICAL_MIRROR_TO_PROCESS_ENV: 'A,constructor' }],
  INFISICAL_DYNAMIC_SECRETS: [{ INFISICAL_DYNAMIC_SECRETS: 'pg,pg' }, { INFISICAL_DYNAMIC_SECRETS: 'pg@db' }, { INFISICAL_DYNAMIC_SECRETS: 'p g' }],
  INFISICAL_AUTH_METHOD: [{ INFISICAL_AUTH_METHOD: 'ldap' }, { INFISICAL_AUTH_METHOD: 'GCP' }],
  INFISICAL_IDENTITY_ID: [{ ...KEYLESS, INFISICAL_AUTH_METHOD: 'gcp-id-token', INFISICAL_IDENTITY_ID: 'not-a-uuid' }],
  INFISICAL_JWT: [
    { ...KEYLESS, INFISICAL_AUTH_METHOD: 'oidc', INFISICAL_IDENTITY_ID: IDENTITY_ID, INFISICAL_JWT: 'a.b.c', INFISICAL_JWT_FILE: '/tmp/jwt' },
    { ...KEYLESS, INFISICAL_AUTH_METHOD: 'oidc', INFISICAL_IDENTITY_ID: IDENTITY_ID, INFISICAL_JWT: ' spaced ' },
  ],
  INFISICAL_JWT_FILE: [{ ...KEYLESS, INFISICAL_AUTH_METHOD: 'jwt', INFISICAL_IDENTITY_ID: IDENTITY_ID, INFISICAL_JWT_FILE: ' /tmp/jwt ' }],
  INFISICAL_KUBERNETES_TOKEN_PATH: [{ ...KEYLESS, INFISICAL_AUTH_METHOD: 'kubernetes', INFISICAL_IDENTITY_ID: IDENTITY_ID, INFISICAL_KUBERNETES_TOKEN_PATH: ' /var/token ' }],
  INFISICAL_WEBHOOK_SECRET: [{ INFISICAL_WEBHOOK_SECRET: ' webhook-secret-with-spaces ' }],
  INFISICAL_WEBHOOK_PATH: [{ INFISICAL_WEBHOOK_SECRET: 'webhook-secret', INFISICAL_WEBHOOK_PATH: 'no-slash' }],
  INFISICAL_REDIS_URL: [{ INFISICAL_REDIS_URL: 'http://127.0.0.1:6379' }, { INFISICAL_REDIS_URL: 'localhost:6379' }],
  INFISICAL_FLEET_KEY: [
    { INFISICAL_REDIS_URL: 'redis://127.0.0.1:6379' },
    { INFISICAL_REDIS_URL: 'redis://127.0.0.1:6379', INFISICAL_FLEET_KEY: FLEET_KEY.slice(0, 31) },
    { INFISICAL_REDIS_URL: 'redis://127.0.0.1:6379', INFISICAL_FLEET_KEY: HOSTILE_CLIENT_SECRET },
  ],
  INFISICAL_FLEET_PREVIOUS_KEY: [{ INFISICAL_REDIS_URL: 'redis://127.0.0.1:6379', INFISICAL_FLEET_KEY: FLEET_KEY, INFISICAL_FLEET_PREVIOUS_KEY: FLEET_KEY }],
  INFISICAL_FLEET_KEY_PREFIX: [{ INFISICAL_REDIS_URL: 'redis://127.0.0.1:6379', INFISICAL_FLEET_KEY: FLEET_KEY, INFISICAL_FLEET_KEY_PREFIX: ' shop ' }],
};

/** Issue 16, Options: every bad INFISICAL_* value names the variable first (and the option). */
describe('INFISICAL_* variable fuzzing', () => {
  it('the fuzz table covers every variable of INFISICAL_ENV_VARIABLES', () => {
    expect(Object.keys(BAD_VARIABLES).sort()).toEqual(INFISICAL_ENV_VARIABLES.map((v) => v.variable).sort());
  });

  const cases = Object.entries(BAD_VARIABLES).flatMap(([variable, envs]) => envs.map((env) => [variable, JSON.stringify(env).slice(0, 90), env] as const));
  it.each(cases)('%s: %s', (variable, _label, spoiled) => {
    const option = INFISICAL_ENV_VARIABLES.find((v) => v.variable === variable)!.option;
    const error = optionsErrorOf(() => infisicalOptionsFromEnv({ ...GOOD_ENV, ...spoiled }));
    const first = error.problems[0]!;
    expect(first.variable).toBe(variable);
    expect(error.names[0]).toBe(variable);
    expect(error.message).toContain(`  - ${variable} (option `);
    expect(first.option.replace(/\[\d+\].*$/, '')).toBe(option.startsWith('auth.') || option.startsWith('persistentCache.') ? first.option : option);
  });

  it('values that are not strings (from a ConfigService) are refused by name too', () => {
    const config = { get: (name: string) => ({ ...GOOD_ENV, INFISICAL_CACHE_TTL: Number.NaN })[name as 'INFISICAL_CACHE_TTL'] };
    const error = optionsErrorOf(() => infisicalOptionsFromEnv(config));
    expect(error.names).toEqual(['INFISICAL_CACHE_TTL']);
  });
});

/** Issue 16, Options: what reaches InfisicalModule itself, through a real Nest bootstrap. */
describe('module registration fuzzing', () => {
  async function bootstrapError(module: unknown): Promise<InfisicalOptionsError> {
    const outcome = await Test.createTestingModule({ imports: [ConfigModule.forRoot({ ignoreEnvFile: true }), module as never] })
      .setLogger(new LogCapture())
      .compile()
      .then(
        async (ref) => {
          await ref.close();
          return undefined;
        },
        (error: unknown) => error,
      );
    expect(outcome).toBeInstanceOf(InfisicalOptionsError);
    for (const secret of SECRETS) expect((outcome as Error).message).not.toContain(secret);
    return outcome as InfisicalOptionsError;
  }

  it.each([
    ['forRoot(null)', () => InfisicalModule.forRoot(null as never)],
    ['forRoot(undefined)', () => InfisicalModule.forRoot(undefined as never)],
    ['forRoot("options")', () => InfisicalModule.forRoot('options' as never)],
    ['forRootAsync(null)', () => InfisicalModule.forRootAsync(null as never)],
    ['useFactory returning null', () => InfisicalModule.forRootAsync({ useFactory: () => null as never })],
    ['useFactory returning undefined', () => InfisicalModule.forRootAsync({ useFactory: () => undefined as never })],
    ['useFactory returning a string', () => InfisicalModule.forRootAsync({ useFactory: () => 'infisical options' as never })],
    ['useFactory returning an array', () => InfisicalModule.forRootAsync({ useFactory: () => [1, 2] as never })],
  ])('%s: one error, "options must be an object"', async (_label, register) => {
    const error = await bootstrapError(register());
    expect(error.problems).toHaveLength(1);
    expect(error.names).toEqual(['options']);
    expect(error.message).toContain('must be an object');
  });

  it.each([
    ["credentials: 'Gemini'", () => InfisicalModule.forRoot({ ...hostileOptions(SITE), credentials: 'Gemini' as never }), 'credentials'],
    ['credentials: [GeminiCredentials, "Notion"]', () => InfisicalModule.forRoot({ ...hostileOptions(SITE), credentials: [GeminiCredentials, 'Notion' as never] }), 'credentials'],
    ['schema: an arrow function', () => InfisicalModule.forRoot({ ...hostileOptions(SITE), schema: arrow as never }), 'schema'],
    ['useFactory returning { credentials }', () => InfisicalModule.forRootAsync({ useFactory: () => ({ ...hostileOptions(SITE), credentials: [GeminiCredentials] }) as never }), 'credentials'],
    ['a siteUrl with credentials', () => InfisicalModule.forRoot({ ...hostileOptions(SITE), siteUrl: `https://admin:${URL_PASSWORD}@x.example` }), 'siteUrl'],
  ])('%s: an options error naming it, before any request', async (_label, register, name) => {
    const error = await bootstrapError(register());
    expect(error.names).toContain(name);
    expect(error.transient).toBe(false);
  });
});
