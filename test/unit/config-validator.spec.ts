import { describe, expect, it } from '@jest/globals';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MinLength, ValidateNested } from 'class-validator';
import { z } from 'zod';
import { ConfigValidator, schemaClassKeys, type SourcedSecret } from '../../src/infisical/config/config-validator.js';
import type { StandardSchemaV1 } from '../../src/infisical/interfaces/standard-schema.interface.js';
import {
  GeminiCredentials,
  InfisicalConfigValidationError,
  IsGeminiApiKey,
  NotionCredentials,
} from '../../src/infisical/index.js';

const GOOD_GEMINI = 'AIza' + 'B'.repeat(35);
const BAD_NOTION = 'not-a-notion-token-value';

class Schema {
  @Type(() => Number)
  @IsInt()
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  DATABASE_URL!: string;

  @IsOptional()
  @IsString()
  GREETING?: string;

  @IsGeminiApiKey()
  GEMINI_API_KEY!: string;
}

const where = 'Infisical environment "dev" (project p, path "/")';
const secrets = (entries: Record<string, string>, version = 3) =>
  new Map<string, SourcedSecret>(Object.entries(entries).map(([k, v]) => [k, { value: v, version }]));

async function issuesOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InfisicalConfigValidationError);
  return error as InfisicalConfigValidationError;
}

