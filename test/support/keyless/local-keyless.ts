/**
 * Keyless logins against the standalone local server (`npm run infisical:local -- --keyless <method>`): starts the
 * platform fake of one method, makes the server trust it, attaches the method to a seeded identity and returns the
 * variables an application exports to log in without a client secret.
 *
 *   gcp (gcp-id-token)  a fake GCP metadata server (GCE_METADATA_HOST) whose key the server trusts as Google's
 *   kubernetes          a service-account token file (INFISICAL_KUBERNETES_TOKEN_PATH) signed by a test cluster key
 *   oidc, jwt           a JWT file (INFISICAL_JWT_FILE) signed by a test issuer the identity is bound to
 *   aws (aws-iam)       AWS's documentation example keys (AWS_ACCESS_KEY_ID, …), known to the server's STS stand-in
 *
 * Token files are rewritten every 30 minutes (their tokens live one hour), as the kubelet or a CI runner would.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalInfisicalServer } from '../infisical-server/index.js';
import type { KeylessMethod } from '../infisical-server/keyless-auth.service.js';
import { AWS_TEST_PRINCIPAL } from './fake-aws-credentials.server.js';
import { FakeGcpMetadataServer } from './fake-gcp-metadata.server.js';
import { JwtIssuer } from './jwt-issuer.js';
import { OIDC_AUDIENCE, OIDC_ISSUER, OIDC_SUBJECT } from './keyless-world.js';
import { KubernetesTokenFile } from './kubernetes-token.file.js';

/** The names `--keyless` accepts: INFISICAL_AUTH_METHOD's values, plus `gcp` and `aws` for short. */
export const LOCAL_KEYLESS_METHODS: Readonly<Record<string, KeylessMethod>> = {
  gcp: 'gcp-id-token',
  'gcp-id-token': 'gcp-id-token',
  kubernetes: 'kubernetes',
  oidc: 'oidc',
  jwt: 'jwt',
  aws: 'aws-iam',
  'aws-iam': 'aws-iam',
};

const TOKEN_REWRITE_MS = 30 * 60 * 1000;
const LABELS: Record<KeylessMethod, string> = {
  'gcp-id-token': 'GCP ID Token Auth',
  kubernetes: 'Kubernetes Auth',
  oidc: 'OIDC Auth',
  jwt: 'JWT Auth',
  'aws-iam': 'AWS IAM Auth',
};

