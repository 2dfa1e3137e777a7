import { Matches, type ValidationOptions } from 'class-validator';
import type { CredentialKeyRule } from '../interfaces/credential.interface.js';

/** The credential types live with the other public types (interfaces/); re-exported for the credential code. */
export type { CredentialClass, CredentialDefinition, CredentialKeyRule } from '../interfaces/credential.interface.js';

export const GEMINI_API_KEY_RULE: CredentialKeyRule = {
  key: 'GEMINI_API_KEY',
  pattern: /^AIza[0-9A-Za-z_-]{35}$/,
  expectation: 'must be a Google API key: "AIza" followed by 35 letters, digits, "-" or "_" (39 characters)',
  source: 'Google AI Studio → Get API key',
};

export const NOTION_API_KEY_RULE: CredentialKeyRule = {
  key: 'NOTION_API_KEY',
  pattern: /^(ntn_|secret_)[A-Za-z0-9]{20,}$/,
  expectation: 'must be a Notion integration secret starting with "ntn_" (or the older "secret_")',
  source: 'notion.so/my-integrations → your integration → Internal Integration Secret',
};

export const GMAIL_CLIENT_ID_RULE: CredentialKeyRule = {
  key: 'GMAIL_CLIENT_ID',
  pattern: /^[0-9]+-[a-z0-9]+\.apps\.googleusercontent\.com$/,
  expectation: 'must be an OAuth client ID ending in ".apps.googleusercontent.com"',
  source: 'Google Cloud Console → APIs & Services → Credentials → OAuth 2.0 Client IDs',
};

export const GMAIL_CLIENT_SECRET_RULE: CredentialKeyRule = {
  key: 'GMAIL_CLIENT_SECRET',
  pattern: /^(GOCSPX-[A-Za-z0-9_-]{20,}|[A-Za-z0-9_-]{24})$/,
  expectation: 'must be an OAuth client secret ("GOCSPX-" followed by at least 20 characters)',
  source: 'Google Cloud Console → APIs & Services → Credentials → your OAuth client',
};

export const GMAIL_REFRESH_TOKEN_RULE: CredentialKeyRule = {
  key: 'GMAIL_REFRESH_TOKEN',
  pattern: /^1\/\/[0-9A-Za-z_-]{20,}$/,
  expectation: 'must be a Google OAuth refresh token starting with "1//"',
  source: 'the OAuth consent flow of the Gmail client (e.g. OAuth Playground with your client ID)',
};

/** class-validator decorator applying a credential rule, for use in a configuration schema class. */
export function IsCredential(rule: CredentialKeyRule, options?: ValidationOptions): PropertyDecorator {
  return Matches(rule.pattern, { message: `$property ${rule.expectation}`, ...options });
}

/** `@IsGeminiApiKey()` — the value looks like a Gemini (Google) API key. */
export const IsGeminiApiKey = (options?: ValidationOptions) => IsCredential(GEMINI_API_KEY_RULE, options);
/** `@IsNotionApiKey()` — the value looks like a Notion integration secret. */
export const IsNotionApiKey = (options?: ValidationOptions) => IsCredential(NOTION_API_KEY_RULE, options);
/** `@IsGmailClientId()` — the value looks like a Google OAuth client ID. */
export const IsGmailClientId = (options?: ValidationOptions) => IsCredential(GMAIL_CLIENT_ID_RULE, options);
/** `@IsGmailClientSecret()` — the value looks like a Google OAuth client secret. */
export const IsGmailClientSecret = (options?: ValidationOptions) => IsCredential(GMAIL_CLIENT_SECRET_RULE, options);
/** `@IsGmailRefreshToken()` — the value looks like a Google OAuth refresh token. */
export const IsGmailRefreshToken = (options?: ValidationOptions) => IsCredential(GMAIL_REFRESH_TOKEN_RULE, options);
