import type { InfisicalApi } from '../api/infisical-api.js';
import type { LoginAnswer } from '../api/login-response.parser.js';
import { InfisicalAuthenticationError, InfisicalTokenError } from '../errors/authentication.errors.js';
import { InfisicalError } from '../errors/infisical.error.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import type { SecretRedactor } from '../redaction/secret-redactor.js';
import type { LoginMethod } from './login-method.interface.js';

/** What the session knows about its access token (never the token itself). */
export interface AccessTokenInfo {
  issuedAt: number;
  expiresAt: number | undefined;
  maxExpiresAt: number | undefined;
}

interface Token extends AccessTokenInfo {
  value: string;
  /** False once a renewal did not extend the token (max TTL reached, or a server that renews in place). */
  renewable: boolean;
}

/** Counts of what the session did, for metrics and tests. */
export interface SessionEvents {
  onLogin?(): void;
  onRenew?(): void;
}

/**
 * Holds the identity access token: logs in when there is none, renews it when a third of its lifetime is left, and
 * replaces it with a fresh login when renewal can no longer extend it. Concurrent callers share one login or
 * renewal. A token the server rejects (expired → 403 TokenError, revoked → 401) leads to one fresh login and one
 * retry, never more.
 */
export class AccessTokenSession {
  #token: Token | undefined;
  #pending: Promise<Token> | undefined;

  constructor(
    private readonly method: LoginMethod,
    private readonly api: InfisicalApi,
    private readonly target: InfisicalTarget,
    private readonly clock: InfisicalClock,
    private readonly redactor: SecretRedactor,
    private readonly clientId: string | undefined,
    private readonly events: SessionEvents = {},
  ) {
    redactor.add('credentials', ...method.secrets);
  }

  get label(): string {
    return this.method.label;
  }

  /** Expiry information of the current token, if any. */
  get info(): AccessTokenInfo | undefined {
    const t = this.#token;
    return t && { issuedAt: t.issuedAt, expiresAt: t.expiresAt, maxExpiresAt: t.maxExpiresAt };
  }

  /** Logs in now, whatever the current token (used by `verify-infisical`). */
  async login(signal: AbortSignal): Promise<AccessTokenInfo> {
    this.#token = undefined;
    await this.#shared(() => this.#login(signal));
    return this.info as AccessTokenInfo;
  }

  /** Runs `call` with a valid token; on a rejected token, logs in once more and retries once. */
  async withToken<T>(signal: AbortSignal, call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.#valid(signal);
    try {
      return await call(token.value);
    } catch (error) {
      if (!(error instanceof InfisicalTokenError)) throw error;
      if (this.#token === token) this.#token = undefined;
      if (!this.method.canLogIn) throw new InfisicalAuthenticationError(this.target, 'token-rejected');
      const fresh = await this.#valid(signal);
      try {
        return await call(fresh.value);
      } catch (retryError) {
        // A token refused right after a fresh login is no longer a matter of expiry: it needs a human.
        if (retryError instanceof InfisicalTokenError) throw new InfisicalAuthenticationError(this.target, 'access-token-rejected', this.clientId);
        throw retryError;
      }
    }
  }

  /** Revokes the current token (shutdown) and forgets it. */
  async revoke(signal: AbortSignal): Promise<void> {
    const token = this.#token;
    this.#token = undefined;
    if (token) await this.api.revoke(token.value, this.target, signal);
  }

  async #valid(signal: AbortSignal): Promise<Token> {
    const token = this.#token;
    if (token && !this.#dueForRenewal(token)) return token;
    return this.#shared(() => (token ? this.#refresh(token, signal) : this.#login(signal)));
  }

  #shared(run: () => Promise<Token>): Promise<Token> {
    this.#pending ??= run().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  #dueForRenewal(token: Token): boolean {
    if (token.expiresAt === undefined) return false;
    const margin = Math.max((token.expiresAt - token.issuedAt) / 3, 1000);
    return token.expiresAt - this.clock.now() <= margin;
  }

  async #refresh(token: Token, signal: AbortSignal): Promise<Token> {
    const now = this.clock.now();
    const margin = Math.max(((token.expiresAt ?? now) - token.issuedAt) / 3, 1000);
    const canExtend =
      token.renewable && (token.expiresAt ?? 0) - now > 1000 && (token.maxExpiresAt === undefined || token.maxExpiresAt - now > margin);
    if (canExtend) {
      try {
        return await this.#renew(token, signal);
      } catch (error) {
        if (error instanceof InfisicalError && error.transient && !(error instanceof InfisicalTokenError)) throw error;
      }
    }
    if (!this.method.canLogIn) {
      // A fixed token is used until the server refuses it.
      token.renewable = false;
      token.expiresAt = undefined;
      return token;
    }
    return this.#login(signal);
  }

  async #login(signal: AbortSignal): Promise<Token> {
    const answer = await this.method.login(this.api, this.target, signal, (secrets) => this.redactor.replace('platform', secrets));
    this.events.onLogin?.();
    return this.#install(answer, undefined);
  }

  async #renew(token: Token, signal: AbortSignal): Promise<Token> {
    const answer = await this.api.renew(token.value, this.target, signal);
    this.events.onRenew?.();
    // Older servers renew in place: the same JWT comes back, its own expiry unchanged, whatever expiresIn says.
    if (answer.accessToken === token.value) {
      token.renewable = false;
      return token;
    }
    const renewed = this.#install(answer, token.maxExpiresAt);
    renewed.renewable = renewed.expiresAt === undefined || renewed.expiresAt > (token.expiresAt ?? 0) + 1000;
    return renewed;
  }

  #install(answer: LoginAnswer, maxExpiresAt: number | undefined): Token {
    const now = this.clock.now();
    const token: Token = {
      value: answer.accessToken,
      issuedAt: now,
      expiresAt: answer.expiresInSeconds === undefined ? undefined : now + answer.expiresInSeconds * 1000,
      maxExpiresAt: maxExpiresAt ?? (answer.maxTtlSeconds === undefined ? undefined : now + answer.maxTtlSeconds * 1000),
      renewable: true,
    };
    this.redactor.replace('tokens', [token.value]);
    this.#token = token;
    return token;
  }
}

/** Revokes the session's token, giving up after `budgetMs` (a hung server must not hold shutdown). */
export async function revokeWithinBudget(session: AccessTokenSession, clock: InfisicalClock, budgetMs: number, warn: (message: string) => void): Promise<void> {
  const budget = new AbortController();
  const timer = clock.setTimeout(() => budget.abort(), budgetMs);
  try {
    await session.revoke(budget.signal);
  } catch (error) {
    warn(`Could not revoke the Infisical access token: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clock.clearTimeout(timer);
  }
}
