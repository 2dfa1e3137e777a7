import { describe, expect, it } from '@jest/globals';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max } from 'class-validator';
import { z } from 'zod';
import { ConfigValidator, type SourcedSecret } from '../../src/infisical/config/config-validator.js';
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
