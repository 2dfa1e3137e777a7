import { describe, expect, it } from '@jest/globals';
import { INFISICAL_ENV_VARIABLES, variableForOption } from '../../src/infisical/options/env-variables.js';

describe('variableForOption', () => {
  it.each([
    ['cacheTtlSeconds', 'INFISICAL_CACHE_TTL'],
    ['persistentCache.key', 'INFISICAL_CACHE_KEY'],
    ['auth.universalAuth.clientSecret', 'INFISICAL_CLIENT_SECRET'],
    ['sources', 'INFISICAL_SECRET_PATHS'],
    ['sources[2].secretPath', 'INFISICAL_SECRET_PATHS'],
    ['sources[12].secretPath', 'INFISICAL_SECRET_PATHS'],
    ['auth.kubernetes.identityId', 'INFISICAL_IDENTITY_ID'],
    ['auth.gcpIdToken.identityId', 'INFISICAL_IDENTITY_ID'],
    ['auth.oidc.jwtFile', 'INFISICAL_JWT_FILE'],
    ['auth.kubernetes.tokenPath', 'INFISICAL_KUBERNETES_TOKEN_PATH'],
    ['webhook.secret', 'INFISICAL_WEBHOOK_SECRET'],
    ['webhook.path', 'INFISICAL_WEBHOOK_PATH'],
    ['fleet.redisUrl', 'INFISICAL_REDIS_URL'],
    ['fleet.key', 'INFISICAL_FLEET_KEY'],
    ['fleet.previousKey', 'INFISICAL_FLEET_PREVIOUS_KEY'],
    ['fleet.keyPrefix', 'INFISICAL_FLEET_KEY_PREFIX'],
  ])('%s is set by %s', (option, variable) => {
    expect(variableForOption(option)).toBe(variable);
  });

  it.each(['colour', 'schema', 'auth.kubernetes.colour', 'sources2.secretPath'])('%s is set by no variable', (option) => {
    expect(variableForOption(option)).toBeUndefined();
  });
});

describe('INFISICAL_ENV_VARIABLES', () => {
  it('names each variable once, every one INFISICAL_*', () => {
    const names = INFISICAL_ENV_VARIABLES.map((v) => v.variable);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((name) => /^INFISICAL_[A-Z_]+$/.test(name))).toBe(true);
  });

  it('every fleet and webhook option has its variable, the fleet keys read as secrets', () => {
    const options = ['webhook.secret', 'webhook.path', 'fleet.redisUrl', 'fleet.key', 'fleet.previousKey', 'fleet.keyPrefix'];
    expect(options.filter((option) => !INFISICAL_ENV_VARIABLES.some((v) => v.option === option))).toEqual([]);
    const kinds = Object.fromEntries(INFISICAL_ENV_VARIABLES.filter((v) => v.option.startsWith('fleet.') || v.option.startsWith('webhook.')).map((v) => [v.variable, v.kind]));
    expect(kinds).toEqual({
      INFISICAL_WEBHOOK_SECRET: 'secret',
      INFISICAL_WEBHOOK_PATH: 'text',
      INFISICAL_REDIS_URL: 'secret',
      INFISICAL_FLEET_KEY: 'secret',
      INFISICAL_FLEET_PREVIOUS_KEY: 'secret',
      INFISICAL_FLEET_KEY_PREFIX: 'text',
    });
  });
});
