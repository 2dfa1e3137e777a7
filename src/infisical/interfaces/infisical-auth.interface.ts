/** Machine identity credentials for Infisical Universal Auth. */
export interface UniversalAuthCredentials {
  /** Client ID of the machine identity (Access Control → Machine Identities → Universal Auth): a UUID. */
  clientId: string;
  /** Client secret of the machine identity. Never logged; key material for the last-known-good file by default. */
  clientSecret: string;
}

/** An identity access token used as it is (Infisical Token Auth): no login; renewed like any identity token. */
export interface TokenAuthCredentials {
  /** The identity access token. Never logged. */
  accessToken: string;
}

/** How the module logs in to Infisical: exactly one method. */
export type InfisicalAuthOptions = { universalAuth: UniversalAuthCredentials } | { token: TokenAuthCredentials };
