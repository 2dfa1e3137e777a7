import type { InfisicalOptionProblem } from '../errors/options.error.js';
import { INFISICAL_ENV_VARIABLES, METHOD_PLACEHOLDER } from './env-variables.js';
import { AUTH_METHODS, AUTH_VARIABLES, authMethodByName, type AuthMethodInfo } from './auth-methods.js';

const METHOD_NAMES = AUTH_METHODS.map((m) => m.method).join(', ');

/**
 * Which login method the environment selects: `INFISICAL_AUTH_METHOD`, else Token Auth when only `INFISICAL_TOKEN`
 * is set, else Universal Auth. Reports an unknown method and every login variable the method does not read (a
 * client secret beside `gcp-id-token`, say), and the variables the method needs.
 * @internal
 */
export function authMethodFromEnv(read: (name: string) => string | undefined, problems: InfisicalOptionProblem[]): AuthMethodInfo | undefined {
  const bad = (variable: string, problem: string) => problems.push({ option: 'auth', variable, problem });
  const chosen = read('INFISICAL_AUTH_METHOD')?.trim().toLowerCase();
  let info: AuthMethodInfo | undefined;
  if (chosen !== undefined) {
    info = authMethodByName(chosen);
    if (!info) return bad('INFISICAL_AUTH_METHOD', `must be one of ${METHOD_NAMES} (got "${chosen.slice(0, 40)}")`), undefined;
  } else if (read('INFISICAL_TOKEN') !== undefined && read('INFISICAL_CLIENT_ID') === undefined && read('INFISICAL_CLIENT_SECRET') === undefined) {
    info = authMethodByName('token');
  } else if (read('INFISICAL_TOKEN') !== undefined) {
    return bad('INFISICAL_TOKEN', 'and INFISICAL_CLIENT_ID / INFISICAL_CLIENT_SECRET are both set: use one login method'), undefined;
  } else {
    info = authMethodByName('universal-auth');
  }
  const method = info!;
  const stray = AUTH_VARIABLES.filter((v) => !method.variables.includes(v) && read(v) !== undefined);
  if (stray.length) {
    bad(
      stray[0]!,
      `${stray.length > 1 ? `(and ${stray.slice(1).join(', ')}) ` : ''}is set, but the login method is ${method.method} (${method.label}), ` +
        `which does not use it: remove it${chosen === undefined ? ', or set INFISICAL_AUTH_METHOD to the method you mean' : ''} — ${method.method} reads ${method.variables.join(', ')}`,
    );
  }
  const needed = method.method === 'universal-auth' ? ['INFISICAL_CLIENT_ID', 'INFISICAL_CLIENT_SECRET'] : method.method === 'token' ? ['INFISICAL_TOKEN'] : ['INFISICAL_IDENTITY_ID'];
  for (const variable of needed) {
    if (read(variable) === undefined) {
      const why = method.method === 'universal-auth' && chosen === undefined ? ' (Universal Auth is the default: for a keyless login set INFISICAL_AUTH_METHOD, e.g. gcp-id-token on Cloud Run)' : ` with INFISICAL_AUTH_METHOD=${method.method}`;
      const option = INFISICAL_ENV_VARIABLES.find((v) => v.variable === variable)!.option.replace(METHOD_PLACEHOLDER, method.option);
      problems.push({ option, variable, problem: `is required${why} (or set INFISICAL_ENABLED=false to run on .env alone)` });
    }
  }
  if ((method.method === 'oidc' || method.method === 'jwt') && (read('INFISICAL_JWT') === undefined) === (read('INFISICAL_JWT_FILE') === undefined)) {
    const both = read('INFISICAL_JWT') !== undefined;
    bad('INFISICAL_JWT', `${both ? 'and INFISICAL_JWT_FILE are both set' : 'or INFISICAL_JWT_FILE is required'} with INFISICAL_AUTH_METHOD=${method.method}: give exactly one (the JWT, or the file the platform writes it to)`);
  }
  return method;
}
