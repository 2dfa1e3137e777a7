/** Machine identity credentials for Infisical Universal Auth. */
export interface UniversalAuthCredentials {
  /** Client ID of the machine identity (Access Control → Machine Identities → Universal Auth): a UUID. */
  clientId: string;
  /** Client secret of the machine identity. Never logged; key material for the last-known-good file by default. */
  clientSecret: string;
}

/** An identity access token used as it is (Infisical Token Auth): no login; renewed like any identity token. */
export interface TokenAuthCredentials {
  /** The identity access token. Never logged. */
  accessToken: string;
}

/**
 * GCP ID Token Auth (Cloud Run, GCE, GKE with the metadata server): each login fetches a Google-signed ID token for
 * the audience `identityId` (`format=full`, so it names the service account) from the metadata server
 * (`GCE_METADATA_HOST`, default `metadata.google.internal`). No secret is configured.
 */
export interface GcpIdTokenAuthOptions {
  /** ID of the machine identity (a UUID) that has GCP ID Token Auth allowing this service account (INFISICAL_IDENTITY_ID). */
  identityId: string;
}

/** Kubernetes Auth: each login reads the pod's service-account token file and sends it. */
export interface KubernetesAuthOptions {
  /** ID of the machine identity that has Kubernetes Auth (INFISICAL_IDENTITY_ID). */
  identityId: string;
  /**
   * Service-account token file (INFISICAL_KUBERNETES_TOKEN_PATH).
   * @default '/var/run/secrets/kubernetes.io/serviceaccount/token'
   */
  tokenPath?: string;
}

/** OIDC Auth or JWT Auth: a JWT issued by a provider Infisical trusts (a CI system, GitHub Actions, an IdP). */
export interface JwtAuthOptions {
  /** ID of the machine identity that has OIDC Auth / JWT Auth (INFISICAL_IDENTITY_ID). */
  identityId: string;
  /** The JWT itself (INFISICAL_JWT). Never logged. Give this or `jwtFile`. */
  jwt?: string;
  /** A file holding the JWT, read again at every login so a rotated token is picked up (INFISICAL_JWT_FILE). */
  jwtFile?: string;
}

/**
 * AWS IAM Auth: each login signs an `sts:GetCallerIdentity` request (SigV4) with the credentials of the environment
 * (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, or the container credentials endpoint of
 * ECS / EKS Pod Identity / Lambda) and sends the signed request, never the AWS secret key.
 */
export interface AwsIamAuthOptions {
  /** ID of the machine identity that has AWS Auth allowing this principal (INFISICAL_IDENTITY_ID). */
  identityId: string;
}

/** How the module logs in to Infisical: exactly one method. */
export type InfisicalAuthOptions =
  | {
      /** Universal Auth: client ID and client secret of the machine identity. */
      universalAuth: UniversalAuthCredentials;
    }
  | {
      /** GCP ID Token Auth (keyless): the identity ID; the token comes from the GCP metadata server. */
      gcpIdToken: GcpIdTokenAuthOptions;
    }
  | {
      /** Kubernetes Auth (keyless): the identity ID; the token is the pod's service account token file. */
      kubernetes: KubernetesAuthOptions;
    }
  | {
      /** OIDC Auth (keyless): the identity ID and a JWT from the platform's OIDC issuer (value or file). */
      oidc: JwtAuthOptions;
    }
  | {
      /** JWT Auth (keyless): the identity ID and a JWT Infisical checks against configured keys (value or file). */
      jwt: JwtAuthOptions;
    }
  | {
      /** AWS IAM Auth (keyless): the identity ID; the request is signed with the AWS credentials of the runtime. */
      awsIam: AwsIamAuthOptions;
    }
  | {
      /** Token Auth: an access token issued in Infisical (no login; not renewed by the module). */
      token: TokenAuthCredentials;
    };