describe('ConfigValidator', () => {
  it('merges Infisical > process env > schema defaults, converts types and records every source', async () => {
    const validator = new ConfigValidator(Schema, [], [], where);
    const result = await validator.validate({
      secrets: secrets({ DATABASE_URL: 'postgres://infisical', GEMINI_API_KEY: GOOD_GEMINI, EXTRA: 'x' }),
      secretsSource: 'infisical',
      env: { DATABASE_URL: 'postgres://env', GREETING: 'hi', UNRELATED: 'ignored' },
    });
    expect(result.values).toEqual({ PORT: 3000, DATABASE_URL: 'postgres://infisical', GREETING: 'hi', GEMINI_API_KEY: GOOD_GEMINI, EXTRA: 'x' });
    expect(result.keys).toEqual({
      PORT: { source: 'default' },
      DATABASE_URL: { source: 'infisical', version: 3 },
      GREETING: { source: 'env' },
      GEMINI_API_KEY: { source: 'infisical', version: 3 },
      EXTRA: { source: 'infisical', version: 3 },
    });
  });

  it('converts an env PORT string to a number', async () => {
    const validator = new ConfigValidator(Schema, [], [], where);
    const result = await validator.validate({
      secrets: secrets({ DATABASE_URL: 'x', GEMINI_API_KEY: GOOD_GEMINI }),
      secretsSource: 'infisical',
      env: { PORT: '8080' },
    });
    expect(result.values.PORT).toBe(8080);
    expect(result.keys.PORT).toEqual({ source: 'env' });
  });

  it('reports every missing and malformed key at once, with sources and fixes, without values', async () => {
    const validator = new ConfigValidator(Schema, ['SENTRY_DSN'], [NotionCredentials.definition], where);
    const error = await issuesOf(
      validator.validate({ secrets: secrets({ GEMINI_API_KEY: 'AIzaTOO-SHORT', NOTION_API_KEY: BAD_NOTION }, 7), secretsSource: 'infisical', env: { PORT: 'abc' } }),
    );
    expect(error.keys.sort()).toEqual(['DATABASE_URL', 'GEMINI_API_KEY', 'NOTION_API_KEY', 'PORT', 'SENTRY_DSN']);
    const gemini = error.issues.find((i) => i.key === 'GEMINI_API_KEY');
    expect(gemini).toMatchObject({ kind: 'malformed', source: 'infisical', version: 7 });
    expect(gemini?.fix).toContain(where);
    const notion = error.issues.find((i) => i.key === 'NOTION_API_KEY');
    expect(notion?.messages.join()).toContain('must be a Notion integration secret starting with "ntn_"');
    expect(notion?.fix).toContain('notion.so/my-integrations');
    expect(error.issues.find((i) => i.key === 'PORT')).toMatchObject({ kind: 'malformed', source: 'env' });
    expect(error.issues.find((i) => i.key === 'SENTRY_DSN')).toMatchObject({ kind: 'missing', messages: ['not set'] });
    expect(error.issues.find((i) => i.key === 'DATABASE_URL')).toMatchObject({ kind: 'missing', source: undefined, messages: ['not set', 'expected: DATABASE_URL must be a string'] });
    expect(error.message).toContain('environment "dev"');
    expect(error.message).not.toContain('AIzaTOO-SHORT');
    expect(error.message).not.toContain(BAD_NOTION);
  });

  it('reads "false" as false for a boolean property (implicit conversion alone would make it true)', async () => {
    class Flags {
      @IsBoolean()
      FEATURE_X: boolean = true;
      @IsBoolean()
      FEATURE_Y!: boolean;
    }
    const validator = new ConfigValidator(Flags, [], [], where);
    const result = await validator.validate({ secrets: secrets({ FEATURE_X: 'false' }), secretsSource: 'infisical', env: { FEATURE_Y: 'TRUE' } });
    expect(result.values).toMatchObject({ FEATURE_X: false, FEATURE_Y: true });
    const error = await issuesOf(validator.validate({ secrets: secrets({ FEATURE_X: 'maybe' }), secretsSource: 'infisical', env: { FEATURE_Y: '1' } }));
    expect(error.keys).toEqual(['FEATURE_X']);
  });

  it('never carries the rejected value, even when a schema message quotes it', async () => {
    class Quoting {
      @Matches(/^postgres:\/\//, { message: ({ value }) => `DATABASE_URL "${String(value)}" is not a postgres URL` })
      DATABASE_URL!: string;
    }
    const validator = new ConfigValidator(Quoting, [], [], where);
    const error = await issuesOf(validator.validate({ secrets: secrets({ DATABASE_URL: 'mysql://root:hunter2-password@db' }), secretsSource: 'infisical', env: {} }));
    expect(error.issues[0]?.messages).toEqual(['DATABASE_URL "[REDACTED]" is not a postgres URL']);
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(error.message).not.toContain('hunter2');
  });

  it('treats an empty required value as missing', async () => {
    const validator = new ConfigValidator(undefined, [], [GeminiCredentials.definition], where);
    const error = await issuesOf(validator.validate({ secrets: secrets({ GEMINI_API_KEY: '' }), secretsSource: 'infisical', env: {} }));
    expect(error.issues).toEqual([expect.objectContaining({ key: 'GEMINI_API_KEY', kind: 'missing' })]);
  });

  it('says where to set a key when Infisical is disabled', async () => {
    const validator = new ConfigValidator(undefined, ['API_TOKEN'], [], undefined);
    const error = await issuesOf(validator.validate({ secrets: undefined, secretsSource: 'infisical', env: {} }));
    expect(error.issues[0]?.fix).toBe('set API_TOKEN in the process environment or .env');
  });

  it('accepts a Standard Schema (zod) with defaults and reports its issues by key', async () => {
    const schema = z.object({ PORT: z.coerce.number().int().default(3000), API_URL: z.string().url() });
    const validator = new ConfigValidator(schema, [], [], where);
    const ok = await validator.validate({ secrets: secrets({ API_URL: 'https://api.example.com' }), secretsSource: 'infisical', env: {} });
    expect(ok.values).toMatchObject({ PORT: 3000, API_URL: 'https://api.example.com' });
    expect(ok.keys).toMatchObject({ PORT: { source: 'default' }, API_URL: { source: 'infisical', version: 3 } });
    const error = await issuesOf(validator.validate({ secrets: secrets({ API_URL: 'not a url' }), secretsSource: 'infisical', env: { PORT: 'x' } }));
    expect(error.keys.sort()).toEqual(['API_URL', 'PORT']);
  });
});

/** A hand-made Standard Schema: answers `issues` when given, else the input merged with `output`. */
function standardSchema(issues?: StandardSchemaV1.Issue[], output: Record<string, unknown> = {}): StandardSchemaV1 {
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value: unknown) => (issues ? { issues } : { value: { ...(value as object), ...output } }),
    },
  } as StandardSchemaV1;
}

