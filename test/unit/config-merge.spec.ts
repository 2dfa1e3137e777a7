/** The merge model as a pure function: value and source per key from the ordered inputs, then the rules. */
import { describe, expect, it } from '@jest/globals';
import { mergeConfig, NUL_IN_MIRRORED_VALUE, type MergeInput, type SourcedSecret } from '../../src/infisical/config/config-merge.js';
import type { CredentialDefinition } from '../../src/infisical/credentials/credential-rules.js';

const secrets = (values: Record<string, string>, version = 3): Map<string, SourcedSecret> =>
  new Map(Object.entries(values).map(([key, value]) => [key, { value, version, projectId: 'p1', environment: 'prod', secretPath: '/app' }]));

const TOKEN: CredentialDefinition = {
  name: 'Token',
  keys: [{ key: 'TOKEN', pattern: /^tok_[a-z]{4}$/, expectation: 'must start with "tok_"', source: 'the token page' }],
} as unknown as CredentialDefinition;

const merge = (input: Partial<MergeInput>) =>
  mergeConfig({ infisical: undefined, infisicalSource: 'infisical', operatorEnv: {}, envKeys: [], required: new Map(), credentials: [], mirrored: [], ...input });

describe('mergeConfig: value and source per key', () => {
  it('Infisical wins over the operator environment; the environment fills in declared keys only', () => {
    const result = merge({ infisical: secrets({ A: 'infisical-a' }), operatorEnv: { A: 'env-a', B: 'env-b', C: 'env-c' }, envKeys: ['A', 'B'] });
    expect({ ...result.raw }).toEqual({ A: 'infisical-a', B: 'env-b' });
    expect({ ...result.keys }).toEqual({ A: { source: 'infisical', version: 3, projectId: 'p1', environment: 'prod', secretPath: '/app' }, B: { source: 'env' } });
    expect(result.issues).toEqual([]);
    expect(result.hints.size).toBe(0);
  });

  it("'all' takes every variable of the environment; a cache answer is labelled cache", () => {
    const result = merge({ infisical: secrets({ A: 'cached' }), infisicalSource: 'cache', operatorEnv: { A: 'env-a', X: 'x', UNSET: undefined }, envKeys: 'all' });
    expect({ ...result.raw }).toEqual({ A: 'cached', X: 'x' });
    expect(result.keys.A!.source).toBe('cache');
    expect(result.keys.X).toEqual({ source: 'env' });
    expect(Object.keys(result.keys)).toEqual(['A', 'X']);
  });

  it('an empty Infisical value still wins (and is then refused if required); lookups are own properties only', () => {
    const result = merge({ infisical: secrets({ A: '' }), operatorEnv: { A: 'env-a' }, envKeys: ['A', 'toString', 'constructor'], required: new Map([['A', 'needed'], ['toString', 'needed too']]) });
    expect(result.raw.A).toBe('');
    expect(Object.getPrototypeOf(result.raw)).toBeNull();
    expect(Object.getPrototypeOf(result.keys)).toBeNull();
    expect(Object.keys(result.raw)).toEqual(['A']);
    expect(result.issues).toEqual([
      { key: 'A', kind: 'missing', message: 'needed' },
      { key: 'toString', kind: 'missing', message: 'needed too' },
    ]);
  });

  it('an inherited environment variable is not the operator value', () => {
    const env = Object.create({ INHERITED: 'proto' }) as Record<string, string>;
    expect(merge({ operatorEnv: env, envKeys: ['INHERITED'] }).raw.INHERITED).toBeUndefined();
  });
});

describe('mergeConfig: the rules', () => {
  it('a required key is missing when unset or empty in every input, and satisfied by either input', () => {
    const required = new Map([['FROM_INFISICAL', 'r1'], ['FROM_ENV', 'r2'], ['EMPTY_ENV', 'r3'], ['NOWHERE', 'r4']]);
    const result = merge({ infisical: secrets({ FROM_INFISICAL: 'v' }), operatorEnv: { FROM_ENV: 'v', EMPTY_ENV: '' }, envKeys: [...required.keys()], required });
    expect(result.issues).toEqual([
      { key: 'EMPTY_ENV', kind: 'missing', message: 'r3' },
      { key: 'NOWHERE', kind: 'missing', message: 'r4' },
    ]);
  });

  it('a credential value is checked against its format; a missing one only gets a hint', () => {
    expect(merge({ infisical: secrets({ TOKEN: 'tok_abcd' }), credentials: [TOKEN] }).issues).toEqual([]);
    expect(merge({ infisical: secrets({ TOKEN: 'wrong' }), credentials: [TOKEN] }).issues).toEqual([
      { key: 'TOKEN', kind: 'malformed', message: 'TOKEN must start with "tok_"', hint: 'get the correct Token value from the token page' },
    ]);
    for (const input of [{}, { infisical: secrets({ TOKEN: '' }) }]) {
      const missing = merge({ ...input, credentials: [TOKEN] });
      expect(missing.issues).toEqual([]);
      expect([...missing.hints]).toEqual([['TOKEN', 'get it from the token page']]);
    }
  });

  it('a mirrored value with a NUL character is refused by key; other values and keys not mirrored pass', () => {
    const result = merge({ infisical: secrets({ M: 'a\0b', N: 'a\0b', OK: 'fine' }), mirrored: ['M', 'OK', 'ABSENT'] });
    expect(result.issues).toEqual([{ key: 'M', kind: 'malformed', message: NUL_IN_MIRRORED_VALUE }]);
    expect(NUL_IN_MIRRORED_VALUE).toMatch(/NUL character.*process environment cannot hold/);
  });

  it('is pure: the same input gives the same output, and the input is not changed', () => {
    const input: MergeInput = { infisical: secrets({ A: 'a' }), infisicalSource: 'infisical', operatorEnv: Object.freeze({ B: 'b' }), envKeys: ['B'], required: new Map([['C', 'r']]), credentials: [TOKEN], mirrored: ['A'] };
    const first = mergeConfig(input);
    expect(mergeConfig(input)).toEqual(first);
    expect([...input.infisical!.keys()]).toEqual(['A']);
  });
});
