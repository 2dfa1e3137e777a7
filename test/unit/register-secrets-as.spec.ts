import { describe, expect, it } from '@jest/globals';
import { registerSecretsAs } from '../../src/infisical/config/register-secrets-as.js';
import { isSecretNamespace, markSecretNamespace } from '../../src/infisical/config/secret-namespace.definition.js';
import { InfisicalOptionsError } from '../../src/infisical/errors/options.error.js';
import { InfisicalFeatureModule } from '../../src/infisical/infisical.module.js';

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InfisicalOptionsError);
    return (error as InfisicalOptionsError).problems;
  }
  throw new Error('expected a throw');
}

describe('registerSecretsAs', () => {
  it.each(['database', 'A1', '_private', '$dollar', 'with-dash', 'snake_case', 'x'])('accepts the name %p', (name) => {
    expect(registerSecretsAs(name, () => ({})).NAMESPACE).toBe(name);
  });

  it.each([
    ['', '""'],
    ['a.b', '"a.b"'],
    ['1st', '"1st"'],
    ['-dash', '"-dash"'],
    ['has space', '"has space"'],
    ['tail.', '"tail."'],
    ['a/b', '"a/b"'],
  ])('refuses the name %p', (name, shown) => {
    expect(problemsOf(() => registerSecretsAs(name, () => ({})))).toEqual([
      { option: 'registerSecretsAs(namespace)', problem: `must be a name such as 'database' (letters, digits, _ and -; no dots), got ${shown}` },
    ]);
  });

  it('refuses a name that is not a string, showing at most 60 characters of it', () => {
    expect(problemsOf(() => registerSecretsAs(42 as unknown as string, () => ({})))[0]!.problem).toMatch(/got "42"$/);
    expect(problemsOf(() => registerSecretsAs(['database'] as unknown as string, () => ({})))[0]!.problem).toMatch(/got "database"$/);
    const long = 'x'.repeat(100) + '.';
    const problem = problemsOf(() => registerSecretsAs(long, () => ({})))[0]!.problem;
    expect(problem.endsWith(`got "${'x'.repeat(59)}`)).toBe(true);
  });

  it('refuses a missing factory', () => {
    expect(problemsOf(() => registerSecretsAs('database', undefined as never))).toEqual([
      { option: "registerSecretsAs('database')", problem: 'needs a factory: registerSecretsAs(name, (secrets) => ({ … }))' },
    ]);
  });

  it('is a registerAs-shaped factory: KEY, NAMESPACE, build, marked as a secret namespace', () => {
    const build = (s: Record<string, unknown>) => ({ url: s.DATABASE_URL });
    const database = registerSecretsAs('database', build);
    expect(database.KEY).toBe('CONFIGURATION(database)');
    expect(database.NAMESPACE).toBe('database');
    expect(database.build).toBe(build);
    expect(database({ DATABASE_URL: 'postgres://db' })).toEqual({ url: 'postgres://db' });
    expect(isSecretNamespace(database)).toBe(true);
    for (const name of ['KEY', 'NAMESPACE', 'build', 'asProvider']) {
      expect(Object.getOwnPropertyDescriptor(database, name)).toMatchObject({ enumerable: false, writable: false, configurable: false });
    }
    expect(Object.keys(database)).toEqual([]);
  });

  it('called without secrets (e.g. by ConfigModule.forFeature), explains where it is registered', () => {
    const database = registerSecretsAs('database', () => ({}));
    expect(problemsOf(() => database())).toEqual([
      {
        option: "registerSecretsAs('database')",
        problem:
          'is built from Infisical secrets, so it is registered with InfisicalModule, not ConfigModule: add it to namespaces: [...] of InfisicalModule.forRoot / forRootAsync, or use InfisicalModule.forFeature({ namespaces: [...] })',
      },
    ]);
  });

  it('asProvider() imports a feature module registering the namespace and injects its object by KEY', () => {
    const database = registerSecretsAs('database', () => ({ url: 'u' }));
    const provider = database.asProvider();
    expect(provider.inject).toEqual(['CONFIGURATION(database)']);
    const config = { url: 'u' };
    expect(provider.useFactory(config)).toBe(config);
    expect(provider.imports).toHaveLength(1);
    expect(provider.imports[0].module).toBe(InfisicalFeatureModule);
    expect(provider.imports[0].exports).toContain('CONFIGURATION(database)');
  });
});

describe('isSecretNamespace', () => {
  it('is true only for marked functions', () => {
    const plain = () => ({});
    expect(isSecretNamespace(plain)).toBe(false);
    markSecretNamespace(plain);
    expect(isSecretNamespace(plain)).toBe(true);
    expect(Object.keys(plain)).toEqual([]);
    const object = {};
    markSecretNamespace(object);
    expect(isSecretNamespace(object)).toBe(false);
    expect(isSecretNamespace(undefined)).toBe(false);
    expect(isSecretNamespace(null)).toBe(false);
    expect(isSecretNamespace('CONFIGURATION(database)')).toBe(false);
  });
});