describe('ConfigValidator: declared and required keys', () => {
  it('declares the schema properties (decorated or initialised), required keys, credential keys and keys required later', () => {
    class Declared {
      @IsString() DECORATED!: string;
      INITIALISED = 'x';
    }
    const validator = new ConfigValidator(Declared, ['REQUIRED_KEY'], [GeminiCredentials.definition], where);
    validator.require(['LATER'], 'required by a feature');
    expect([...validator.declaredKeys].sort()).toEqual(['DECORATED', 'GEMINI_API_KEY', 'INITIALISED', 'LATER', 'REQUIRED_KEY']);
  });

  it('declares no schema keys for a Standard Schema', () => {
    const validator = new ConfigValidator(standardSchema(), ['A'], [], where);
    expect([...validator.declaredKeys]).toEqual(['A']);
  });

  it('reports a key required later with the reason given first, after "not set"', async () => {
    const validator = new ConfigValidator(undefined, [], [], where);
    validator.require(['DATABASE_URL'], "required by registerSecretsAs('database')");
    validator.require(['DATABASE_URL'], 'required by something else');
    const error = await issuesOf(validator.validate({ secrets: secrets({}), secretsSource: 'infisical', env: {} }));
    expect(error.issues).toEqual([
      {
        key: 'DATABASE_URL',
        kind: 'missing',
        source: undefined,
        version: undefined,
        messages: ['not set', "required by registerSecretsAs('database')"],
        fix: `add DATABASE_URL to ${where}, or set it in the process environment / .env`,
      },
    ]);
    expect(error.where).toBe(where);
  });

  it('keeps a required key until it is set again (a refresh that deletes it is rejected)', async () => {
    const validator = new ConfigValidator(undefined, ['TOKEN'], [], where);
    await expect(validator.validate({ secrets: secrets({ TOKEN: 't' }), secretsSource: 'infisical', env: {} })).resolves.toBeDefined();
    const error = await issuesOf(validator.validate({ secrets: secrets({}), secretsSource: 'infisical', env: {} }));
    expect(error.keys).toEqual(['TOKEN']);
  });
});

describe('ConfigValidator: sources', () => {
  it('records where an Infisical value lives, and "cache" for the last-known-good copy, never the value', async () => {
    const validator = new ConfigValidator(undefined, [], [], where);
    const fromCache = new Map<string, SourcedSecret>([['A', { value: 'secret-a', version: 4, projectId: 'p1', environment: 'prod', secretPath: '/app' }]]);
    const result = await validator.validate({ secrets: fromCache, secretsSource: 'cache', env: { A: 'env-a' } });
    expect(result.values).toEqual({ A: 'secret-a' });
    expect(result.keys).toEqual({ A: { source: 'cache', version: 4, projectId: 'p1', environment: 'prod', secretPath: '/app' } });
  });

  it('without a schema, takes from the environment only the declared keys', async () => {
    const validator = new ConfigValidator(undefined, ['PORT'], [], undefined);
    const result = await validator.validate({ secrets: undefined, secretsSource: 'infisical', env: { PORT: '80', HOME_DIR: '/root' } });
    expect(result.values).toEqual({ PORT: '80' });
    expect(result.keys).toEqual({ PORT: { source: 'env' } });
    expect(Object.getPrototypeOf(result.values)).toBeNull();
  });

  it('a Standard Schema sees the whole environment; Infisical values win over it and stay when the schema leaves them out', async () => {
    const validator = new ConfigValidator(standardSchema(undefined, { ADDED: 'by-schema' }), [], [], where);
    const result = await validator.validate({
      secrets: secrets({ A: 'from-infisical' }),
      secretsSource: 'infisical',
      env: { A: 'from-env', HOME_DIR: '/root' },
    });
    expect(result.values).toEqual({ A: 'from-infisical', HOME_DIR: '/root', ADDED: 'by-schema' });
    expect(result.keys).toEqual({ A: { source: 'infisical', version: 3 }, HOME_DIR: { source: 'env' }, ADDED: { source: 'default' } });
  });

  it('a Standard Schema that strips a secret still leaves the secret in the values', async () => {
    const stripping: StandardSchemaV1 = {
      '~standard': { version: 1, vendor: 'test', validate: () => ({ value: { PORT: 3000 } }) },
    } as StandardSchemaV1;
    const result = await new ConfigValidator(stripping, [], [], where).validate({ secrets: secrets({ TOKEN: 't' }), secretsSource: 'infisical', env: { OTHER: 'o' } });
    expect(result.values).toEqual({ TOKEN: 't', PORT: 3000 });
    expect(result.keys).toEqual({ PORT: { source: 'default' }, TOKEN: { source: 'infisical', version: 3 } });
  });
});

