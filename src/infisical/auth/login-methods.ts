import type { HttpSettings } from '../api/http-request.js';
import type { KeylessLogin } from '../errors/keyless-login.errors.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import { authMethodInfo } from '../options/auth-methods.js';
import type { ResolvedAuth } from '../options/resolved-options.interface.js';
import { AwsCredentialsSource } from './aws-credentials.source.js';
import { AwsIamLogin } from './aws-iam.login.js';
import { GcpMetadataTokenSource } from './gcp-metadata.token-source.js';
import type { LoginMethod } from './login-method.interface.js';
import { PlatformJwtLogin } from './platform-jwt.login.js';
import { FileTokenSource, FixedTokenSource } from './platform-token.source.js';
import { TokenAuthLogin } from './token-auth.login.js';
import { UniversalAuthLogin } from './universal-auth.login.js';

/** The method and identity of a keyless login (for messages), or undefined for Universal Auth and Token Auth. */
export function keylessLoginOf(auth: ResolvedAuth): KeylessLogin | undefined {
  if (auth.method === 'universal-auth' || auth.method === 'token') return undefined;
  return { method: auth.method, label: authMethodInfo(auth.method).label, identityId: auth.identityId };
}

/** The login method for the resolved `auth` option; platform credentials are fetched with `http`. */
export function createLoginMethod(auth: ResolvedAuth, clock: InfisicalClock, http: HttpSettings, env: NodeJS.ProcessEnv = process.env): LoginMethod {
  const path = authMethodInfo(auth.method).path!;
  switch (auth.method) {
    case 'universal-auth':
      return new UniversalAuthLogin(auth.clientId, auth.clientSecret);
    case 'token':
      return new TokenAuthLogin(auth.accessToken, clock);
    case 'gcp-id-token': {
      const login = keylessLoginOf(auth)!;
      return new PlatformJwtLogin(login, path, new GcpMetadataTokenSource(login, http, env));
    }
    case 'kubernetes': {
      const login = keylessLoginOf(auth)!;
      return new PlatformJwtLogin(login, path, new FileTokenSource(login, auth.tokenPath, { clock, timeoutMs: http.timeoutMs }));
    }
    case 'oidc':
    case 'jwt': {
      const login = keylessLoginOf(auth)!;
      return new PlatformJwtLogin(login, path, auth.jwt !== undefined ? new FixedTokenSource(auth.jwt) : new FileTokenSource(login, auth.jwtFile!, { clock, timeoutMs: http.timeoutMs }));
    }
    case 'aws-iam': {
      const login = keylessLoginOf(auth)!;
      return new AwsIamLogin(login, path, new AwsCredentialsSource(login, http, env), clock, env);
    }
  }
}
