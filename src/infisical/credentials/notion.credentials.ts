import { Injectable } from '@nestjs/common';
import { SecretStore } from '../store/secret-store.js';
import { SecretHandle } from './secret-handle.js';
import { NOTION_API_KEY_RULE, type CredentialDefinition } from './credential-rules.js';

/** Notion integration secret (`NOTION_API_KEY`, starts with `ntn_` or `secret_`). */
@Injectable()
export class NotionCredentials extends SecretHandle {
  /** The Notion keys and their format rules (checked at bootstrap and by `verify-infisical --credentials`). */
  static readonly definition: CredentialDefinition = { name: 'Notion', keys: [NOTION_API_KEY_RULE] };

  constructor(store: SecretStore) {
    super(store, 'NotionCredentials', NotionCredentials.definition.keys.map((k) => k.key));
  }

  /** Current `NOTION_API_KEY`. */
  get apiKey(): string {
    return this.read(NOTION_API_KEY_RULE.key);
  }
}
