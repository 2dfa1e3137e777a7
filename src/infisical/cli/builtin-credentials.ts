import type { CredentialDefinition } from '../credentials/credential-rules.js';
import { GeminiCredentials } from '../credentials/gemini.credentials.js';
import { GmailCredentials } from '../credentials/gmail.credentials.js';
import { NotionCredentials } from '../credentials/notion.credentials.js';
import { VerifyUsageError } from './verify-cli.args.js';

/** The credential definitions `--credentials` can name. */
export const BUILTIN_CREDENTIALS: Readonly<Record<string, CredentialDefinition>> = {
  gmail: GmailCredentials.definition,
  gemini: GeminiCredentials.definition,
  notion: NotionCredentials.definition,
};

/** `['gmail', 'notion']` → their definitions; an unknown name is a usage error. */
export function credentialDefinitions(names: readonly string[]): CredentialDefinition[] {
  const unknown = names.filter((name) => !(name in BUILTIN_CREDENTIALS));
  if (unknown.length) {
    throw new VerifyUsageError(
      `--credentials: unknown credential ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${Object.keys(BUILTIN_CREDENTIALS).join(', ')})`,
    );
  }
  return names.map((name) => BUILTIN_CREDENTIALS[name] as CredentialDefinition);
}
