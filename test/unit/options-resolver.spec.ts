import { describe, expect, it } from '@jest/globals';
import { InfisicalOptionsError, type InfisicalModuleOptions } from '../../src/infisical/index.js';
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
