import type { ResolvedAuth } from './resolved-auth.interface.js';

/** One login method: its `auth` option key, its `INFISICAL_AUTH_METHOD` value and Infisical's name for it. */
export interface AuthMethodInfo {
  /** Key of the `auth` option, e.g. `gcpIdToken`. */
  option: string;
  /** Value of `INFISICAL_AUTH_METHOD`, e.g. `gcp-id-token`. */
  method: ResolvedAuth['method'];
  /** Name as Infisical's UI shows it. */
  label: string;
  /** Login route (none for Token Auth). */
  path: string | undefined;
  /** The `INFISICAL_*` variables this method reads (any other login variable set beside it is a mistake). */
  variables: readonly string[];
}

/** Every login method, in the order messages list them. @internal */
export const AUTH_METHODS: readonly AuthMethodInfo[] = [
  { option: 'universalAuth', method: 'universal-auth', label: 'Universal Auth', path: '/api/v1/auth/universal-auth/login', variables: ['INFISICAL_CLIENT_ID', 'INFISICAL_CLIENT_SECRET'] },
  { option: 'gcpIdToken', method: 'gcp-id-token', label: 'GCP ID Token Auth', path: '/api/v1/auth/gcp-auth/login', variables: ['INFISICAL_IDENTITY_ID'] },
  { option: 'kubernetes', method: 'kubernetes', label: 'Kubernetes Auth', path: '/api/v1/auth/kubernetes-auth/login', variables: ['INFISICAL_IDENTITY_ID', 'INFISICAL_KUBERNETES_TOKEN_PATH'] },
  { option: 'oidc', method: 'oidc', label: 'OIDC Auth', path: '/api/v1/auth/oidc-auth/login', variables: ['INFISICAL_IDENTITY_ID', 'INFISICAL_JWT', 'INFISICAL_JWT_FILE'] },
  { option: 'jwt', method: 'jwt', label: 'JWT Auth', path: '/api/v1/auth/jwt-auth/login', variables: ['INFISICAL_IDENTITY_ID', 'INFISICAL_JWT', 'INFISICAL_JWT_FILE'] },
  { option: 'awsIam', method: 'aws-iam', label: 'AWS IAM Auth', path: '/api/v1/auth/aws-auth/login', variables: ['INFISICAL_IDENTITY_ID'] },
  { option: 'token', method: 'token', label: 'Token Auth', path: undefined, variables: ['INFISICAL_TOKEN'] },
];

/** Every variable that selects or feeds a login method. @internal */
export const AUTH_VARIABLES: readonly string[] = [...new Set(AUTH_METHODS.flatMap((m) => m.variables))];

/** The login method of an `auth` option key (`gcpIdToken`). @internal */
export const authMethodByOption = (option: string) => AUTH_METHODS.find((m) => m.option === option);
/** The login method of an `INFISICAL_AUTH_METHOD` value (`gcp-id-token`). @internal */
export const authMethodByName = (method: string) => AUTH_METHODS.find((m) => m.method === method);
/** The facts of a resolved login method. @internal */
export const authMethodInfo = (method: ResolvedAuth['method']) => AUTH_METHODS.find((m) => m.method === method)!;
