import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { InfisicalError } from './infisical.error.js';

/** The keyless login methods, as `INFISICAL_AUTH_METHOD` names them. */
export type KeylessMethodName = 'gcp-id-token' | 'kubernetes' | 'oidc' | 'jwt' | 'aws-iam';

/** What a keyless login is: its method, Infisical's name for it, the identity it logs in as. */
export interface KeylessLogin {
  /** The method, as `INFISICAL_AUTH_METHOD` names it, e.g. `gcp-id-token`. */
  method: KeylessMethodName;
  /** Infisical's name for the method, e.g. `GCP ID Token Auth`. */
  label: string;
  /** The machine identity the login is for. */
  identityId: string;
}

const IDENTITY_PAGE = 'Infisical → Access Control → Machine Identities → <identity>';

/** What to change when Infisical refused a platform credential, from its message. */
function rejectionFix(login: KeylessLogin, message: string): string {
  const page = `${IDENTITY_PAGE} → ${login.label}`;
  if (/service account not allowed/i.test(message)) {
    return `add the service account this service runs as to "Allowed Service Account Emails" in ${page}, or deploy with an allowed one (gcloud run deploy --service-account=<allowed>).`;
  }
  if (/project not allowed|zone not allowed/i.test(message)) return `add this workload's GCP project / zone to the allowed projects / zones in ${page}.`;
  if (/principal ARN not allowed|account ID not allowed/i.test(message)) {
    return `add the IAM role or user this workload runs as to "Allowed Principal ARNs" (and its account to "Allowed Account IDs") in ${page}.`;
  }
  if (/expired/i.test(message)) {
    return login.method === 'oidc' || login.method === 'jwt'
      ? 'give a fresh JWT: point auth.*.jwtFile (INFISICAL_JWT_FILE) at a file the platform keeps current, or replace INFISICAL_JWT.'
      : `check that the platform still rotates this workload's token, and the clock of this machine.`;
  }
  switch (login.method) {
    case 'gcp-id-token':
      return (
        `the ID token's audience must equal the identity ID: set INFISICAL_IDENTITY_ID (auth.gcpIdToken.identityId) to the ID of the identity ` +
        `that has GCP ID Token Auth (type "GCP ID Token"), and run where the Google metadata server issues the token (Cloud Run, GCE, GKE).`
      );
    case 'kubernetes':
      return `check ${page}: the Kubernetes host and token reviewer, and that this pod's service account and namespace are allowed.`;
    case 'aws-iam':
      return `check ${page}: the STS endpoint and the allowed principal ARNs / account IDs for the role this workload runs as.`;
    default:
      return `check ${page}: issuer, audiences, subject and claims bound there must match the JWT this workload presents.`;
  }
}

/** Infisical refused a keyless login: the identity lacks the method, or the platform credential does not satisfy it. */
export class InfisicalIdentityLoginError extends InfisicalError {
  readonly code = 'INFISICAL_IDENTITY_LOGIN_REFUSED';
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
    /** The login that was refused: method and identity. */
    readonly login: KeylessLogin,
    /** `method-not-configured`: the identity lacks this login method; `rejected`: the platform credential does not satisfy it. */
    readonly reason: 'method-not-configured' | 'rejected',
    status: number,
    serverMessage: string,
  ) {
    const said = serverMessage ? `"${serverMessage}"` : `HTTP ${status}`;
    const notConfigured = reason === 'method-not-configured';
    super(
      notConfigured
        ? `Infisical at ${target.siteUrl} has no ${login.label} for machine identity ${login.identityId} (${said}).`
        : `Infisical at ${target.siteUrl} refused the ${login.label} login of machine identity ${login.identityId}: ${said} (HTTP ${status}).`,
      notConfigured
        ? `add ${login.label} to the identity (${IDENTITY_PAGE} → Authentication → Add auth method), or set INFISICAL_IDENTITY_ID to the identity that has it.`
        : rejectionFix(login, serverMessage),
      { siteUrl: target.siteUrl, reason, method: login.method, identityId: login.identityId, status },
    );
  }
}

/** Why the platform credential could not be obtained: metadata server, token file or AWS credentials. */
export type PlatformCredentialFailure =
  | 'metadata-unreachable'
  | 'metadata-refused'
  | 'token-file-missing'
  | 'token-file-unreadable'
  | 'token-file-empty'
  | 'token-file-not-regular'
  | 'token-file-too-large'
  | 'token-file-timeout'
  | 'aws-credentials-missing'
  | 'aws-credentials-endpoint';

/** Where the platform credential was looked for, and what happened (never the credential). */
export interface PlatformCredentialFacts {
  /** Host, URL or file path tried. */
  where: string;
  /** A few words about the failure. */
  detail: string;
}