describe('ConfigValidator: Standard Schema issues', () => {
  it('names each issue by the first path segment (a key object or a name), "(root)" without a path', async () => {
    const schema = standardSchema([
      { message: 'Expected number', path: [{ key: 'PORT' }, 'nested'] },
      { message: 'Invalid url', path: ['API_URL'] },
      { message: 'Required', path: ['MISSING'] },
      { message: 'Object is broken' },
      { message: 'Empty path', path: [] },
    ]);
    const validator = new ConfigValidator(schema, [], [], where);
    const error = await issuesOf(validator.validate({ secrets: secrets({ API_URL: 'nope' }, 9), secretsSource: 'infisical', env: { PORT: 'x' } }));
    expect(error.issues).toEqual([
      { key: 'PORT', kind: 'malformed', source: 'env', version: undefined, messages: ['Expected number'], fix: 'correct PORT in the process environment / .env' },
      { key: 'API_URL', kind: 'malformed', source: 'infisical', version: 9, messages: ['Invalid url'], fix: `correct API_URL in ${where} (the rejected value is version 9)` },
      { key: 'MISSING', kind: 'missing', source: undefined, version: undefined, messages: ['not set', 'expected: Required'], fix: `add MISSING to ${where}, or set it in the process environment / .env` },
      { key: '(root)', kind: 'missing', source: undefined, version: undefined, messages: ['not set', 'expected: Object is broken', 'expected: Empty path'], fix: `add (root) to ${where}, or set it in the process environment / .env` },
    ]);
  });

  it('gathers several messages of one key once each, and a key both malformed and required-missing is missing', async () => {
    const schema = standardSchema([
      { message: 'too short', path: ['TOKEN'] },
      { message: 'too short', path: ['TOKEN'] },
      { message: 'wrong prefix', path: ['TOKEN'] },
    ]);
    const validator = new ConfigValidator(schema, [], [], where);
    const error = await issuesOf(validator.validate({ secrets: secrets({ TOKEN: 'abc' }), secretsSource: 'infisical', env: {} }));
    expect(error.issues).toEqual([expect.objectContaining({ key: 'TOKEN', kind: 'malformed', messages: ['too short', 'wrong prefix'] })]);

    const emptyRequired = new ConfigValidator(standardSchema([{ message: 'too short', path: ['TOKEN'] }]), ['TOKEN'], [], where);
    const missing = await issuesOf(emptyRequired.validate({ secrets: secrets({ TOKEN: '' }), secretsSource: 'infisical', env: {} }));
    expect(missing.issues).toEqual([expect.objectContaining({ key: 'TOKEN', kind: 'missing', source: 'infisical', messages: ['not set', 'expected: too short'] })]);
  });

  it('masks a rejected value of four characters or more in the messages, not a shorter one', async () => {
    const schema = standardSchema([
      { message: 'got "abcd" for LONG', path: ['LONG'] },
      { message: 'got "abc" for SHORT', path: ['SHORT'] },
    ]);
    const error = await issuesOf(new ConfigValidator(schema, [], [], where).validate({ secrets: secrets({ LONG: 'abcd', SHORT: 'abc' }), secretsSource: 'infisical', env: {} }));
    expect(error.issues.map((i) => i.messages)).toEqual([['got "[REDACTED]" for LONG'], ['got "abc" for SHORT']]);
  });
});

