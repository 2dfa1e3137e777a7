import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { describeSources, describeTarget } from './describe-target.js';
import { InfisicalError } from './infisical.error.js';

/** What kind of trouble: network, TLS, timeout, a 5xx, not an Infisical API, an unusable answer or a redirect. */
export type InfisicalUnreachableReason =
  | 'network'
  | 'tls'
  | 'timeout'
  | 'server-error'
  | 'not-infisical'
  | 'invalid-response'
  | 'redirect';

const SITE_EXAMPLES = 'https://app.infisical.com, https://eu.infisical.com or your self-hosted root URL, without "/api"';

const UNREACHABLE_FIX: Record<InfisicalUnreachableReason, (site: string) => string> = {
  network: () =>
    `check siteUrl (INFISICAL_SITE_URL: ${SITE_EXAMPLES}) and that this machine can reach that host (DNS, proxy, firewall, VPC egress).`,
  tls: (site) =>
    `check the scheme and port of siteUrl (INFISICAL_SITE_URL): ${site} does not complete a TLS handshake — ` +
    'a server that speaks plain HTTP needs http://, and a TLS-intercepting proxy needs its CA in NODE_EXTRA_CA_CERTS.',
  timeout: (site) =>
    `check the network path to ${site} (a firewall that drops packets looks exactly like this) and that INFISICAL_SITE_URL ` +
    'is right, or raise requestTimeoutMs / startupTimeoutMs (INFISICAL_STARTUP_TIMEOUT_MS).',
  'server-error': () =>
    "nothing in the settings is known to be wrong: Infisical (or a proxy in front of it) is failing. Retry later and check the instance's status.",
  'not-infisical': () => `set siteUrl (INFISICAL_SITE_URL) to the root URL of your Infisical instance (${SITE_EXAMPLES}).`,
  'invalid-response': () =>
    "nothing in the settings is known to be wrong: the answer was not one Infisical gives. Check the instance's status, or a proxy that rewrites answers.",
  redirect: () =>
    'set siteUrl (INFISICAL_SITE_URL) to the address Infisical really answers on, if you trust the redirect target: ' +
    'the module never follows a redirect, so that credentials and tokens are never sent to another origin.',
};

/**
 * Infisical could not be reached or answered with something unusable: network or TLS failure, timeout, 5xx, an
 * answer that is not Infisical's (HTML, another API), a malformed, oversized or too deeply nested body, or a
 * redirect (never followed). Transient except for redirects.
 */
export class InfisicalUnreachableError extends InfisicalError {
  readonly code = 'INFISICAL_UNREACHABLE';
  override readonly transient: boolean;
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
    /** What kind of trouble it was. */
    readonly reason: InfisicalUnreachableReason,
    /** What happened, in a few words (never a secret; server text already shortened and masked). */
    readonly what: string,
  ) {
    super(
      `Infisical at ${target.siteUrl} could not be used for ${describeTarget(target)}: ${what}.`,
      UNREACHABLE_FIX[reason](target.siteUrl),
      { siteUrl: target.siteUrl, reason, what },
    );
    this.transient = reason !== 'redirect';
  }
}

/** Infisical answered 429; `retryAfterSeconds` is what it asked for. */
export class InfisicalRateLimitError extends InfisicalError {
  readonly code = 'INFISICAL_RATE_LIMITED';
  override readonly transient = true;
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
    /** The wait Infisical asked for (`Retry-After`), when it gave one. */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(
      `Infisical at ${target.siteUrl} rate-limited the read of ${describeTarget(target)}` +
        (retryAfterSeconds !== undefined ? ` and asked to retry in ${retryAfterSeconds} s.` : '.'),
      'raise cacheTtlSeconds (INFISICAL_CACHE_TTL), or reduce the number of instances that share this identity or NAT address.',
      { siteUrl: target.siteUrl, retryAfterSeconds },
    );
  }
}

/** Infisical answered with a status the module does not expect (e.g. 400) — not something a retry fixes. */
export class InfisicalRequestError extends InfisicalError {
  readonly code = 'INFISICAL_REQUEST_FAILED';
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
    /** The HTTP status of the answer. */
    readonly status: number,
    /** The server's message, shortened and masked. */
    readonly serverMessage: string,
    /** What was refused, e.g. `read`. */
    readonly operation = 'read',
  ) {
    super(
      `Infisical at ${target.siteUrl} refused the ${operation} of ${describeTarget(target)} with HTTP ${status}: ${serverMessage}.`,
      'check projectId, environment and secretPath (INFISICAL_PROJECT_ID, INFISICAL_ENVIRONMENT, INFISICAL_SECRET_PATH).',
      { siteUrl: target.siteUrl, status, operation, serverMessage },
    );
  }
}

/** Bootstrap did not get an answer from Infisical within `startupTimeoutMs` (and no usable snapshot). */
export class InfisicalStartupTimeoutError extends InfisicalError {
  readonly code = 'INFISICAL_STARTUP_TIMEOUT';
  override readonly transient = true;
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
    /** The start-up deadline that passed (`startupTimeoutMs`). */
    readonly timeoutMs: number,
    /** Every source bootstrap waited for (default: the target alone). */
    sources: readonly InfisicalTarget[] = [target],
  ) {
    super(
      `Infisical at ${target.siteUrl} did not deliver ${describeSources(sources)} within startupTimeoutMs=${timeoutMs} ms.`,
      'raise startupTimeoutMs (INFISICAL_STARTUP_TIMEOUT_MS), or configure persistentCache (INFISICAL_CACHE_FILE) so ' +
        'the app can start from its last-known-good snapshot.',
      { siteUrl: target.siteUrl, timeoutMs },
    );
  }
}
