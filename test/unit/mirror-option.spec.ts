/** The mirrorToProcessEnv option: names the environment can hold, refused by name with the fix. */
import { describe, expect, it } from '@jest/globals';
import { resolveMirror, unusableVariableName } from '../../src/infisical/options/mirror.option.js';
import { OptionReader } from '../../src/infisical/options/option-readers.js';
import { InfisicalOptionsError } from '../../src/infisical/errors/options.error.js';
import { infisicalOptionsFromEnv } from '../../src/infisical/options/options-from-env.js';
import { resolveInfisicalOptions } from '../../src/infisical/options/options.resolver.js';

const read = (value: unknown) => {
  const reader = new OptionReader({});
  return { keys: resolveMirror(reader, value), problems: reader.problems.map((p) => `${p.option}: ${p.problem}`) };
};

describe('mirrorToProcessEnv', () => {
  it('none by default; distinct names', () => {
    expect(read(undefined)).toEqual({ keys: [], problems: [] });
    expect(read(['A', 'B', 'A'])).toEqual({ keys: ['A', 'B'], problems: [] });
  });

  it.each([
    ['hasOwnProperty', /"hasOwnProperty" is a member of every object/],
    ['toString', /"toString" is a member of every object/],
    ['__proto__', /"__proto__" is a member of every object/],
    ['constructor', /"constructor" is a member of every object/],
    ['prototype', /"prototype" is a member of every object/],
    ['__defineGetter__', /"__defineGetter__" is a member/],
    ['A=B', /"A=B" is a name containing "=" \(the environment cannot hold it: Node drops it\)/],
    ['A\0B', /"A\\u0000B" is a name containing a NUL character \(Node cuts it there\)/],
  ])('refuses %j by name, with the fix', (name, why) => {
    const { keys, problems } = read(['GOOD', name]);
    expect(keys).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^mirrorToProcessEnv: cannot mirror /);
    expect(problems[0]).toMatch(why);
    expect(problems[0]).toMatch(/ — list the keys to mirror by their variable names, comma-separated in INFISICAL_MIRROR_TO_PROCESS_ENV, e\.g\. DATABASE_URL,REDIS_URL$/);
  });

  it('names every refused name at once', () => {
    expect(read(['toString', 'OK', 'A=B']).problems[0]).toMatch(/cannot mirror "toString" is .*; "A=B" is /);
  });

  it.each([['A,B'], [['A', 3]], [['']], [['  ']], [[' A']]])('refuses a list that is not one of names: %j', (value) => {
    expect(read(value)).toEqual({ keys: [], problems: ['mirrorToProcessEnv: must be an array of key names (non-empty strings without surrounding whitespace)'] });
  });

  it('unusableVariableName: an empty name is dropped; an ordinary one is fine', () => {
    expect(unusableVariableName('')).toBe('an empty name (Node drops it)');
    expect(unusableVariableName('DATABASE_URL')).toBeUndefined();
    expect(unusableVariableName('hasOwnPropertyX')).toBeUndefined();
  });

  it('from INFISICAL_MIRROR_TO_PROCESS_ENV: the variable and the option are named', () => {
    let error: unknown;
    try {
      infisicalOptionsFromEnv({
          INFISICAL_SITE_URL: 'https://infisical.example',
          INFISICAL_PROJECT_ID: 'project-1',
          INFISICAL_ENVIRONMENT: 'prod',
          INFISICAL_CLIENT_ID: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
          INFISICAL_CLIENT_SECRET: 'client-secret-value-0123456789abcdef',
          INFISICAL_MIRROR_TO_PROCESS_ENV: 'DATABASE_URL,hasOwnProperty',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InfisicalOptionsError);
    expect((error as Error).message).toMatch(/INFISICAL_MIRROR_TO_PROCESS_ENV \(option mirrorToProcessEnv\): cannot mirror "hasOwnProperty"/);
  });

  it('the module options reader uses it', () => {
    expect(() => resolveInfisicalOptions({ enabled: false, mirrorToProcessEnv: ['valueOf'] })).toThrow(/mirrorToProcessEnv: cannot mirror "valueOf"/);
  });
});
