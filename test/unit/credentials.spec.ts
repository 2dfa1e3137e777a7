import { describe, expect, it } from '@jest/globals';
import { validate } from 'class-validator';
import { inspect } from 'node:util';
import {
  GEMINI_API_KEY_RULE,
  GMAIL_CLIENT_ID_RULE,
  GMAIL_CLIENT_SECRET_RULE,
  GMAIL_REFRESH_TOKEN_RULE,
  IsCredential,
  IsGeminiApiKey,
  IsGmailClientId,
  IsGmailClientSecret,
  IsGmailRefreshToken,
  IsNotionApiKey,
  NOTION_API_KEY_RULE,
  type CredentialKeyRule,
} from '../../src/infisical/credentials/credential-rules.js';
import { GeminiCredentials } from '../../src/infisical/credentials/gemini.credentials.js';
import { GmailCredentials } from '../../src/infisical/credentials/gmail.credentials.js';
import { NotionCredentials } from '../../src/infisical/credentials/notion.credentials.js';
import type { SecretStore } from '../../src/infisical/store/secret-store.js';
import { FakeSecretReader } from '../support/fakes/secret-reader.fake.js';

const GEMINI = 'AIza' + 'aZ09_-'.repeat(5) + 'abcde'; // 39 characters
const NOTION = 'ntn_' + 'Ab1'.repeat(7);
const NOTION_OLD = 'secret_' + 'x'.repeat(20);
const CLIENT_ID = '123456789012-abc123def456.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-' + 'aB3_-'.repeat(4);
const LEGACY_CLIENT_SECRET = 'aZ09_-'.repeat(4); // 24 characters, no prefix
const REFRESH_TOKEN = '1//' + '0Ab_-'.repeat(4);

/** A store that answers the keys of every built-in credential, as `SecretStore` (credential classes are injected with it). */
const storeWith = (entries: Record<string, unknown>) => new FakeSecretReader(entries) as unknown as SecretStore & FakeSecretReader;

describe('credential rules', () => {
  const cases: Array<[CredentialKeyRule, string, string[], string[], string]> = [
    [GEMINI_API_KEY_RULE, 'GEMINI_API_KEY', [GEMINI, 'AIza' + '-'.repeat(35), 'AIza' + '_'.repeat(35)], ['AIza' + 'a'.repeat(34), 'AIza' + 'a'.repeat(36), 'AIzb' + 'a'.repeat(35), 'x' + GEMINI, GEMINI + 'x', 'AIza' + 'a'.repeat(34) + '.', 'AIza' + 'a'.repeat(34) + ' '], 'Google AI Studio'],
    [NOTION_API_KEY_RULE, 'NOTION_API_KEY', [NOTION, NOTION_OLD, 'ntn_' + 'a'.repeat(20), 'ntn_' + 'Z9'.repeat(30)], ['ntn_' + 'a'.repeat(19), 'ntx_' + 'a'.repeat(20), 'secret' + 'a'.repeat(21), 'x' + NOTION, NOTION + '-', 'ntn_' + 'a'.repeat(19) + '_'], 'notion.so/my-integrations'],
    [GMAIL_CLIENT_ID_RULE, 'GMAIL_CLIENT_ID', [CLIENT_ID, '1-a.apps.googleusercontent.com'], ['-abc.apps.googleusercontent.com', 'a1-abc.apps.googleusercontent.com', '12-.apps.googleusercontent.com', '12-ABC.apps.googleusercontent.com', '12-abc.apps.googleusercontent.com.evil', 'x' + CLIENT_ID, '12-abcXappsXgoogleusercontentXcom', '12_abc.apps.googleusercontent.com'], 'OAuth 2.0 Client IDs'],
    [GMAIL_CLIENT_SECRET_RULE, 'GMAIL_CLIENT_SECRET', [CLIENT_SECRET, LEGACY_CLIENT_SECRET, 'GOCSPX-' + 'a'.repeat(20)], ['GOCSPX-' + 'a'.repeat(19), 'a'.repeat(23), 'a'.repeat(25), 'GOCSPX-' + 'a'.repeat(19) + '.', 'x' + CLIENT_SECRET + '.', 'a'.repeat(23) + '.'], 'your OAuth client'],
    [GMAIL_REFRESH_TOKEN_RULE, 'GMAIL_REFRESH_TOKEN', [REFRESH_TOKEN, '1//' + 'a'.repeat(20), '1//' + '9'.repeat(40)], ['1//' + 'a'.repeat(19), '2//' + 'a'.repeat(20), '1/' + 'a'.repeat(21), 'x' + REFRESH_TOKEN, REFRESH_TOKEN + '.', '1//' + 'a'.repeat(19) + '+'], 'OAuth consent flow'],
  ];

  it.each(cases)('%#: %p accepts well-formed values and rejects near misses', (rule, key, good, bad, source) => {
    expect(rule.key).toBe(key);
    for (const value of good) expect({ value, ok: rule.pattern.test(value) }).toEqual({ value, ok: true });
    for (const value of bad) expect({ value, ok: rule.pattern.test(value) }).toEqual({ value, ok: false });
    expect(rule.expectation).toMatch(/^must be /);
    expect(rule.source).toContain(source);
  });

  it('each expectation describes its format', () => {
    expect(GEMINI_API_KEY_RULE.expectation).toBe('must be a Google API key: "AIza" followed by 35 letters, digits, "-" or "_" (39 characters)');
    expect(NOTION_API_KEY_RULE.expectation).toBe('must be a Notion integration secret starting with "ntn_" (or the older "secret_")');
    expect(GMAIL_CLIENT_ID_RULE.expectation).toBe('must be an OAuth client ID ending in ".apps.googleusercontent.com"');
    expect(GMAIL_CLIENT_SECRET_RULE.expectation).toBe('must be an OAuth client secret ("GOCSPX-" followed by at least 20 characters)');
    expect(GMAIL_REFRESH_TOKEN_RULE.expectation).toBe('must be a Google OAuth refresh token starting with "1//"');
  });
});

