import type { InfisicalApi } from '../api/infisical-api.js';
import type { LoginAnswer } from '../api/login-response.parser.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';

/** One way of obtaining an identity access token (Universal Auth, a platform identity, a fixed token). */
export interface LoginMethod {
  /** Name of the method as Infisical's UI calls it, for messages and `verify-infisical`. */
  readonly label: string;
  /** Values only this method knows (a client secret, a platform JWT) are registered here for masking. */
  readonly secrets: readonly string[];
  /** Whether a fresh login can replace a token that stopped working (false for a fixed token). */
  readonly canLogIn: boolean;
  /**
   * Obtains a new access token, fetching any platform credential first; `mask` registers such a credential (a platform
   * JWT, AWS keys) for masking before it is sent anywhere.
   */
  login(api: InfisicalApi, target: InfisicalTarget, signal: AbortSignal, mask: (secrets: string[]) => void): Promise<LoginAnswer>;
}
