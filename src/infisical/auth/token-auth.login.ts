import type { InfisicalApi } from '../api/infisical-api.js';
import type { LoginAnswer } from '../api/login-response.parser.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { LoginMethod } from './login-method.interface.js';

/** The `exp` and `iat` claims of a JWT, read without verifying it (only to schedule renewals). */
export function jwtLifetime(token: string): { exp?: number; iat?: number } {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown; iat?: unknown };
    return {
      exp: typeof claims.exp === 'number' ? claims.exp : undefined,
      iat: typeof claims.iat === 'number' ? claims.iat : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * Token Auth: an identity access token created in Infisical, used as it is. There is no login; the token is renewed
 * like any identity token while its lifetime allows, and once it stops working a new one must be deployed.
 */
export class TokenAuthLogin implements LoginMethod {
  readonly label = 'Token Auth';
  readonly canLogIn = false;
  readonly secrets: readonly string[];

  constructor(
    private readonly accessToken: string,
    private readonly clock: InfisicalClock,
  ) {
    this.secrets = [accessToken];
  }

  async login(_api: InfisicalApi): Promise<LoginAnswer> {
    const { exp } = jwtLifetime(this.accessToken);
    const remaining = exp === undefined ? undefined : exp - this.clock.now() / 1000;
    return { accessToken: this.accessToken, expiresInSeconds: remaining !== undefined && remaining > 0 ? remaining : undefined, maxTtlSeconds: undefined };
  }
}
