import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { ResolvedAuth } from '../options/resolved-options.js';
import type { LoginMethod } from './login-method.interface.js';
import { TokenAuthLogin } from './token-auth.login.js';
import { UniversalAuthLogin } from './universal-auth.login.js';

/** The login method for the resolved `auth` option. */
export function createLoginMethod(auth: ResolvedAuth, clock: InfisicalClock): LoginMethod {
  switch (auth.method) {
    case 'universal-auth':
      return new UniversalAuthLogin(auth.clientId, auth.clientSecret);
    case 'token':
      return new TokenAuthLogin(auth.accessToken, clock);
  }
}
