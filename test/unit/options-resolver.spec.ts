import { describe, expect, it } from '@jest/globals';
import { InfisicalOptionsError, infisicalOptionsFromEnv, type InfisicalModuleOptions } from '../../src/infisical/index.js';
import { resolveInfisicalOptions } from '../../src/infisical/options/options.resolver.js';

const valid: InfisicalModuleOptions = {
  projectId: '6f0c1a52-1111-4222-8333-444455556666',
  environment: 'dev',
  auth: { universalAuth: { clientId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', clientSecret: 'very-secret-client-secret' } },
};

function problemsOf(options: unknown): string[] {
  try {
    resolveInfisicalOptions(options as InfisicalModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InfisicalOptionsError);
    return (error as InfisicalOptionsError).problems.map((p) => `${p.option}: ${p.problem}`);
  }
  throw new Error('expected the options to be rejected');
}

describe('resolveInfisicalOptions', () => {
  it('applies the documented defaults', () => {
    const resolved = resolveInfisicalOptions(valid);
    expect(resolved).toMatchObject({
      enabled: true,
      siteUrl: 'https://app.infisical.com',
      sources: [{ siteUrl: 'https://app.infisical.com', environment: 'dev', secretPath: '/', recursive: false, includeImports: true }],
      cacheTtlSeconds: 60,
      startupTimeoutMs: 5000,
      requestTimeoutMs: 10000,
      maxStaleSeconds: 86400,
      expandSecretReferences: true,
      revokeTokenOnShutdown: false,
      requiredKeys: [],
    });
  });

  it('accepts cacheTtlSeconds 0 and 3600 and rejects 3601, -1 and 1.5 naming the option', () => {
    expect(resolveInfisicalOptions({ ...valid, cacheTtlSeconds: 0 }).cacheTtlSeconds).toBe(0);
    expect(resolveInfisicalOptions({ ...valid, cacheTtlSeconds: 3600 }).cacheTtlSeconds).toBe(3600);
    for (const bad of [3601, -1, 1.5]) {
      expect(problemsOf({ ...valid, cacheTtlSeconds: bad })).toEqual([
        `cacheTtlSeconds: must be an integer number of seconds from 0 to 3600 (got ${bad})`,
      ]);
    }
  });

  it('reports every wrong option at once', () => {
    const problems = problemsOf({ siteUrl: 'ftp://x', environment: 'Production Env', startupTimeoutMs: 0, secretPath: 'app', colour: 'red' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['colour', 'siteUrl', 'projectId', 'environment', 'secretPath', 'auth', 'startupTimeoutMs']),
    );
    expect(problems.find((p) => p.startsWith('colour'))).toContain('is not an option');
  });

  it('rejects a site URL that ends in /api and trims a trailing slash', () => {
    expect(problemsOf({ ...valid, siteUrl: 'https://eu.infisical.com/api' })[0]).toContain('without "/api"');
    expect(resolveInfisicalOptions({ ...valid, siteUrl: 'https://eu.infisical.com/' }).siteUrl).toBe('https://eu.infisical.com');
  });

  it('never prints the client secret when it is of the wrong type', () => {
    const problems = problemsOf({ ...valid, auth: { universalAuth: { clientId: 'x', clientSecret: 12345678 } } });
    expect(problems.join()).toContain('auth.universalAuth.clientSecret');
    expect(problems.join()).not.toContain('12345678');
  });

  it('needs no project, environment or credentials when disabled', () => {
    expect(resolveInfisicalOptions({ enabled: false }).enabled).toBe(false);
  });

  it('checks the persistent cache key, derives it from the client secret, and ignores the cache when disabled', () => {
    expect(resolveInfisicalOptions({ enabled: false, persistentCache: { path: '/tmp/x' } }).persistentCache).toBeUndefined();
    expect(problemsOf({ ...valid, persistentCache: { path: '/tmp/x', key: 'short' } })[0]).toContain('at least 32 characters');
    expect(resolveInfisicalOptions({ ...valid, persistentCache: { path: '/tmp/x' } }).persistentCache?.key).toBe('very-secret-client-secret');
  });
});

describe('several sources', () => {
  const env = {
    INFISICAL_CLIENT_ID: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    INFISICAL_CLIENT_SECRET: 'very-secret-client-secret',
    INFISICAL_PROJECT_ID: '6f0c1a52-1111-4222-8333-444455556666',
    INFISICAL_ENVIRONMENT: 'dev',
  };
  const pathsOf = (options: InfisicalModuleOptions) => resolveInfisicalOptions(options).sources.map((s) => `${s.projectId}:${s.environment}:${s.secretPath}`);
  const envProblems = (variables: Record<string, string>): string => {
    try {
      infisicalOptionsFromEnv({ ...env, ...variables });
    } catch (error) {
      expect(error).toBeInstanceOf(InfisicalOptionsError);
      return (error as InfisicalOptionsError).message;
    }
    throw new Error('expected the variables to be rejected');
  };

  it('each entry of `sources` inherits the top-level values it leaves out, in the order given', () => {
    const resolved = resolveInfisicalOptions({ ...valid, secretPath: '/base', recursive: true, sources: [{}, { secretPath: '/app/', includeImports: false }, { projectId: 'platform', environment: 'prod' }] });
    expect(resolved.sources.map(({ projectId, environment, secretPath, recursive, includeImports }) => ({ projectId, environment, secretPath, recursive, includeImports }))).toEqual([
      { projectId: valid.projectId, environment: 'dev', secretPath: '/base', recursive: true, includeImports: true },
      { projectId: valid.projectId, environment: 'dev', secretPath: '/app', recursive: true, includeImports: false },
      { projectId: 'platform', environment: 'prod', secretPath: '/base', recursive: true, includeImports: true },
    ]);
  });

  it('rejects an empty list, an entry that is no object, an unknown field and a relative path, naming the entry', () => {
    expect(problemsOf({ ...valid, sources: [] })).toEqual([expect.stringMatching(/^sources: must be a non-empty array/)]);
    expect(problemsOf({ ...valid, sources: [{ secretPath: '/a' }, '/b', { path: '/c' }, { secretPath: 'd' }] })).toEqual([
      'sources[1]: must be an object (got "/b")',
      'sources[2].path: is not a field of a source (check the spelling)',
      'sources[3].secretPath: must start with "/" (got "d")',
    ]);
  });

  it('INFISICAL_SECRET_PATHS lists folders of the project and environment in precedence order; stray commas add nothing', () => {
    const project = env.INFISICAL_PROJECT_ID;
    expect(pathsOf(infisicalOptionsFromEnv({ ...env, INFISICAL_SECRET_PATHS: ' /shared , /payments/ ' }))).toEqual([`${project}:dev:/shared`, `${project}:dev:/payments`]);
    expect(pathsOf(infisicalOptionsFromEnv({ ...env, INFISICAL_SECRET_PATHS: '/shared,,/payments,' }))).toEqual([`${project}:dev:/shared`, `${project}:dev:/payments`]);
    expect(envProblems({ INFISICAL_SECRET_PATHS: '/shared,payments' })).toContain('INFISICAL_SECRET_PATHS (option sources[1].secretPath): must start with "/" (got "payments")');
  });

  it('INFISICAL_SECRET_PATH and INFISICAL_SECRET_PATHS together fail, naming both', () => {
    const message = envProblems({ INFISICAL_SECRET_PATH: '/app', INFISICAL_SECRET_PATHS: '/shared,/app' });
    expect(message).toContain('INFISICAL_SECRET_PATH (option secretPath): and INFISICAL_SECRET_PATHS are both set: keep one');
    expect(message).toContain('Fix: set the variables named above');
  });
});
