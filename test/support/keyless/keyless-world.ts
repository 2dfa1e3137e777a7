/**
 * Everything a keyless login needs around the local Infisical server: a fake GCP metadata server whose key the
 * server trusts as Google's, a Kubernetes token file, OIDC and JWT issuers, AWS principals; and the identity
 * configured for each method with Infisical's allow-lists.
 */
import type { LocalInfisicalServer } from '../infisical-server/index.js';
import { AWS_CONTAINER_PRINCIPAL, AWS_TEST_PRINCIPAL } from './fake-aws-credentials.server.js';
import { FakeGcpMetadataServer, GCP_SERVICE_ACCOUNT } from './fake-gcp-metadata.server.js';
import { JwtIssuer } from './jwt-issuer.js';
import { KubernetesTokenFile } from './kubernetes-token.file.js';

export const OIDC_ISSUER = 'https://token.actions.githubusercontent.com';
export const OIDC_AUDIENCE = 'https://infisical.example';
export const OIDC_SUBJECT = 'repo:acme/app:ref:refs/heads/main';

export interface KeylessWorld {
  metadata: FakeGcpMetadataServer;
  kubernetes: KubernetesTokenFile;
  oidc: JwtIssuer;
  jwt: JwtIssuer;
  /** A JWT for OIDC / JWT Auth that satisfies the identity's bindings (override claims to break them). */
  ciToken(issuer: JwtIssuer, claims?: Record<string, unknown>, ttlSeconds?: number): string;
  /** Every platform credential handed out so far (ID tokens, service-account tokens, CI JWTs, AWS secrets). */
  platformSecrets(): string[];
  close(): Promise<void>;
}

/** Starts the platform fakes and attaches all five keyless methods to `identityId` (token TTLs as given). */
export async function startKeylessWorld(
  server: LocalInfisicalServer,
  now: () => number,
  identityId: string,
  ttl: { accessTokenTTL?: number; accessTokenMaxTTL?: number } = {},
): Promise<KeylessWorld> {
  const metadata = await FakeGcpMetadataServer.start({ now });
  const kubernetes = new KubernetesTokenFile(now);
  const oidc = new JwtIssuer(OIDC_ISSUER);
  const jwt = new JwtIssuer('https://ci.example.com');
  server.setGoogleCerts([metadata.issuer.publicKeyPem]);
  server.configureKeylessAuth(identityId, { method: 'gcp-id-token', allowedServiceAccounts: `other@x.iam.gserviceaccount.com, ${GCP_SERVICE_ACCOUNT}`, ...ttl });
  server.configureKeylessAuth(identityId, { method: 'kubernetes', publicKeys: [kubernetes.cluster.publicKeyPem], allowedNamespaces: 'payments', allowedNames: 'api', ...ttl });
  server.configureKeylessAuth(identityId, { method: 'oidc', publicKeys: [oidc.publicKeyPem], boundIssuer: OIDC_ISSUER, boundAudiences: OIDC_AUDIENCE, boundSubject: OIDC_SUBJECT, ...ttl });
  server.configureKeylessAuth(identityId, { method: 'jwt', publicKeys: [jwt.publicKeyPem], boundIssuer: jwt.issuer, boundAudiences: OIDC_AUDIENCE, ...ttl });
  server.configureKeylessAuth(identityId, { method: 'aws-iam', allowedPrincipalArns: 'arn:aws:sts::123456789012:assumed-role/app-task-role/*', allowedAccountIds: '123456789012', ...ttl });
  server.addAwsPrincipal(AWS_TEST_PRINCIPAL);
  server.addAwsPrincipal(AWS_CONTAINER_PRINCIPAL);
  return {
    metadata,
    kubernetes,
    oidc,
    jwt,
    ciToken: (issuer, claims = {}, ttlSeconds = 600) => issuer.sign({ sub: OIDC_SUBJECT, aud: OIDC_AUDIENCE, ...claims }, { now: now(), ttlSeconds }),
    platformSecrets: () => [
      ...metadata.issuedTokens,
      ...kubernetes.cluster.issued,
      ...oidc.issued,
      ...jwt.issued,
      AWS_TEST_PRINCIPAL.secretAccessKey,
      AWS_CONTAINER_PRINCIPAL.secretAccessKey,
      AWS_CONTAINER_PRINCIPAL.sessionToken,
    ],
    close: async () => {
      kubernetes.remove();
      await metadata.close();
    },
  };
}
