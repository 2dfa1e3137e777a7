import { Injectable } from '@nestjs/common';
import { SecretStore } from '../store/secret-store.js';
import { SecretHandle } from './secret-handle.js';
import { GEMINI_API_KEY_RULE, type CredentialDefinition } from './credential-rules.js';

/** Gemini API key (`GEMINI_API_KEY`, starts with `AIza`). */
@Injectable()
export class GeminiCredentials extends SecretHandle {
  /** The Gemini keys and their format rules (checked at bootstrap and by `verify-infisical --credentials`). */
  static readonly definition: CredentialDefinition = { name: 'Gemini', keys: [GEMINI_API_KEY_RULE] };

  constructor(store: SecretStore) {
    super(store, 'GeminiCredentials', GeminiCredentials.definition.keys.map((k) => k.key));
  }

  /** Current `GEMINI_API_KEY`. */
  get apiKey(): string {
    return this.read(GEMINI_API_KEY_RULE.key);
  }
}
