import type { InfisicalApi } from '../api/infisical-api.js';
import type { LoginAnswer } from '../api/login-response.parser.js';
import type { KeylessLogin } from '../errors/keyless-login.errors.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import type { LoginMethod } from './login-method.interface.js';
import type { PlatformTokenSource } from './platform-token.source.js';

/**
 * GCP ID Token, Kubernetes, OIDC and JWT Auth: `POST <path>` with `{ identityId, jwt }`, the JWT obtained from the
 * platform anew for every login (a fresh login after the max TTL presents a fresh JWT, never an expired one).
 */
export class PlatformJwtLogin implements LoginMethod {
  readonly canLogIn = true;
  readonly secrets: readonly string[] = [];

  constructor(
    readonly keyless: KeylessLogin,
    private readonly path: string,
    private readonly source: PlatformTokenSource,
  ) {}

  get label(): string {
    return this.keyless.label;
  }

  async login(api: InfisicalApi, target: InfisicalTarget, signal: AbortSignal, mask: (secrets: string[]) => void): Promise<LoginAnswer> {
    const jwt = await this.source.token(signal);
    mask([jwt]);
    return api.login(this.path, { identityId: this.keyless.identityId, jwt }, target, signal);
  }
}