/** The variable and the option that name a keyless login's token file, as `VARIABLE / option`. */
export function tokenFileSetting(method: KeylessMethodName): string {
  if (method === 'kubernetes') return 'INFISICAL_KUBERNETES_TOKEN_PATH / auth.kubernetes.tokenPath';
  if (method === 'oidc' || method === 'jwt') return `INFISICAL_JWT_FILE / auth.${method}.jwtFile`;
  return 'INFISICAL_KUBERNETES_TOKEN_PATH / INFISICAL_JWT_FILE / auth.kubernetes.tokenPath / auth.*.jwtFile';
}

type CredentialText = (f: PlatformCredentialFacts, setting: string) => { problem: string; fix: string };

const CREDENTIAL_TEXT: Record<PlatformCredentialFailure, CredentialText> = {
  'metadata-unreachable': (f) => ({
    problem: `the GCP metadata server at ${f.where} did not answer (${f.detail}): this process does not seem to run on Google Cloud (Cloud Run, GCE, GKE).`,
    fix: 'run on Google Cloud with a service account, or point GCE_METADATA_HOST (host[:port]) at a metadata server; elsewhere choose another INFISICAL_AUTH_METHOD (universal-auth with INFISICAL_CLIENT_ID / INFISICAL_CLIENT_SECRET).',
  }),
  'metadata-refused': (f) => ({
    problem: `the GCP metadata server at ${f.where} gave no ID token (${f.detail}).`,
    fix: 'give the Cloud Run service / VM a service account (gcloud run deploy --service-account=…); on GKE enable Workload Identity for the pod.',
  }),
  'token-file-missing': (f, setting) => ({
    problem: `the token file ${f.where} does not exist (${f.detail}).`,
    fix: `mount the token (Kubernetes: automountServiceAccountToken, or a projected service-account token volume) or set ${setting} to where it is.`,
  }),
  'token-file-unreadable': (f, setting) => ({
    problem: `the token file ${f.where} cannot be read (${f.detail}).`,
    fix: `let the user this process runs as read the file (check its mode and the pod securityContext), or point ${setting} at a readable copy.`,
  }),
  'token-file-empty': (f) => ({
    problem: `the token file ${f.where} is empty.`,
    fix: 'check what writes the token (the kubelet, a CI step) has written it before the app starts.',
  }),
  'token-file-not-regular': (f, setting) => ({
    problem: `the token file ${f.where} (${setting}) is ${f.detail}, not a regular file: it is not read, so that it cannot hang or flood the login.`,
    fix: `point ${setting} at the regular file the platform writes the token to (Kubernetes: the projected service-account token).`,
  }),
  'token-file-too-large': (f, setting) => ({
    problem: `the token file ${f.where} (${setting}) is too large to be a token (${f.detail}): nothing was read or sent.`,
    fix: `point ${setting} at the file that holds only the JWT (a few KB).`,
  }),
  'token-file-timeout': (f, setting) => ({
    problem: `the token file ${f.where} (${setting}) could not be read in time (${f.detail}).`,
    fix: 'check the volume the file is on (a hung network file system?); the file is read again at the next attempt.',
  }),
  'aws-credentials-missing': (f) => ({
    problem: `no AWS credentials found (${f.detail}).`,
    fix: 'run with an IAM role (ECS task role, EKS Pod Identity, Lambda execution role) or set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials).',
  }),
  'aws-credentials-endpoint': (f) => ({
    problem: `the AWS container credentials endpoint ${f.where} gave no credentials (${f.detail}).`,
    fix: 'check the task / pod role and the AWS_CONTAINER_CREDENTIALS_* and AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE) variables the platform sets.',
  }),
};

/** The platform credential a keyless login sends could not be obtained (before Infisical was asked). */
export class InfisicalPlatformCredentialError extends InfisicalError {
  readonly code = 'INFISICAL_PLATFORM_CREDENTIAL_UNAVAILABLE';
  override readonly transient: boolean;
  constructor(
    /** The login the credential was for: method and identity. */
    readonly login: KeylessLogin,
    /** What went wrong while obtaining the credential. */
    readonly reason: PlatformCredentialFailure,
    facts: PlatformCredentialFacts,
    transient = false,
  ) {
    const { problem, fix } = CREDENTIAL_TEXT[reason](facts, tokenFileSetting(login.method));
    super(`${login.label} (INFISICAL_AUTH_METHOD=${login.method}): ${problem}`, fix, { method: login.method, identityId: login.identityId, reason, where: facts.where });
    this.transient = transient;
  }
}
