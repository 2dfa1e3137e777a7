import { DynamicSecretsApi } from '../api/dynamic-secrets.api.js';
import { transportFor } from '../api/http-transport.js';
import { InfisicalApi } from '../api/infisical-api.js';
import { MAX_JSON_DEPTH, MAX_RESPONSE_BYTES } from '../infisical.defaults.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { ResolvedAuth, ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { SecretRedactor } from '../redaction/secret-redactor.js';
import { sanitizeServerText } from '../redaction/server-text.js';
import { AccessTokenSession, type SessionEvents } from './access-token.session.js';
import { createLoginMethod, keylessLoginOf } from './login-methods.js';

/** The API client and the token session of one configuration, as the app and `verify-infisical` both use them. */
export interface InfisicalConnection {
  api: InfisicalApi;
  session: AccessTokenSession;
  /** The dynamic-secret lease routes, with the same request settings as `api`. */
  dynamicSecrets: DynamicSecretsApi;
}

const clientIdOf = (auth: ResolvedAuth) => (auth.method === 'universal-auth' ? auth.clientId : undefined);

/** Builds the client (timeouts, size limits, masking of server text) and the session for `options.auth`. */
export function connectToInfisical(
  options: ResolvedInfisicalOptions & { auth: ResolvedAuth },
  clock: InfisicalClock,
  redactor: SecretRedactor,
  events?: SessionEvents,
): InfisicalConnection {
  const http = { transport: () => transportFor(options.fetch), timeoutMs: options.requestTimeoutMs, maxBytes: MAX_RESPONSE_BYTES, maxJsonDepth: MAX_JSON_DEPTH, clock };
  const settings = {
    siteUrl: options.siteUrl,
    http,
    sanitize: (text: string) => redactor.redact(sanitizeServerText(text)),
    clientId: clientIdOf(options.auth),
    keyless: keylessLoginOf(options.auth),
  };
  const api = new InfisicalApi(settings);
  const session = new AccessTokenSession(createLoginMethod(options.auth, clock, http), api, options.sources[0]!, clock, redactor, clientIdOf(options.auth), events);
  return { api, session, dynamicSecrets: new DynamicSecretsApi(settings) };
}
