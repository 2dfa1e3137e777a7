import type { InfisicalApi } from '../api/infisical-api.js';
import type { LoginAnswer } from '../api/login-response.parser.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import type { LoginMethod } from './login-method.interface.js';

/** Universal Auth: `POST /api/v1/auth/universal-auth/login` with the client ID and secret. */
export class UniversalAuthLogin implements LoginMethod {
  readonly label = 'Universal Auth';
  readonly canLogIn = true;
  readonly secrets: readonly string[];

  constructor(
    private readonly clientId: string,
    private readonly clientSecret: string,
  ) {
    this.secrets = [clientSecret];
  }

  login(api: InfisicalApi, target: InfisicalTarget, signal: AbortSignal): Promise<LoginAnswer> {
    return api.login('/api/v1/auth/universal-auth/login', { clientId: this.clientId, clientSecret: this.clientSecret }, target, signal);
  }
}
