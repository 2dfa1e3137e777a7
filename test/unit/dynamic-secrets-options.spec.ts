/**
 * The `dynamicSecrets` option through the option checker (every problem reported at once, with the others) and
 * `INFISICAL_DYNAMIC_SECRETS=name[@/folder],…` through the variable table.
 */
import { describe, expect, it } from '@jest/globals';
import { InfisicalOptionsError } from '../../src/infisical/errors/options.error.js';
import { variableForOption } from '../../src/infisical/options/env-variables.js';
import { infisicalOptionsFromEnv } from '../../src/infisical/options/options-from-env.js';
import { resolveInfisicalOptions } from '../../src/infisical/options/options.resolver.js';
import type { InfisicalModuleOptions } from '../../src/infisical/interfaces/infisical-module-options.interface.js';

const BASE: InfisicalModuleOptions = {
  projectId: '3f1c2b4a-6d5e-4f70-8a9b-0c1d2e3f4a5b',
  environment: 'prod',
  secretPath: '/app',
  auth: { universalAuth: { clientId: 'c1000000-0000-4000-8000-000000000002', clientSecret: 'a-client-secret-value' } },
};

const problemsOf = (options: InfisicalModuleOptions): string[] => {
  try {
    resolveInfisicalOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(InfisicalOptionsError);
    return (error as InfisicalOptionsError).problems.map((p) => `${p.option}: ${p.problem}`);
  }
  throw new Error('expected an InfisicalOptionsError');
};

describe('dynamicSecrets option', () => {
  it('defaults to none; entries take the top-level environment and folder unless they name their own', () => {
    expect(resolveInfisicalOptions(BASE).dynamicSecrets).toEqual([]);
    expect(resolveInfisicalOptions({ ...BASE, dynamicSecrets: ['postgres-app', 'cache@/db/', { name: 'mq', environment: 'staging', path: '/', ttl: '10m', drainMs: 5000 }] }).dynamicSecrets).toEqual([
      { name: 'postgres-app', environment: 'prod', path: '/app', ttl: undefined, drainMs: 30_000 },
      { name: 'cache', environment: 'prod', path: '/db', ttl: undefined, drainMs: 30_000 },
      { name: 'mq', environment: 'staging', path: '/', ttl: '10m', drainMs: 5000 },
    ]);
  });

  it('reports every problem of the entries together with the other options', () => {
    const problems = problemsOf({ ...BASE, cacheTtlSeconds: -1, dynamicSecrets: ['a', 'a', { name: 'b', ttl: '5s', colour: 'red' } as never] });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cacheTtlSeconds: /),
        expect.stringMatching(/^dynamicSecrets\[1\]\.name: "a" is listed twice/),
        expect.stringMatching(/^dynamicSecrets\[2\]\.ttl: must be an ms-style duration from "1m"/),
        'dynamicSecrets[2].colour: is not a field of a dynamic secret (check the spelling)',
      ]),
    );
    expect(problemsOf({ ...BASE, dynamicSecrets: 'postgres-app' as never })).toEqual([expect.stringMatching(/^dynamicSecrets: must be an array/)]);
  });

  it('needs Infisical: with enabled: false it is reported, naming the variable', () => {
    expect(problemsOf({ enabled: false, dynamicSecrets: ['postgres-app'] })).toEqual([
      'dynamicSecrets: needs Infisical (leases are taken from it): remove dynamicSecrets (INFISICAL_DYNAMIC_SECRETS) or set enabled: true',
    ]);
    expect(resolveInfisicalOptions({ enabled: false }).dynamicSecrets).toEqual([]);
  });
});

describe('INFISICAL_DYNAMIC_SECRETS', () => {
  const env = {
    INFISICAL_PROJECT_ID: BASE.projectId,
    INFISICAL_ENVIRONMENT: 'prod',
    INFISICAL_CLIENT_ID: 'c1000000-0000-4000-8000-000000000002',
    INFISICAL_CLIENT_SECRET: 'a-client-secret-value',
  };

  it('is a comma-separated list of name[@/folder], resolved like the option', () => {
    const options = infisicalOptionsFromEnv({ ...env, INFISICAL_DYNAMIC_SECRETS: ' postgres-app , cache@/db ,' });
    expect(options.dynamicSecrets).toEqual(['postgres-app', 'cache@/db']);
    expect(resolveInfisicalOptions(options).dynamicSecrets.map((d) => `${d.name} ${d.environment} ${d.path}`)).toEqual(['postgres-app prod /', 'cache prod /db']);
    expect(infisicalOptionsFromEnv(env).dynamicSecrets).toBeUndefined();
    const several = infisicalOptionsFromEnv({ ...env, INFISICAL_SECRET_PATHS: '/shared,/app', INFISICAL_DYNAMIC_SECRETS: 'postgres-app' });
    expect(resolveInfisicalOptions(several).dynamicSecrets.map((d) => d.path)).toEqual(['/shared']);
  });

  it('is the variable named in problems of the option', () => {
    expect(variableForOption('dynamicSecrets')).toBe('INFISICAL_DYNAMIC_SECRETS');
    expect(variableForOption('dynamicSecrets[2].path')).toBe('INFISICAL_DYNAMIC_SECRETS');
  });
});
