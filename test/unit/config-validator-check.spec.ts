/** ConfigValidator.check: the merge model's verdict on a few keys (required after bootstrap), same rules as validate. */
import { describe, expect, it } from '@jest/globals';
import { ConfigValidator, type SourcedSecret } from '../../src/infisical/config/config-validator.js';
import type { CredentialDefinition } from '../../src/infisical/credentials/credential-rules.js';
import { InfisicalConfigValidationError } from '../../src/infisical/errors/configuration.errors.js';
import type { StandardSchemaV1 } from '../../src/infisical/interfaces/standard-schema.interface.js';
import { failureOf } from '../support/deferred.js';

const WHERE = 'Infisical environment "prod"';
const TOKEN = { name: 'Token', keys: [{ key: 'TOKEN', pattern: /^tok_[a-z]{4}$/, expectation: 'must start with "tok_"', source: 'the token page' }] } as unknown as CredentialDefinition;
const secrets = (values: Record<string, string>) => new Map<string, SourcedSecret>(Object.entries(values).map(([k, value]) => [k, { value, version: 2 }]));

function failure(run: () => unknown): InfisicalConfigValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof InfisicalConfigValidationError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('ConfigValidator.check', () => {
  const validator = () => {
    const v = new ConfigValidator(undefined, ['OTHER'], [TOKEN], WHERE, ['M']);
    v.require(['A', 'M', 'TOKEN'], 'required by Feature');
    return v;
  };
  const broken = { OTHER: '', TOKEN: 'bad', M: 'a\0b' };

  it('judges only the given keys: other keys breaking a rule are not its business', () => {
    const verdict = validator().check(['A'], { secrets: secrets(broken), secretsSource: 'infisical', env: { A: 'from-env' } });
    expect({ ...verdict.values }).toEqual({ A: 'from-env' });
    expect({ ...verdict.keys }).toEqual({ A: { source: 'env' } });
  });

  it('without Infisical (disabled): the environment alone', () => {
    const verdict = validator().check(['A'], { secrets: undefined, secretsSource: 'infisical', env: { A: 'from-env' } });
    expect({ ...verdict.values }).toEqual({ A: 'from-env' });
  });

  it('applies every rule to the given keys: required, credential format, mirrored value', () => {
    const error = failure(() => validator().check(['A', 'TOKEN', 'M'], { secrets: secrets(broken), secretsSource: 'infisical', env: {} }));
    expect(error.where).toBe(WHERE);
    expect(error.issues.map((i) => [i.key, i.kind])).toEqual([
      ['A', 'missing'],
      ['TOKEN', 'malformed'],
      ['M', 'malformed'],
    ]);
    expect(error.issues[0]!.fix).toBe(`add A to ${WHERE}, or set it in the process environment / .env`);
    expect(error.issues[1]!.fix).toBe('correct TOKEN in Infisical environment "prod" (the rejected value is version 2) (get the correct Token value from the token page)');
  });

  it('a missing credential key is named with where to get it', () => {
    const error = failure(() => validator().check(['TOKEN'], { secrets: secrets({}), secretsSource: 'infisical', env: {} }));
    expect(error.issues[0]!.fix).toBe(`add TOKEN to ${WHERE}, or set it in the process environment / .env (get it from the token page)`);
  });
});

describe('ConfigValidator: a key reported by the schema and by a credential rule', () => {
  it('keeps the credential hint in the fix', async () => {
    const schema: StandardSchemaV1 = {
      '~standard': { version: 1, vendor: 'test', validate: () => ({ issues: [{ message: 'too short', path: ['TOKEN'] }] }) },
    } as StandardSchemaV1;
    const v = new ConfigValidator(schema, [], [TOKEN], WHERE);
    const error = await failureOf<InfisicalConfigValidationError>(v.validate({ secrets: secrets({ TOKEN: 'bad' }), secretsSource: 'infisical', env: {} }));
    expect(error).toBeInstanceOf(InfisicalConfigValidationError);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.messages).toEqual(['too short', 'TOKEN must start with "tok_"']);
    expect(error.issues[0]!.fix).toMatch(/\(get the correct Token value from the token page\)$/);
  });
});
