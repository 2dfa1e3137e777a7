import { Injectable } from '@nestjs/common';
import { SecretStore } from '../store/secret-store.js';
import { SecretHandle } from './secret-handle.js';
import {
  GMAIL_CLIENT_ID_RULE,
  GMAIL_CLIENT_SECRET_RULE,
  GMAIL_REFRESH_TOKEN_RULE,
  type CredentialDefinition,
} from './credential-rules.js';

/** Gmail OAuth client (`GMAIL_CLIENT_ID`, `GMAIL_CLIENT_SECRET`, `GMAIL_REFRESH_TOKEN`). */
@Injectable()
export class GmailCredentials extends SecretHandle {
  /** The Gmail keys and their format rules (checked at bootstrap and by `verify-infisical --credentials`). */
  static readonly definition: CredentialDefinition = {
    name: 'Gmail',
    keys: [GMAIL_CLIENT_ID_RULE, GMAIL_CLIENT_SECRET_RULE, GMAIL_REFRESH_TOKEN_RULE],
  };

  constructor(store: SecretStore) {
    super(store, 'GmailCredentials', GmailCredentials.definition.keys.map((k) => k.key));
  }

  /** Current `GMAIL_CLIENT_ID` (ends with `.apps.googleusercontent.com`). */
  get clientId(): string {
    return this.read(GMAIL_CLIENT_ID_RULE.key);
  }

  /** Current `GMAIL_CLIENT_SECRET`. */
  get clientSecret(): string {
    return this.read(GMAIL_CLIENT_SECRET_RULE.key);
  }

  /** Current `GMAIL_REFRESH_TOKEN`. */
  get refreshToken(): string {
    return this.read(GMAIL_REFRESH_TOKEN_RULE.key);
  }
}