describe('credential decorators', () => {
  class Credentials {
    @IsGeminiApiKey() GEMINI_API_KEY!: string;
    @IsNotionApiKey() NOTION_API_KEY!: string;
    @IsGmailClientId() GMAIL_CLIENT_ID!: string;
    @IsGmailClientSecret() GMAIL_CLIENT_SECRET!: string;
    @IsGmailRefreshToken() GMAIL_REFRESH_TOKEN!: string;
  }
  const build = (values: Partial<Credentials>) => Object.assign(new Credentials(), values);
  const good = { GEMINI_API_KEY: GEMINI, NOTION_API_KEY: NOTION, GMAIL_CLIENT_ID: CLIENT_ID, GMAIL_CLIENT_SECRET: CLIENT_SECRET, GMAIL_REFRESH_TOKEN: REFRESH_TOKEN };

  it('accept well-formed values', async () => {
    await expect(validate(build(good))).resolves.toEqual([]);
  });

  it('reject each malformed value with "<property> <expectation>", each by its own rule', async () => {
    const swapped = { GEMINI_API_KEY: NOTION, NOTION_API_KEY: GEMINI, GMAIL_CLIENT_ID: CLIENT_SECRET, GMAIL_CLIENT_SECRET: CLIENT_ID, GMAIL_REFRESH_TOKEN: GEMINI };
    const errors = await validate(build(swapped));
    const messages = Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})]));
    expect(messages).toEqual({
      GEMINI_API_KEY: [`GEMINI_API_KEY ${GEMINI_API_KEY_RULE.expectation}`],
      NOTION_API_KEY: [`NOTION_API_KEY ${NOTION_API_KEY_RULE.expectation}`],
      GMAIL_CLIENT_ID: [`GMAIL_CLIENT_ID ${GMAIL_CLIENT_ID_RULE.expectation}`],
      GMAIL_CLIENT_SECRET: [`GMAIL_CLIENT_SECRET ${GMAIL_CLIENT_SECRET_RULE.expectation}`],
      GMAIL_REFRESH_TOKEN: [`GMAIL_REFRESH_TOKEN ${GMAIL_REFRESH_TOKEN_RULE.expectation}`],
    });
  });

  it('take class-validator options (a message of your own, each: true for arrays)', async () => {
    class Custom {
      @IsNotionApiKey({ message: 'use the workspace integration' }) NOTION_API_KEY!: string;
      @IsGeminiApiKey({ each: true }) GEMINI_KEYS!: string[];
      @IsGmailClientId({ message: 'id' }) GMAIL_CLIENT_ID!: string;
      @IsGmailClientSecret({ message: 'secret' }) GMAIL_CLIENT_SECRET!: string;
      @IsGmailRefreshToken({ message: 'token' }) GMAIL_REFRESH_TOKEN!: string;
      @IsCredential({ key: 'MY_KEY', pattern: /^k-\d+$/, expectation: 'must look like k-<digits>', source: 'the vault' }) MY_KEY!: string;
    }
    const errors = await validate(Object.assign(new Custom(), { NOTION_API_KEY: 'nope', GEMINI_KEYS: [GEMINI, 'nope'], GMAIL_CLIENT_ID: 'x', GMAIL_CLIENT_SECRET: 'x', GMAIL_REFRESH_TOKEN: 'x', MY_KEY: 'k-x' }));
    const messages = Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})]));
    expect(messages).toEqual({
      NOTION_API_KEY: ['use the workspace integration'],
      GEMINI_KEYS: [`GEMINI_KEYS ${GEMINI_API_KEY_RULE.expectation}`],
      GMAIL_CLIENT_ID: ['id'],
      GMAIL_CLIENT_SECRET: ['secret'],
      GMAIL_REFRESH_TOKEN: ['token'],
      MY_KEY: ['MY_KEY must look like k-<digits>'],
    });
    await expect(validate(Object.assign(new Custom(), { NOTION_API_KEY: NOTION, GEMINI_KEYS: [GEMINI], GMAIL_CLIENT_ID: CLIENT_ID, GMAIL_CLIENT_SECRET: CLIENT_SECRET, GMAIL_REFRESH_TOKEN: REFRESH_TOKEN, MY_KEY: 'k-1' }))).resolves.toEqual([]);
  });
});