describe('ConfigValidator: fixes', () => {
  it('points a malformed value to the Infisical folder it came from, with its version and where to get a correct one', async () => {
    const validator = new ConfigValidator(undefined, [], [GeminiCredentials.definition], 'sources #1 …, #2 …');
    const imported = new Map<string, SourcedSecret>([['GEMINI_API_KEY', { value: 'AIza-short', version: 12, projectId: 'p2', environment: 'prod', secretPath: '/shared' }]]);
    const error = await issuesOf(validator.validate({ secrets: imported, secretsSource: 'infisical', env: {} }));
    expect(error.issues).toEqual([
      {
        key: 'GEMINI_API_KEY',
        kind: 'malformed',
        source: 'infisical',
        version: 12,
        messages: [`GEMINI_API_KEY ${GeminiCredentials.definition.keys[0]!.expectation}`],
        fix: 'correct GEMINI_API_KEY in Infisical environment "prod" (project p2, path "/shared") (the rejected value is version 12) (get the correct Gemini value from Google AI Studio → Get API key)',
      },
    ]);
  });

  it('says where the value lives even without a version, and names the last-known-good copy as Infisical', async () => {
    const validator = new ConfigValidator(undefined, [], [NotionCredentials.definition], where);
    const cached = new Map<string, SourcedSecret>([['NOTION_API_KEY', { value: BAD_NOTION, version: undefined as unknown as number }]]);
    const error = await issuesOf(validator.validate({ secrets: cached, secretsSource: 'cache', env: {} }));
    expect(error.issues[0]).toMatchObject({ source: 'cache', fix: `correct NOTION_API_KEY in ${where} (get the correct Notion value from notion.so/my-integrations → your integration → Internal Integration Secret)` });
  });

  it('a malformed credential from the environment is corrected there', async () => {
    const validator = new ConfigValidator(undefined, [], [NotionCredentials.definition], undefined);
    const error = await issuesOf(validator.validate({ secrets: undefined, secretsSource: 'infisical', env: { NOTION_API_KEY: BAD_NOTION } }));
    expect(error.where).toBe('the process environment (Infisical disabled)');
    expect(error.issues[0]).toMatchObject({
      kind: 'malformed',
      source: 'env',
      fix: 'correct NOTION_API_KEY in the process environment / .env (get the correct Notion value from notion.so/my-integrations → your integration → Internal Integration Secret)',
    });
  });

  it('a missing credential says where to get it', async () => {
    const validator = new ConfigValidator(undefined, [], [NotionCredentials.definition], undefined);
    const error = await issuesOf(validator.validate({ secrets: undefined, secretsSource: 'infisical', env: { NOTION_API_KEY: '' } }));
    expect(error.issues).toEqual([
      {
        key: 'NOTION_API_KEY',
        kind: 'missing',
        source: undefined,
        version: undefined,
        messages: ['not set'],
        fix: 'set NOTION_API_KEY in the process environment or .env (get it from notion.so/my-integrations → your integration → Internal Integration Secret)',
      },
    ]);
  });

  it('a credential set nowhere is only "not set", with where to get it', async () => {
    const validator = new ConfigValidator(undefined, [], [GeminiCredentials.definition], where);
    const error = await issuesOf(validator.validate({ secrets: secrets({}), secretsSource: 'infisical', env: {} }));
    expect(error.issues).toEqual([
      expect.objectContaining({ key: 'GEMINI_API_KEY', kind: 'missing', messages: ['not set'], fix: `add GEMINI_API_KEY to ${where}, or set it in the process environment / .env (get it from Google AI Studio → Get API key)` }),
    ]);
  });

  it('a well-formed credential the schema rejects gets no credential hint', async () => {
    const schema = standardSchema([{ message: 'not allowed here', path: ['GEMINI_API_KEY'] }]);
    const validator = new ConfigValidator(schema, [], [GeminiCredentials.definition], where);
    const error = await issuesOf(validator.validate({ secrets: secrets({ GEMINI_API_KEY: GOOD_GEMINI }), secretsSource: 'infisical', env: {} }));
    expect(error.issues[0]!.fix).toBe(`correct GEMINI_API_KEY in ${where} (the rejected value is version 3)`);
  });

  it('accepts well-formed credentials', async () => {
    const validator = new ConfigValidator(undefined, [], [GeminiCredentials.definition], where);
    const result = await validator.validate({ secrets: secrets({ GEMINI_API_KEY: GOOD_GEMINI }), secretsSource: 'infisical', env: {} });
    expect(result.values).toEqual({ GEMINI_API_KEY: GOOD_GEMINI });
  });
});