export interface LocalKeyless {
  method: KeylessMethod;
  /** What was started and what the identity now accepts, one line each (no credential). */
  description: string[];
  /** The variables an application exports (no client secret), in the order to print them. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Resolves a `--keyless` value; throws naming the accepted values. */
export function localKeylessMethod(name: string): KeylessMethod {
  const method = LOCAL_KEYLESS_METHODS[name];
  if (!method) throw new Error(`Unknown --keyless method "${name}": use one of ${Object.keys(LOCAL_KEYLESS_METHODS).join(', ')}`);
  return method;
}

/** A file holding a JWT, rewritten every 30 minutes. */
function jwtFile(sign: () => string): { path: string; stop(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'local-infisical-jwt-'));
  const path = join(dir, 'token');
  const write = () => writeFileSync(path, `${sign()}\n`, { mode: 0o600 });
  write();
  const timer = setInterval(write, TOKEN_REWRITE_MS);
  timer.unref();
  return {
    path,
    stop: () => {
      clearInterval(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Sets up `method` for `identity` on `server`. `base` holds the connection variables of the identity
 * (INFISICAL_SITE_URL, INFISICAL_PROJECT_ID, INFISICAL_ENVIRONMENT); the result adds the method's own.
 */
export async function startLocalKeyless(
  server: LocalInfisicalServer,
  identity: { id: string; name: string },
  method: KeylessMethod,
  base: { INFISICAL_SITE_URL: string; INFISICAL_PROJECT_ID: string; INFISICAL_ENVIRONMENT: string },
): Promise<LocalKeyless> {
  const env: Record<string, string> = {
    INFISICAL_SITE_URL: base.INFISICAL_SITE_URL,
    INFISICAL_AUTH_METHOD: method,
    INFISICAL_IDENTITY_ID: identity.id,
    INFISICAL_PROJECT_ID: base.INFISICAL_PROJECT_ID,
    INFISICAL_ENVIRONMENT: base.INFISICAL_ENVIRONMENT,
  };
  const accepts = `Identity ${identity.name} (${identity.id}) accepts ${LABELS[method]}`;
  switch (method) {
    case 'gcp-id-token': {
      const metadata = await FakeGcpMetadataServer.start();
      server.setGoogleCerts([metadata.issuer.publicKeyPem]);
      server.configureKeylessAuth(identity.id, { method, allowedServiceAccounts: metadata.email });
      return {
        method,
        description: [
          `Fake GCP metadata server on ${metadata.host}: ID tokens for ${metadata.email}, trusted by this server as Google's.`,
          `${accepts} for that service account.`,
        ],
        env: { ...env, GCE_METADATA_HOST: metadata.host },
        close: () => metadata.close(),
      };
    }
    case 'kubernetes': {
      const token = new KubernetesTokenFile(Date.now);
      const timer = setInterval(() => token.rotate(), TOKEN_REWRITE_MS);
      timer.unref();
      server.configureKeylessAuth(identity.id, { method, publicKeys: [token.cluster.publicKeyPem], allowedNamespaces: token.namespace, allowedNames: token.name });
      return {
        method,
        description: [
          `Service-account token file ${token.path} (system:serviceaccount:${token.namespace}:${token.name}), signed by a test cluster key this server trusts.`,
          `${accepts} for namespace ${token.namespace}, service account ${token.name}.`,
        ],
        env: { ...env, INFISICAL_KUBERNETES_TOKEN_PATH: token.path },
        close: async () => {
          clearInterval(timer);
          token.remove();
        },
      };
    }
    case 'oidc':
    case 'jwt': {
      const issuer = new JwtIssuer(method === 'oidc' ? OIDC_ISSUER : 'https://ci.example.com');
      const file = jwtFile(() => issuer.sign({ sub: OIDC_SUBJECT, aud: OIDC_AUDIENCE }, { now: Date.now(), ttlSeconds: 3600 }));
      server.configureKeylessAuth(
        identity.id,
        method === 'oidc'
          ? { method, publicKeys: [issuer.publicKeyPem], boundIssuer: issuer.issuer, boundAudiences: OIDC_AUDIENCE, boundSubject: OIDC_SUBJECT }
          : { method, publicKeys: [issuer.publicKeyPem], boundIssuer: issuer.issuer, boundAudiences: OIDC_AUDIENCE },
      );
      return {
        method,
        description: [
          `JWT file ${file.path}: issuer ${issuer.issuer}, subject ${OIDC_SUBJECT}, audience ${OIDC_AUDIENCE}, signed by a test key this server trusts.`,
          `${accepts} for that issuer and audience.`,
        ],
        env: { ...env, INFISICAL_JWT_FILE: file.path },
        close: async () => file.stop(),
      };
    }
    case 'aws-iam': {
      server.addAwsPrincipal(AWS_TEST_PRINCIPAL);
      server.configureKeylessAuth(identity.id, { method, allowedPrincipalArns: 'arn:aws:sts::123456789012:assumed-role/app-task-role/*', allowedAccountIds: AWS_TEST_PRINCIPAL.account });
      return {
        method,
        description: [
          `AWS principal ${AWS_TEST_PRINCIPAL.arn} (AWS's documentation example keys), known to this server's STS stand-in.`,
          `${accepts} for role app-task-role of account ${AWS_TEST_PRINCIPAL.account}.`,
        ],
        env: { ...env, AWS_ACCESS_KEY_ID: AWS_TEST_PRINCIPAL.accessKeyId, AWS_SECRET_ACCESS_KEY: AWS_TEST_PRINCIPAL.secretAccessKey, AWS_REGION: 'us-east-1' },
        close: async () => undefined,
      };
    }
  }
}
