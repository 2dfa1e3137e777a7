import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { InfisicalError } from './infisical.error.js';

/** Why a login was refused (each has its own problem and fix text). */
export type InfisicalAuthenticationFailure =
  | 'invalid-credentials'
  | 'client-secret-expired'
  | 'client-secret-exhausted'
  | 'access-token-rejected'
  | 'token-rejected'
  | 'ip-not-allowed';

const UA_PAGE = 'Infisical → Access Control → Machine Identities → <identity> → Universal Auth';
const LOCKOUT = 'repeated wrong client secrets lock the identity (by default 3 within 30 s lock it for 5 minutes)';

const AUTH_TEXT: Record<InfisicalAuthenticationFailure, (site: string, clientId: string) => { problem: string; fix: string }> = {
  'invalid-credentials': (site, clientId) => ({
    problem:
      `Infisical at ${site} rejected the machine identity: "Invalid credentials". Infisical gives this same answer for an ` +
      `unknown client ID and for a wrong, revoked or deleted client secret.`,
    fix:
      `in Infisical → Access Control → Machine Identities, look for the identity whose Universal Auth Client ID is ` +
      `${clientId || 'INFISICAL_CLIENT_ID'}. No identity has it → the client ID is wrong: copy the Client ID into ` +
      `auth.universalAuth.clientId (INFISICAL_CLIENT_ID). One has it → the client secret is wrong or was revoked: create ` +
      `a new client secret there and set auth.universalAuth.clientSecret (INFISICAL_CLIENT_SECRET). Do not retry with ` +
      `guesses: ${LOCKOUT}.`,
  }),
  'client-secret-expired': (site) => ({
    problem: `Infisical at ${site} rejected the machine identity: the client secret has expired (its TTL elapsed) and Infisical has now revoked it.`,
    fix: `in ${UA_PAGE}, create a new client secret — for a long-running service with TTL 0 (no expiry) — and set INFISICAL_CLIENT_SECRET.`,
  }),
  'client-secret-exhausted': (site) => ({
    problem: `Infisical at ${site} rejected the machine identity: the client secret reached its usage limit (every login uses one) and Infisical has now revoked it.`,
    fix: `in ${UA_PAGE}, create a new client secret with max number of uses 0 (unlimited) for a service that restarts and logs in again, and set INFISICAL_CLIENT_SECRET.`,
  }),
  'access-token-rejected': (site) => ({
    problem: `Infisical at ${site} refused an access token it had just issued (login works, reading with the token does not).`,
    fix:
      'check the identity\'s settings: "Access Token Max Number of Uses" (0 = unlimited for a long-running app), ' +
      '"Access Token Trusted IPs", and that the identity still belongs to the organization.',
  }),
  'token-rejected': (site) => ({
    problem: `Infisical at ${site} rejected the configured access token (Token Auth): it has expired, was revoked or is used up, and a token cannot log in again by itself.`,
    fix: 'create a new access token for the identity (Access Control → Machine Identities → <identity> → Token Auth) and set auth.token.accessToken (INFISICAL_TOKEN); for a long-running service prefer a login method that can renew itself.',
  }),
  'ip-not-allowed': (site) => ({
    problem: `Infisical at ${site} refused the login from this machine's IP address (not in the identity's trusted IPs).`,
    fix: 'add the egress IP range of this service to the identity\'s "Client Secret Trusted IPs" / "Access Token Trusted IPs", or route through an allowed address.',
  }),
};

/** Login was refused: wrong credentials, an expired or used-up client secret, a token refused right after login. */
export class InfisicalAuthenticationError extends InfisicalError {
  readonly code = 'INFISICAL_AUTH_FAILED';
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
    /** Why the login was refused. */
    readonly reason: InfisicalAuthenticationFailure,
    clientId = '',
  ) {
    const { problem, fix } = AUTH_TEXT[reason](target.siteUrl, clientId);
    super(problem, fix, { siteUrl: target.siteUrl, reason, ...(clientId ? { clientId } : {}) });
  }
}

/** Universal Auth is temporarily locked for this identity after repeated failed logins. */
export class InfisicalIdentityLockedError extends InfisicalError {
  readonly code = 'INFISICAL_IDENTITY_LOCKED';
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
  ) {
    super(
      `Infisical at ${target.siteUrl} has temporarily locked Universal Auth for this machine identity after repeated ` +
        `logins with a wrong client secret (${LOCKOUT}). The client secret given here was not even checked.`,
      `find what logs in with a wrong secret (another deployment still using an old one?), correct its ` +
        `INFISICAL_CLIENT_SECRET, then wait for the lockout to end or clear it in ${UA_PAGE} (lockout settings).`,
      { siteUrl: target.siteUrl },
    );
  }
}

/** Why Infisical stopped accepting the access token. */
export type InfisicalTokenFailure = 'expired' | 'revoked' | 'exhausted' | 'max-ttl' | 'invalid';

/** The access token stopped working; the module logs in again and retries once. */
export class InfisicalTokenError extends InfisicalError {
  readonly code = 'INFISICAL_TOKEN_REJECTED';
  override readonly transient = true;
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
    /** Why the token stopped working. */
    readonly reason: InfisicalTokenFailure,
  ) {
    super(
      `Infisical at ${target.siteUrl} rejected the access token (${reason}).`,
      "none needed: the module logs in again automatically; if this repeats, check the identity's access token TTL, max TTL and usage limit.",
      { siteUrl: target.siteUrl, reason },
    );
  }
}
