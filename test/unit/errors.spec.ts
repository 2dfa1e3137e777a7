import { describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import {
  InfisicalEnvironmentNotFoundError,
  InfisicalPermissionError,
  InfisicalProjectAccessError,
  InfisicalSecretPathNotFoundError,
} from '../../src/infisical/errors/access.errors.js';
import { InfisicalAuthenticationError, InfisicalIdentityLockedError, InfisicalTokenError } from '../../src/infisical/errors/authentication.errors.js';
import { InfisicalCacheError, InfisicalConfigValidationError, InfisicalSecretNotFoundError } from '../../src/infisical/errors/configuration.errors.js';
import { describeSources, describeTarget, describeTargets } from '../../src/infisical/errors/describe-target.js';
import { InfisicalError } from '../../src/infisical/errors/infisical.error.js';
import { InfisicalIdentityLoginError, InfisicalPlatformCredentialError, type KeylessLogin } from '../../src/infisical/errors/keyless-login.errors.js';
import { InfisicalOptionsError } from '../../src/infisical/errors/options.error.js';
import {
  InfisicalRateLimitError,
  InfisicalRequestError,
  InfisicalStartupTimeoutError,
  InfisicalUnreachableError,
} from '../../src/infisical/errors/transport.errors.js';

const target = { siteUrl: 'https://eu.infisical.test', projectId: 'proj-42', environment: 'prod', secretPath: '/app' };
const where = 'environment "prod" (project proj-42, path "/app")';
const gcp: KeylessLogin = { method: 'gcp-id-token', label: 'GCP ID Token Auth', identityId: 'id-7' };
const login = (method: KeylessLogin['method']): KeylessLogin => ({ method, label: `${method} auth`, identityId: 'id-7' });

/** Every variant of every error class, named. */
function everyError(): Record<string, InfisicalError> {
  const issue = { key: 'DB_URL', kind: 'malformed' as const, source: 'infisical', version: 3, messages: ['must be a URL', 'too short'], fix: 'correct it' };
  const errors: Record<string, InfisicalError> = {
    'project-not-found': new InfisicalProjectAccessError(target, 'project-not-found'),
    'not-a-member': new InfisicalProjectAccessError(target, 'not-a-member'),
    'no-secret-access': new InfisicalProjectAccessError(target, 'no-secret-access'),
    'environment-suggested': new InfisicalEnvironmentNotFoundError(target, ['dev', 'production'], 'production'),
    'environment-unknown': new InfisicalEnvironmentNotFoundError(target, undefined, undefined),
    'environment-none': new InfisicalEnvironmentNotFoundError(target, [], undefined),
    'path-plain': new InfisicalSecretPathNotFoundError(target),
    'path-suggested': new InfisicalSecretPathNotFoundError(target, '/apps', { parent: '/', folders: ['apps', 'web'] }),
    'path-no-subfolders': new InfisicalSecretPathNotFoundError(target, undefined, { parent: '/', folders: [] }),
    'environment-not-readable': new InfisicalPermissionError(target, ['A', 'B'], ['dev', 'staging']),
    'values-hidden': new InfisicalPermissionError(target, ['A', 'B'], [], 'values-hidden'),
    'identity-locked': new InfisicalIdentityLockedError(target),
    'token-expired': new InfisicalTokenError(target, 'expired'),
    'config-one': new InfisicalConfigValidationError('Infisical env', [{ key: 'A', kind: 'missing', messages: ['not set'], fix: 'add A' }]),
    'config-many': new InfisicalConfigValidationError(
      'Infisical env',
      [issue, { ...issue, key: 'X', source: 'somewhere', version: undefined }, { ...issue, key: 'Y', source: 'cache', version: 0 }, { ...issue, key: 'Z', source: 'env' }, { ...issue, key: 'D', source: 'default' }],
      'A note.',
    ),
    'secret-not-found': new InfisicalSecretNotFoundError('API_KEY', 'Infisical env'),
    cache: new InfisicalCacheError('/var/cache/lkg.json', 'it failed authentication'),
    'options-one': new InfisicalOptionsError([{ option: 'cacheTtlSeconds', problem: 'must be a number' }]),
    'options-env': new InfisicalOptionsError([
      { option: 'cacheTtlSeconds', variable: 'INFISICAL_CACHE_TTL', problem: 'must be a number' },
      { option: 'auth', problem: 'is missing' },
    ]),
    'rate-limited-after': new InfisicalRateLimitError(target, 30),
    'rate-limited': new InfisicalRateLimitError(target, undefined),
    request: new InfisicalRequestError(target, 400, 'Bad request'),
    'request-folders': new InfisicalRequestError(target, 403, 'Forbidden', 'folder listing'),
    'startup-timeout': new InfisicalStartupTimeoutError(target, 1500),
    'startup-timeout-sources': new InfisicalStartupTimeoutError(target, 1500, [target, { ...target, secretPath: '/b' }]),
    'login-not-configured': new InfisicalIdentityLoginError(target, gcp, 'method-not-configured', 400, ''),
    'login-not-configured-said': new InfisicalIdentityLoginError(target, gcp, 'method-not-configured', 404, 'No GCP auth'),
  };
  for (const reason of ['invalid-credentials', 'client-secret-expired', 'client-secret-exhausted', 'access-token-rejected', 'token-rejected', 'ip-not-allowed'] as const) {
    errors[`auth-${reason}`] = new InfisicalAuthenticationError(target, reason, 'client-id-1');
  }
  errors['auth-invalid-credentials-no-id'] = new InfisicalAuthenticationError(target, 'invalid-credentials');
  for (const reason of ['network', 'tls', 'timeout', 'server-error', 'not-infisical', 'invalid-response', 'redirect'] as const) {
    errors[`unreachable-${reason}`] = new InfisicalUnreachableError(target, reason, 'what happened');
  }
  const refusals: Array<[string, KeylessLogin, string]> = [
    ['sa', gcp, 'Service account not allowed'],
    ['project', gcp, 'GCP project not allowed'],
    ['zone', gcp, 'zone not allowed'],
    ['principal', login('aws-iam'), 'Principal ARN not allowed'],
    ['account', login('aws-iam'), 'Account ID not allowed'],
    ['expired-oidc', login('oidc'), 'jwt expired'],
    ['expired-jwt', login('jwt'), 'Token EXPIRED'],
    ['expired-k8s', login('kubernetes'), 'token expired'],
    ['gcp', gcp, 'audience mismatch'],
    ['kubernetes', login('kubernetes'), 'denied'],
    ['aws', login('aws-iam'), 'denied'],
    ['oidc', login('oidc'), 'denied'],
    ['jwt', login('jwt'), ''],
  ];
  for (const [name, l, said] of refusals) errors[`login-rejected-${name}`] = new InfisicalIdentityLoginError(target, l, 'rejected', 401, said);
  const facts = { where: 'metadata.google.internal', detail: 'ENOTFOUND' };
  for (const reason of [
    'metadata-unreachable',
    'metadata-refused',
    'token-file-missing',
    'token-file-unreadable',
    'token-file-empty',
    'aws-credentials-missing',
    'aws-credentials-endpoint',
  ] as const) {
    errors[`credential-${reason}`] = new InfisicalPlatformCredentialError(gcp, reason, facts);
  }
  return errors;
}

describe('every error class', () => {

  it('is an InfisicalError named after its class, with the message made of problem and fix', () => {
    const errors = everyError();
    for (const [name, error] of Object.entries(errors)) {
      expect(error).toBeInstanceOf(InfisicalError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(error.constructor.name);
      expect(error.problem.length).toBeGreaterThan(10);
      expect(error.message).toBe(error.fix ? `${error.problem} Fix: ${error.fix}` : error.problem);
      expect(error.stack?.startsWith(`${error.name}: ${error.message.split('\n')[0]}`)).toBe(true);
      expect(typeof error.detail).toBe('object');
      if (name !== 'config-one' && name !== 'config-many') expect(error.fix.length).toBeGreaterThan(10);
    }
  });

  it('has a stable code per class', () => {
    const errors = everyError();
    const codes = Object.fromEntries(Object.values(errors).map((e) => [e.name, e.code]));
    expect(codes).toEqual({
      InfisicalProjectAccessError: 'INFISICAL_PROJECT_ACCESS',
      InfisicalEnvironmentNotFoundError: 'INFISICAL_ENVIRONMENT_NOT_FOUND',
      InfisicalSecretPathNotFoundError: 'INFISICAL_SECRET_PATH_NOT_FOUND',
      InfisicalPermissionError: 'INFISICAL_ENVIRONMENT_NOT_READABLE',
      InfisicalAuthenticationError: 'INFISICAL_AUTH_FAILED',
      InfisicalIdentityLockedError: 'INFISICAL_IDENTITY_LOCKED',
      InfisicalTokenError: 'INFISICAL_TOKEN_REJECTED',
      InfisicalConfigValidationError: 'INFISICAL_CONFIG_INVALID',
      InfisicalSecretNotFoundError: 'INFISICAL_SECRET_NOT_FOUND',
      InfisicalCacheError: 'INFISICAL_CACHE_REJECTED',
      InfisicalOptionsError: 'INFISICAL_INVALID_OPTIONS',
      InfisicalRateLimitError: 'INFISICAL_RATE_LIMITED',
      InfisicalRequestError: 'INFISICAL_REQUEST_FAILED',
      InfisicalStartupTimeoutError: 'INFISICAL_STARTUP_TIMEOUT',
      InfisicalUnreachableError: 'INFISICAL_UNREACHABLE',
      InfisicalIdentityLoginError: 'INFISICAL_IDENTITY_LOGIN_REFUSED',
      InfisicalPlatformCredentialError: 'INFISICAL_PLATFORM_CREDENTIAL_UNAVAILABLE',
    });
  });

  it('is transient only where a later attempt may succeed unchanged', () => {
    const errors = everyError();
    const transient = Object.entries(errors)
      .filter(([, e]) => e.transient)
      .map(([name]) => name)
      .sort();
    expect(transient).toEqual(
      [
        'token-expired',
        'rate-limited-after',
        'rate-limited',
        'startup-timeout',
        'startup-timeout-sources',
        ...['network', 'tls', 'timeout', 'server-error', 'not-infisical', 'invalid-response'].map((r) => `unreachable-${r}`),
      ].sort(),
    );
    expect(new InfisicalPlatformCredentialError(gcp, 'metadata-unreachable', { where: 'h', detail: 'd' }, true).transient).toBe(true);
  });

  it('prints as name, message and stack under inspect, without dumping its fields', () => {
    const errors = everyError();
    const error = errors['auth-invalid-credentials']!;
    const printed = inspect(error);
    expect(printed).toBe(error.stack);
    expect(printed).not.toContain('detail');
    expect(inspect({ wrapped: error })).toContain('InfisicalAuthenticationError: Infisical at https://eu.infisical.test rejected');
  });

  it('falls back to "name: message" under inspect when there is no stack', () => {
    const error = new InfisicalCacheError('/f', 'why');
    error.stack = undefined;
    expect(inspect(error)).toBe(`InfisicalCacheError: ${error.message}`);
  });

  it('carries its facts as JSON fields, never a credential', () => {
    const errors = everyError();
    const error = new InfisicalAuthenticationError(target, 'invalid-credentials', 'client-id-1');
    const json = JSON.parse(JSON.stringify(error));
    expect(json).toMatchObject({ code: 'INFISICAL_AUTH_FAILED', transient: false, reason: 'invalid-credentials', detail: { siteUrl: target.siteUrl, reason: 'invalid-credentials', clientId: 'client-id-1' } });
    expect(new InfisicalAuthenticationError(target, 'client-secret-expired').detail).toEqual({ siteUrl: target.siteUrl, reason: 'client-secret-expired' });
    const secret = 'st.client-secret-never-shown';
    for (const e of Object.values(errors)) {
      for (const text of [e.message, inspect(e), JSON.stringify(e)]) expect(text).not.toContain(secret);
    }
  });

  it('adds a note to the message and the stack, and returns the same error', () => {
    const error = new InfisicalRequestError(target, 400, 'Bad');
    expect(error.withNote('The snapshot was rejected too.')).toBe(error);
    expect(error.message.endsWith('\nThe snapshot was rejected too.')).toBe(true);
    expect(error.stack).toBe(`InfisicalRequestError: ${error.message}`);
    const stackless = new InfisicalRequestError(target, 400, 'Bad');
    stackless.stack = undefined;
    stackless.withNote('n');
    expect(stackless.stack).toBeUndefined();
    expect(stackless.message.endsWith('\nn')).toBe(true);
  });
});

describe('describeTarget / describeSources', () => {
  it('names the place without credentials', () => {
    expect(describeTarget(target)).toBe(where);
    expect(describeSources([target])).toBe(where);
    expect(describeSources([target, { ...target, environment: 'dev', secretPath: '/' }])).toBe(
      `sources #1 ${where}, #2 environment "dev" (project proj-42, path "/")`,
    );
    expect(describeTargets([target])).toBe(`Infisical ${where}`);
    expect(describeTargets([target, target])).toBe(`Infisical sources #1 ${where}, #2 ${where}`);
  });
});

describe('access errors', () => {
  it('explain each project-access failure with its own fix', () => {
    const e = everyError();
    expect(e['project-not-found']!.problem).toBe('Project proj-42 does not exist on https://eu.infisical.test.');
    expect(e['project-not-found']!.fix).toContain('a UUID, not the project\'s name or slug — and check that INFISICAL_SITE_URL');
    expect(e['not-a-member']!.problem).toBe('The machine identity is not a member of project proj-42 (or the project belongs to another organization).');
    expect(e['not-a-member']!.fix).toContain('Machine Identities → Add');
    expect(e['no-secret-access']!.problem).toBe(`The machine identity is a member of project proj-42, but its project role may not read secrets for ${where}.`);
    expect(e['no-secret-access']!.fix).toContain('"Read" on secrets in "prod"');
    expect(e['not-a-member']!.detail).toEqual({ siteUrl: target.siteUrl, projectId: 'proj-42', environment: 'prod', secretPath: '/app', reason: 'not-a-member' });
  });

  it('name the project environments and the closest slug', () => {
    const e = everyError();
    expect(e['environment-suggested']!.problem).toBe(
      'Infisical environment "prod" was not found in project proj-42. Did you mean "production"? The project\'s environments are: "dev", "production".',
    );
    expect(e['environment-unknown']!.problem).toBe('Infisical environment "prod" was not found in project proj-42.');
    expect(e['environment-none']!.problem).toBe(e['environment-unknown']!.problem);
    expect(e['environment-suggested']!.fix).toBe("set environment (INFISICAL_ENVIRONMENT) to the environment's slug, not its display name.");
    expect(e['environment-suggested']!.detail).toEqual({ projectId: 'proj-42', environment: 'prod', availableEnvironments: ['dev', 'production'], suggestion: 'production' });
  });

  it('name the missing folder, the closest one and the folders that exist', () => {
    const e = everyError();
    const head = 'Infisical folder "/app" was not found in environment "prod" of project proj-42.';
    expect(e['path-plain']!.problem).toBe(head);
    expect(e['path-suggested']!.problem).toBe(`${head} Did you mean "/apps"? Folders in "/": "apps", "web".`);
    expect(e['path-no-subfolders']!.problem).toBe(`${head} "/" has no sub-folders.`);
    expect(e['path-plain']!.fix).toContain('paths start with "/" and are case-sensitive');
    expect(e['path-suggested']!.detail).toEqual({ projectId: 'proj-42', environment: 'prod', secretPath: '/app', suggestion: '/apps' });
  });

  it('tell an unreadable environment from hidden values', () => {
    const e = everyError();
    expect(e['environment-not-readable']!.problem).toBe(
      `The machine identity cannot read secrets in ${where}: Infisical returned none of A, B there, while the same identity can read "dev", "staging". ` +
        'Infisical hides secrets the identity may not read instead of refusing.',
    );
    expect(e['environment-not-readable']!.fix).toBe(
      'give the identity\'s project role "Read" on secrets in "prod" (Project → Access Control), or point INFISICAL_ENVIRONMENT at an environment it may read.',
    );
    expect(e['values-hidden']!.problem).toBe(
      `Infisical returned A, B for ${where} but hid the values: the machine identity may see these keys but not read their values.`,
    );
    expect(e['values-hidden']!.fix).toBe('give the identity\'s project role "Read Value" on secrets in "prod".');
    expect(e['values-hidden']!.detail).toEqual({ ...target, missingKeys: ['A', 'B'], readableEnvironments: [], reason: 'values-hidden' });
    expect((e['environment-not-readable'] as InfisicalPermissionError).reason).toBe('environment-not-readable');
  });
});

describe('authentication errors', () => {
  it('explain each login refusal', () => {
    const e = everyError();
    const site = 'Infisical at https://eu.infisical.test';
    expect(e['auth-invalid-credentials']!.problem).toBe(
      `${site} rejected the machine identity: "Invalid credentials". Infisical gives this same answer for an unknown client ID and for a wrong, revoked or deleted client secret.`,
    );
    expect(e['auth-invalid-credentials']!.fix).toBe(
      'in Infisical → Access Control → Machine Identities, look for the identity whose Universal Auth Client ID is client-id-1. ' +
        'No identity has it → the client ID is wrong: copy the Client ID into auth.universalAuth.clientId (INFISICAL_CLIENT_ID). ' +
        'One has it → the client secret is wrong or was revoked: create a new client secret there and set auth.universalAuth.clientSecret ' +
        '(INFISICAL_CLIENT_SECRET). Do not retry with guesses: repeated wrong client secrets lock the identity (by default 3 within 30 s lock it for 5 minutes).',
    );
    expect(e['auth-invalid-credentials-no-id']!.fix).toContain('Client ID is INFISICAL_CLIENT_ID. No identity');
    expect(e['auth-client-secret-expired']!.problem).toBe(`${site} rejected the machine identity: the client secret has expired (its TTL elapsed) and Infisical has now revoked it.`);
    expect(e['auth-client-secret-expired']!.fix).toContain('in Infisical → Access Control → Machine Identities → <identity> → Universal Auth, create a new client secret — for a long-running service with TTL 0');
    expect(e['auth-client-secret-exhausted']!.problem).toContain('reached its usage limit (every login uses one)');
    expect(e['auth-client-secret-exhausted']!.fix).toContain('max number of uses 0 (unlimited)');
    expect(e['auth-access-token-rejected']!.problem).toBe(`${site} refused an access token it had just issued (login works, reading with the token does not).`);
    expect(e['auth-access-token-rejected']!.fix).toContain('"Access Token Max Number of Uses" (0 = unlimited for a long-running app), "Access Token Trusted IPs"');
    expect(e['auth-token-rejected']!.problem).toContain('rejected the configured access token (Token Auth)');
    expect(e['auth-token-rejected']!.fix).toContain('set auth.token.accessToken (INFISICAL_TOKEN)');
    expect(e['auth-ip-not-allowed']!.problem).toContain("refused the login from this machine's IP address");
    expect(e['auth-ip-not-allowed']!.fix).toContain('"Client Secret Trusted IPs" / "Access Token Trusted IPs"');
  });

  it('explain a lockout and a rejected token', () => {
    const e = everyError();
    expect(e['identity-locked']!.problem).toBe(
      'Infisical at https://eu.infisical.test has temporarily locked Universal Auth for this machine identity after repeated logins with a wrong client secret ' +
        '(repeated wrong client secrets lock the identity (by default 3 within 30 s lock it for 5 minutes)). The client secret given here was not even checked.',
    );
    expect(e['identity-locked']!.fix).toContain('correct its INFISICAL_CLIENT_SECRET, then wait for the lockout to end or clear it in Infisical → Access Control');
    expect(e['identity-locked']!.detail).toEqual({ siteUrl: target.siteUrl });
    expect(e['token-expired']!.problem).toBe('Infisical at https://eu.infisical.test rejected the access token (expired).');
    expect(e['token-expired']!.fix).toContain('the module logs in again automatically');
    expect(e['token-expired']!.detail).toEqual({ siteUrl: target.siteUrl, reason: 'expired' });
  });
});

describe('configuration errors', () => {
  it('list every problem with its origin and fix, after the note', () => {
    const e = everyError();
    expect(e['config-one']!.message).toBe('Configuration for Infisical env is invalid (1 problem):\n  - A: missing — not set. Fix: add A');
    expect(e['config-one']!.fix).toBe('');
    expect(e['config-many']!.message).toBe(
      [
        'Configuration for Infisical env is invalid (5 problems):',
        'A note.',
        '  - DB_URL (from Infisical, version 3): malformed — must be a URL; too short. Fix: correct it',
        '  - X (from somewhere): malformed — must be a URL; too short. Fix: correct it',
        '  - Y (from the last-known-good snapshot, version 0): malformed — must be a URL; too short. Fix: correct it',
        '  - Z (from the process environment / .env, version 3): malformed — must be a URL; too short. Fix: correct it',
        '  - D (from the schema default, version 3): malformed — must be a URL; too short. Fix: correct it',
      ].join('\n'),
    );
    const many = e['config-many'] as InfisicalConfigValidationError;
    expect(many.keys).toEqual(['DB_URL', 'X', 'Y', 'Z', 'D']);
    expect(many.note).toBe('A note.');
    expect(many.detail).toEqual({ where: 'Infisical env', keys: ['DB_URL', 'X', 'Y', 'Z', 'D'], kinds: ['malformed', 'malformed', 'malformed', 'malformed', 'malformed'] });
  });

  it('name a secret read by name that does not exist, and a rejected snapshot file', () => {
    const e = everyError();
    expect(e['secret-not-found']!.message).toBe(
      'Secret "API_KEY" is not available in Infisical env. Fix: add "API_KEY" there in Infisical (or set it in the environment), or list it in requiredKeys so that bootstrap fails early.',
    );
    expect(e['secret-not-found']!.detail).toEqual({ key: 'API_KEY', where: 'Infisical env' });
    expect(e.cache!.message).toBe(
      'The last-known-good snapshot /var/cache/lkg.json was rejected: it failed authentication. It is ignored (and replaced after the next good refresh). ' +
        'Fix: delete the file if it belongs to another deployment, or keep INFISICAL_CACHE_FILE per environment.',
    );
    expect(e.cache!.detail).toEqual({ path: '/var/cache/lkg.json', reason: 'it failed authentication' });
  });
});

describe('options error', () => {
  it('lists each wrong option, naming its variable first, and says where to fix it', () => {
    const e = everyError();
    expect(e['options-one']!.message).toBe('InfisicalModule options are invalid (1 problem):\n  - cacheTtlSeconds: must be a number\n Fix: correct the options named above.');
    expect(e['options-env']!.message).toBe(
      'InfisicalModule options are invalid (2 problems):\n  - INFISICAL_CACHE_TTL (option cacheTtlSeconds): must be a number\n  - auth: is missing\n Fix: set the variables named above in the environment or in .env.',
    );
    expect((e['options-env'] as InfisicalOptionsError).names).toEqual(['INFISICAL_CACHE_TTL', 'auth']);
    expect(e['options-env']!.detail).toEqual({ options: ['cacheTtlSeconds', 'auth'], variables: ['INFISICAL_CACHE_TTL'] });
  });
});

describe('transport errors', () => {
  it('give one fix per reason Infisical could not be used', () => {
    const e = everyError();
    expect(e['unreachable-network']!.problem).toBe(`Infisical at https://eu.infisical.test could not be used for ${where}: what happened.`);
    expect(e['unreachable-network']!.detail).toEqual({ siteUrl: target.siteUrl, reason: 'network', what: 'what happened' });
    const examples = 'https://app.infisical.com, https://eu.infisical.com or your self-hosted root URL, without "/api"';
    expect(e['unreachable-network']!.fix).toBe(`check siteUrl (INFISICAL_SITE_URL: ${examples}) and that this machine can reach that host (DNS, proxy, firewall, VPC egress).`);
    expect(e['unreachable-tls']!.fix).toBe(
      'check the scheme and port of siteUrl (INFISICAL_SITE_URL): https://eu.infisical.test does not complete a TLS handshake — a server that speaks plain HTTP needs http://, and a TLS-intercepting proxy needs its CA in NODE_EXTRA_CA_CERTS.',
    );
    expect(e['unreachable-timeout']!.fix).toBe(
      'check the network path to https://eu.infisical.test (a firewall that drops packets looks exactly like this) and that INFISICAL_SITE_URL is right, or raise requestTimeoutMs / startupTimeoutMs (INFISICAL_STARTUP_TIMEOUT_MS).',
    );
    expect(e['unreachable-server-error']!.fix).toContain('Infisical (or a proxy in front of it) is failing');
    expect(e['unreachable-not-infisical']!.fix).toBe(`set siteUrl (INFISICAL_SITE_URL) to the root URL of your Infisical instance (${examples}).`);
    expect(e['unreachable-invalid-response']!.fix).toContain('the answer was not one Infisical gives');
    expect(e['unreachable-redirect']!.fix).toBe(
      'set siteUrl (INFISICAL_SITE_URL) to the address Infisical really answers on, if you trust the redirect target: ' +
        'the module never follows a redirect, so that credentials and tokens are never sent to another origin.',
    );
  });

  it('say how long Infisical asked to wait, and which request it refused', () => {
    const e = everyError();
    expect(e['rate-limited-after']!.problem).toBe(`Infisical at https://eu.infisical.test rate-limited the read of ${where} and asked to retry in 30 s.`);
    expect(e['rate-limited']!.problem).toBe(`Infisical at https://eu.infisical.test rate-limited the read of ${where}.`);
    expect(e['rate-limited']!.fix).toContain('raise cacheTtlSeconds (INFISICAL_CACHE_TTL)');
    expect(e['rate-limited-after']!.detail).toEqual({ siteUrl: target.siteUrl, retryAfterSeconds: 30 });
    expect(e.request!.problem).toBe(`Infisical at https://eu.infisical.test refused the read of ${where} with HTTP 400: Bad request.`);
    expect(e['request-folders']!.problem).toContain('refused the folder listing of');
    expect(e.request!.fix).toBe('check projectId, environment and secretPath (INFISICAL_PROJECT_ID, INFISICAL_ENVIRONMENT, INFISICAL_SECRET_PATH).');
    expect(e.request!.detail).toEqual({ siteUrl: target.siteUrl, status: 400, operation: 'read', serverMessage: 'Bad request' });
  });

  it('name every source a start-up waited for', () => {
    const e = everyError();
    expect(e['startup-timeout']!.problem).toBe(`Infisical at https://eu.infisical.test did not deliver ${where} within startupTimeoutMs=1500 ms.`);
    expect(e['startup-timeout-sources']!.problem).toContain(`did not deliver sources #1 ${where}, #2 environment "prod" (project proj-42, path "/b") within`);
    expect(e['startup-timeout']!.fix).toContain('configure persistentCache (INFISICAL_CACHE_FILE) so the app can start from its last-known-good snapshot.');
    expect(e['startup-timeout']!.detail).toEqual({ siteUrl: target.siteUrl, timeoutMs: 1500 });
  });
});

describe('keyless login errors', () => {
  it('tell a missing auth method from a refused credential, quoting the server or the status', () => {
    const e = everyError();
    expect(e['login-not-configured']!.problem).toBe('Infisical at https://eu.infisical.test has no GCP ID Token Auth for machine identity id-7 (HTTP 400).');
    expect(e['login-not-configured-said']!.problem).toBe('Infisical at https://eu.infisical.test has no GCP ID Token Auth for machine identity id-7 ("No GCP auth").');
    expect(e['login-not-configured']!.fix).toBe(
      'add GCP ID Token Auth to the identity (Infisical → Access Control → Machine Identities → <identity> → Authentication → Add auth method), or set INFISICAL_IDENTITY_ID to the identity that has it.',
    );
    expect(e['login-rejected-sa']!.problem).toBe(
      'Infisical at https://eu.infisical.test refused the GCP ID Token Auth login of machine identity id-7: "Service account not allowed" (HTTP 401).',
    );
    expect(e['login-rejected-jwt']!.problem).toContain('login of machine identity id-7: HTTP 401 (HTTP 401).');
    expect(e['login-rejected-sa']!.detail).toEqual({ siteUrl: target.siteUrl, reason: 'rejected', method: 'gcp-id-token', identityId: 'id-7', status: 401 });
  });

  it('choose the fix from what the server said, then from the method', () => {
    const fix = (name: string) => everyError()[`login-rejected-${name}`]!.fix;
    const page = 'Infisical → Access Control → Machine Identities → <identity> →';
    expect(fix('sa')).toBe(
      `add the service account this service runs as to "Allowed Service Account Emails" in ${page} GCP ID Token Auth, or deploy with an allowed one (gcloud run deploy --service-account=<allowed>).`,
    );
    expect(fix('project')).toBe(`add this workload's GCP project / zone to the allowed projects / zones in ${page} GCP ID Token Auth.`);
    expect(fix('zone')).toBe(fix('project'));
    expect(fix('principal')).toBe(
      `add the IAM role or user this workload runs as to "Allowed Principal ARNs" (and its account to "Allowed Account IDs") in ${page} aws-iam auth.`,
    );
    expect(fix('account')).toBe(fix('principal'));
    expect(fix('expired-oidc')).toBe('give a fresh JWT: point auth.*.jwtFile (INFISICAL_JWT_FILE) at a file the platform keeps current, or replace INFISICAL_JWT.');
    expect(fix('expired-jwt')).toBe(fix('expired-oidc'));
    expect(fix('expired-k8s')).toBe("check that the platform still rotates this workload's token, and the clock of this machine.");
    expect(fix('gcp')).toContain("the ID token's audience must equal the identity ID: set INFISICAL_IDENTITY_ID (auth.gcpIdToken.identityId)");
    expect(fix('gcp')).toContain('and run where the Google metadata server issues the token (Cloud Run, GCE, GKE).');
    expect(fix('kubernetes')).toBe(`check ${page} kubernetes auth: the Kubernetes host and token reviewer, and that this pod's service account and namespace are allowed.`);
    expect(fix('aws')).toBe(`check ${page} aws-iam auth: the STS endpoint and the allowed principal ARNs / account IDs for the role this workload runs as.`);
    expect(fix('oidc')).toBe(`check ${page} oidc auth: issuer, audiences, subject and claims bound there must match the JWT this workload presents.`);
    expect(fix('jwt')).toBe(`check ${page} jwt auth: issuer, audiences, subject and claims bound there must match the JWT this workload presents.`);
  });

  it('explain where a platform credential was looked for', () => {
    const e = everyError();
    const c = (reason: string) => e[`credential-${reason}`]!;
    const head = 'GCP ID Token Auth (INFISICAL_AUTH_METHOD=gcp-id-token): ';
    expect(c('metadata-unreachable').problem).toBe(
      `${head}the GCP metadata server at metadata.google.internal did not answer (ENOTFOUND): this process does not seem to run on Google Cloud (Cloud Run, GCE, GKE).`,
    );
    expect(c('metadata-unreachable').fix).toContain('point GCE_METADATA_HOST (host[:port]) at a metadata server');
    expect(c('metadata-refused').problem).toBe(`${head}the GCP metadata server at metadata.google.internal gave no ID token (ENOTFOUND).`);
    expect(c('metadata-refused').fix).toContain('gcloud run deploy --service-account=…');
    expect(c('token-file-missing').problem).toBe(`${head}the token file metadata.google.internal does not exist (ENOTFOUND).`);
    expect(c('token-file-missing').fix).toContain('automountServiceAccountToken');
    expect(c('token-file-unreadable').problem).toBe(`${head}the token file metadata.google.internal cannot be read (ENOTFOUND).`);
    expect(c('token-file-unreadable').fix).toContain('check its mode and the pod securityContext');
    expect(c('token-file-empty').problem).toBe(`${head}the token file metadata.google.internal is empty.`);
    expect(c('token-file-empty').fix).toContain('has written it before the app starts');
    expect(c('aws-credentials-missing').problem).toBe(`${head}no AWS credentials found (ENOTFOUND).`);
    expect(c('aws-credentials-missing').fix).toContain('AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY');
    expect(c('aws-credentials-endpoint').problem).toBe(`${head}the AWS container credentials endpoint metadata.google.internal gave no credentials (ENOTFOUND).`);
    expect(c('aws-credentials-endpoint').fix).toContain('AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)');
    expect(c('token-file-empty').detail).toEqual({ method: 'gcp-id-token', identityId: 'id-7', reason: 'token-file-empty', where: 'metadata.google.internal' });
  });
});
