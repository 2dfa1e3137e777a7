import type { InfisicalApi } from '../../../src/infisical/api/infisical-api.js';
import type { LoginAnswer } from '../../../src/infisical/api/login-response.parser.js';
import type { InfisicalTarget } from '../../../src/infisical/interfaces/infisical-source.interface.js';

/** One call the code under test made on the API. */
export interface FakeApiCall {
  operation: 'login' | 'renew' | 'revoke';
  /** The login path, or the access token renewed / revoked. */
  subject: string;
  body?: Record<string, unknown>;
  target: InfisicalTarget;
  signal: AbortSignal;
}

/** A login / renewal answer with lifetimes in seconds. */
export const loginAnswer = (accessToken: string, expiresInSeconds?: number, maxTtlSeconds?: number): LoginAnswer => ({ accessToken, expiresInSeconds, maxTtlSeconds });

/**
 * The token routes of the Infisical API (login, renew, revoke) without HTTP: each answers through a function the
 * test sets, and every call is recorded. `api` is the object to hand to code that takes an `InfisicalApi`.
 */
export class FakeInfisicalApi {
  readonly calls: FakeApiCall[] = [];
  onLogin: (path: string, body: Record<string, unknown>) => Promise<LoginAnswer> = async () => {
    throw new Error('login not expected');
  };
  onRenew: (accessToken: string) => Promise<LoginAnswer> = async () => {
    throw new Error('renew not expected');
  };
  onRevoke: (accessToken: string, signal: AbortSignal) => Promise<void> = async () => undefined;

  readonly api = {
    login: (path: string, body: Record<string, unknown>, target: InfisicalTarget, signal: AbortSignal) => {
      this.calls.push({ operation: 'login', subject: path, body, target, signal });
      return this.onLogin(path, body);
    },
    renew: (accessToken: string, target: InfisicalTarget, signal: AbortSignal) => {
      this.calls.push({ operation: 'renew', subject: accessToken, target, signal });
      return this.onRenew(accessToken);
    },
    revoke: (accessToken: string, target: InfisicalTarget, signal: AbortSignal) => {
      this.calls.push({ operation: 'revoke', subject: accessToken, target, signal });
      return this.onRevoke(accessToken, signal);
    },
  } as unknown as InfisicalApi;

  /** `operation subject` of every call, in order (e.g. `renew token-1`). */
  get log(): string[] {
    return this.calls.map((c) => `${c.operation} ${c.subject}`);
  }
}