describe('ConfigValidator: schema classes', () => {
  it('reads booleans case- and space-insensitively, leaves other properties and non-strings alone', async () => {
    class Flags {
      @IsBoolean() A!: boolean;
      @IsBoolean() B!: boolean;
      @IsBoolean() C!: boolean;
      @IsBoolean() D: boolean = false;
      @IsString() NAME!: string;
    }
    const result = await new ConfigValidator(Flags, [], [], where).validate({ secrets: secrets({ A: ' True ', B: '0', C: 'FALSE', NAME: 'true' }), secretsSource: 'infisical', env: {} });
    expect(result.values).toEqual({ A: true, B: false, C: false, D: false, NAME: 'true' });
    expect(result.keys).toMatchObject({ D: { source: 'default' } });
  });

  it('reports a non-boolean string for a boolean property as malformed, as given', async () => {
    class Flags {
      @IsBoolean() A!: boolean;
    }
    const error = await issuesOf(new ConfigValidator(Flags, [], [], where).validate({ secrets: secrets({ A: 'yes' }), secretsSource: 'infisical', env: {} }));
    expect(error.issues).toEqual([expect.objectContaining({ key: 'A', kind: 'malformed', messages: ['A must be a boolean value'] })]);
  });

  it('reports the errors of nested objects by their own property', async () => {
    class Pool {
      @IsInt() size: unknown = 'ten';
    }
    class WithNested {
      @ValidateNested() @Type(() => Pool) POOL: Pool = new Pool();
      @MinLength(2) NAME = 'ok';
    }
    const error = await issuesOf(new ConfigValidator(WithNested, [], [], where).validate({ secrets: secrets({}), secretsSource: 'infisical', env: {} }));
    // Only the report itself is pinned: naming a nested property as a missing top-level key is questionable.
    expect(error.keys).toEqual(['size']);
    expect(error.issues[0]!.messages.join()).toContain('size must be an integer number');
  });

  it('converts by the declared property type without @Type (implicit conversion)', async () => {
    class Typed {
      @IsInt() TIMEOUT!: number;
    }
    const result = await new ConfigValidator(Typed, [], [], where).validate({ secrets: undefined, secretsSource: 'infisical', env: { TIMEOUT: '30' } });
    expect(result.values.TIMEOUT).toBe(30);
  });

  it('schemaClassKeys reads decorated properties only when the constructor needs arguments', () => {
    class NeedsArguments {
      @IsString() DECORATED!: string;
      @IsString({ groups: ['admin'] }) GROUPED!: string;
      INITIALISED: string;
      constructor(value: { x: string }) {
        this.INITIALISED = value.x;
      }
    }
    expect(schemaClassKeys(NeedsArguments as never)).toEqual(['DECORATED', 'GROUPED']);
    class Both {
      @IsString() DECORATED = 'd';
      INITIALISED = 'i';
    }
    expect(schemaClassKeys(Both)).toEqual(['DECORATED', 'INITIALISED']);
  });
});