describe('credential classes', () => {
  it('GeminiCredentials: one key, read live, printed redacted', () => {
    const store = storeWith({ GEMINI_API_KEY: GEMINI });
    const gemini = new GeminiCredentials(store);
    expect(GeminiCredentials.definition).toEqual({ name: 'Gemini', keys: [GEMINI_API_KEY_RULE] });
    expect(gemini.keys).toEqual(['GEMINI_API_KEY']);
    expect(gemini.apiKey).toBe(GEMINI);
    store.change({ GEMINI_API_KEY: 'AIza' + 'n'.repeat(35) });
    expect(gemini.apiKey).toBe('AIza' + 'n'.repeat(35));
    expect(String(gemini)).toBe('GeminiCredentials { GEMINI_API_KEY: [REDACTED] }');
  });

  it('NotionCredentials: one key, read live, printed redacted', () => {
    const notion = new NotionCredentials(storeWith({ NOTION_API_KEY: NOTION }));
    expect(NotionCredentials.definition).toEqual({ name: 'Notion', keys: [NOTION_API_KEY_RULE] });
    expect(notion.keys).toEqual(['NOTION_API_KEY']);
    expect(notion.apiKey).toBe(NOTION);
    expect(inspect(notion)).toBe('NotionCredentials { NOTION_API_KEY: [REDACTED] }');
  });

  it('GmailCredentials: three keys, each getter reads its own key, rotation announced once', () => {
    const store = storeWith({ GMAIL_CLIENT_ID: CLIENT_ID, GMAIL_CLIENT_SECRET: CLIENT_SECRET, GMAIL_REFRESH_TOKEN: REFRESH_TOKEN });
    const gmail = new GmailCredentials(store);
    expect(GmailCredentials.definition).toEqual({ name: 'Gmail', keys: [GMAIL_CLIENT_ID_RULE, GMAIL_CLIENT_SECRET_RULE, GMAIL_REFRESH_TOKEN_RULE] });
    expect(gmail.keys).toEqual(['GMAIL_CLIENT_ID', 'GMAIL_CLIENT_SECRET', 'GMAIL_REFRESH_TOKEN']);
    expect([gmail.clientId, gmail.clientSecret, gmail.refreshToken]).toEqual([CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN]);
    let rotations = 0;
    gmail.onRotate(() => rotations++);
    store.change({ GMAIL_CLIENT_SECRET: LEGACY_CLIENT_SECRET, GMAIL_REFRESH_TOKEN: '1//' + 'r'.repeat(20) });
    expect(rotations).toBe(1);
    expect(gmail.clientSecret).toBe(LEGACY_CLIENT_SECRET);
    expect(JSON.stringify(gmail)).toBe('{"GMAIL_CLIENT_ID":"[REDACTED]","GMAIL_CLIENT_SECRET":"[REDACTED]","GMAIL_REFRESH_TOKEN":"[REDACTED]"}');
    expect(String(gmail)).toBe('GmailCredentials { GMAIL_CLIENT_ID: [REDACTED], GMAIL_CLIENT_SECRET: [REDACTED], GMAIL_REFRESH_TOKEN: [REDACTED] }');
  });
});