describe('ConfigValidator: what the result holds', () => {
  it('holds no entry for a declared key that is set nowhere and has no default', async () => {
    const validator = new ConfigValidator(Schema, ['OPTIONAL_REQUIRED_LATER'], [], where);
    const result = await validator.validate({
      secrets: secrets({ DATABASE_URL: 'postgres://db', GEMINI_API_KEY: GOOD_GEMINI, OPTIONAL_REQUIRED_LATER: 'x' }),
      secretsSource: 'infisical',
      env: {},
    });
    expect(Object.keys(result.values).sort()).toEqual(['DATABASE_URL', 'GEMINI_API_KEY', 'OPTIONAL_REQUIRED_LATER', 'PORT']);
    expect(Object.keys(result.keys).sort()).toEqual(['DATABASE_URL', 'GEMINI_API_KEY', 'OPTIONAL_REQUIRED_LATER', 'PORT']);
  });

  it('validates the environment alone with a Standard Schema when Infisical is disabled', async () => {
    const result = await new ConfigValidator(standardSchema(undefined, { PORT: 3000 }), [], [], undefined).validate({ secrets: undefined, secretsSource: 'infisical', env: { TOKEN: 't' } });
    expect(result.values).toEqual({ TOKEN: 't', PORT: 3000 });
    expect(result.keys).toEqual({ TOKEN: { source: 'env' }, PORT: { source: 'default' } });
  });

  it('names the Infisical folder of a malformed value only when the secret says all of project, environment and path', async () => {
    const partial = [
      { projectId: 'p', secretPath: '/x' },
      { projectId: 'p', environment: 'prod' },
      { environment: 'prod', secretPath: '/x' },
    ];
    for (const place of partial) {
      const validator = new ConfigValidator(undefined, [], [GeminiCredentials.definition], where);
      const error = await issuesOf(validator.validate({ secrets: new Map([['GEMINI_API_KEY', { value: 'AIza-bad', version: 2, ...place }]]), secretsSource: 'infisical', env: {} }));
      expect(error.issues[0]!.fix).toMatch(new RegExp(`^correct GEMINI_API_KEY in ${where.replace(/[()]/g, '\\$&')} \\(the rejected value is version 2\\)`));
    }
  });
});

describe('ConfigValidator.validate in stages (a large refresh)', () => {
  const input = () => ({
    secrets: secrets({ DATABASE_URL: 'postgres://infisical', GEMINI_API_KEY: GOOD_GEMINI, EXTRA: 'x' }),
    secretsSource: 'infisical' as const,
    env: { GREETING: 'hi', PORT: '8080' },
  });

  it('lets the event loop turn between its stages and gives the same result as without pauses', async () => {
    let pauses = 0;
    const staged = await new ConfigValidator(Schema, [], [], where).validate(input(), async () => void pauses++);
    const whole = await new ConfigValidator(Schema, [], [], where).validate(input());
    expect(pauses).toBe(3);
    expect(staged).toEqual(whole);
    expect(staged.values.PORT).toBe(8080);
  });

  it('refuses a bad value after pausing as it would without pausing', async () => {
    let pauses = 0;
    const error = await issuesOf(
      new ConfigValidator(Schema, [], [], where).validate({ ...input(), secrets: secrets({ DATABASE_URL: 'postgres://x', GEMINI_API_KEY: 'AIza-short' }) }, async () => void pauses++),
    );
    expect(error.issues.map((issue) => issue.key)).toEqual(['GEMINI_API_KEY']);
    expect(pauses).toBe(2);
  });

  it('validates by the rules in force when it starts: a key required during a pause is left to the next validation', async () => {
    const validator = new ConfigValidator(Schema, [], [], where);
    const env = { GREETING: 'hi', LATE_KEY: 'from-operator' };
    const result = await validator.validate({ ...input(), env }, async () => validator.require(['LATE_KEY'], 'required by a late feature'));
    expect(result.values.LATE_KEY).toBeUndefined();
    expect(Object.keys(result.keys)).not.toContain('LATE_KEY');
    const next = await validator.validate({ ...input(), env });
    expect(next.values.LATE_KEY).toBe('from-operator');
    expect(next.keys.LATE_KEY).toEqual({ source: 'env' });
  });
});
