/**
 * Keyless machine-identity logins — GCP ID Token, Kubernetes, OIDC, JWT and AWS IAM Auth — with Infisical's checks
 * and messages (backend/src/services/identity-{gcp,kubernetes,oidc,jwt,aws}-auth/*-service.ts). What Infisical asks
 * Google, the Kubernetes API or AWS STS is answered here from keys and principals the test registers:
 * - GCP: Google's signing certificates → `setGoogleCerts` (the fake metadata server's public key);
 * - Kubernetes: the TokenReview → RS256 verification with the method's `publicKeys` (the cluster's issuer key);
 * - OIDC / JWT: the issuer's JWKS / the configured public keys → `publicKeys`;
 * - AWS: STS GetCallerIdentity → the SigV4 signature re-computed (with `@smithy/signature-v4`) from the secret key
 *   of a principal registered with `addAwsPrincipal`.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

import type { AuthService, TokenResponse } from './auth-service.js';
import { badRequest, forbidden, HttpError, notFound, unauthorized } from './errors.js';
import { JwtVerifyError, type JwtPayload } from './jwt.js';
import { type PublicKeyInput, verifyRs256 } from './jwt-rs256.js';
import { AdminInputError, type IdentityRecord, type InfisicalStore } from './store.js';

export type KeylessMethod = 'gcp-id-token' | 'kubernetes' | 'oidc' | 'jwt' | 'aws-iam';

/** Token settings of one auth method (0 / absent = the identity's). */
interface TokenSettings {
  accessTokenTTL?: number;
  accessTokenMaxTTL?: number;
}

/** How an identity's method is configured (comma-separated lists, as in Infisical). */
export type KeylessConfig = TokenSettings &
  (
    | { method: 'gcp-id-token'; allowedServiceAccounts?: string; allowedProjects?: string }
    | { method: 'kubernetes'; publicKeys: string[]; allowedNamespaces?: string; allowedNames?: string }
    | { method: 'oidc'; publicKeys: string[]; boundIssuer: string; boundAudiences?: string; boundSubject?: string }
    | { method: 'jwt'; publicKeys: string[]; boundIssuer?: string; boundAudiences?: string; boundSubject?: string }
    | { method: 'aws-iam'; allowedPrincipalArns?: string; allowedAccountIds?: string }
  );

/** An AWS principal the fake STS knows. */
export interface AwsPrincipal {
  accessKeyId: string;
  secretAccessKey: string;
  arn: string;
  account: string;
  userId: string;
}

const NOT_CONFIGURED: Record<KeylessMethod, string> = {
  'gcp-id-token': 'GCP auth method not found for identity, did you configure GCP auth?',
  kubernetes: 'Kubernetes auth method not found for identity, did you configure Kubernetes auth?',
  oidc: 'OIDC auth method not found for identity, did you configure OIDC auth?',
  jwt: 'JWT auth method not found for identity, did you configure JWT auth?',
  'aws-iam': 'AWS auth method not found for identity, did you configure AWS auth?',
};
const AUTH_METHOD_CLAIM: Record<KeylessMethod, string> = { 'gcp-id-token': 'gcp-auth', kubernetes: 'kubernetes-auth', oidc: 'oidc-auth', jwt: 'jwt-auth', 'aws-iam': 'aws-auth' };

const list = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export class KeylessAuthService {
  private readonly configs = new Map<string, Map<KeylessMethod, KeylessConfig>>();
  private googleCerts: PublicKeyInput[] = [];
  private readonly awsPrincipals = new Map<string, AwsPrincipal>();

  constructor(
    private readonly store: InfisicalStore,
    private readonly auth: AuthService,
    private readonly now: () => number,
  ) {}

  configure(identityId: string, config: KeylessConfig): void {
    this.store.requireIdentity(identityId);
    if (!NOT_CONFIGURED[config.method]) throw new AdminInputError(`Unknown auth method '${String(config.method)}'`, 400);
    const methods = this.configs.get(identityId) ?? new Map<KeylessMethod, KeylessConfig>();
    methods.set(config.method, config);
    this.configs.set(identityId, methods);
  }

  remove(identityId: string, method: KeylessMethod): void {
    this.configs.get(identityId)?.delete(method);
  }

  setGoogleCerts(certs: PublicKeyInput[]): void {
    this.googleCerts = [...certs];
  }

  addAwsPrincipal(principal: AwsPrincipal): void {
    this.awsPrincipals.set(principal.accessKeyId, principal);
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** The identity and its configuration of `method`: 404 when the identity lacks the method, as Infisical answers. */
  private configFor<M extends KeylessMethod>(identityId: string, method: M): { identity: IdentityRecord; config: Extract<KeylessConfig, { method: M }> } {
    const config = this.configs.get(identityId)?.get(method);
    const identity = this.store.identities.get(identityId);
    if (!config) throw notFound(NOT_CONFIGURED[method]);
    if (!identity || identity.deleted) throw unauthorized('Identity not found');
    return { identity, config: config as Extract<KeylessConfig, { method: M }> };
  }

  private issue(identity: IdentityRecord, method: KeylessMethod, config: TokenSettings): TokenResponse {
    return this.auth.loginVerified(identity, AUTH_METHOD_CLAIM[method], config);
  }

  /** identity-gcp-auth: Google-signed, audience = identity ID, issuer accounts.google.com, an email, allow-lists. */
  loginGcp(identityId: string, jwt: string): TokenResponse {
    const { identity, config } = this.configFor(identityId, 'gcp-id-token');
    let claims: JwtPayload;
    try {
      claims = verifyRs256(jwt, this.googleCerts, this.nowSeconds());
      if (claims['aud'] !== identityId) throw new JwtVerifyError('Wrong recipient, payload audience != requiredAudience');
      if (claims['iss'] !== 'https://accounts.google.com' && claims['iss'] !== 'accounts.google.com') throw new JwtVerifyError('Invalid issuer');
    } catch {
      throw unauthorized('Invalid GCP ID token');
    }
    const email = claims['email'];
    if (typeof email !== 'string' || !email) throw unauthorized('GCP ID token is missing an email claim');
    if (config.allowedServiceAccounts && !list(config.allowedServiceAccounts).includes(email)) {
      throw unauthorized('Access denied: GCP service account not allowed.');
    }
    const projectId = (claims['google'] as { compute_engine?: { project_id?: string } } | undefined)?.compute_engine?.project_id;
    if (config.allowedProjects && projectId !== undefined && !list(config.allowedProjects).includes(projectId)) {
      throw unauthorized('Access denied: GCP project not allowed.');
    }
    return this.issue(identity, 'gcp-id-token', config);
  }

  /** identity-kubernetes-auth: the TokenReview (here: the cluster key), then namespace / name allow-lists. */
  loginKubernetes(identityId: string, jwt: string): TokenResponse {
    const { identity, config } = this.configFor(identityId, 'kubernetes');
    let claims: JwtPayload;
    try {
      claims = verifyRs256(jwt, config.publicKeys, this.nowSeconds());
    } catch (error) {
      throw new HttpError(401, 'KubernetesTokenReviewError', error instanceof JwtVerifyError ? 'Kubernetes token not authenticated' : String(error));
    }
    const [, , namespace, name] = String(claims['sub'] ?? '').split(':');
    if (config.allowedNamespaces && !list(config.allowedNamespaces).includes(namespace ?? '')) throw unauthorized('Access denied: K8s namespace not allowed.');
    if (config.allowedNames && !list(config.allowedNames).includes(name ?? '')) throw unauthorized('Access denied: K8s name not allowed.');
    return this.issue(identity, 'kubernetes', config);
  }

  /** identity-oidc-auth / identity-jwt-auth: signature with the issuer's keys, then issuer, subject, audiences. */
  loginJwt(method: 'oidc' | 'jwt', identityId: string, jwt: string): TokenResponse {
    const { identity, config } = this.configFor(identityId, method);
    let claims: JwtPayload;
    try {
      claims = verifyRs256(jwt, config.publicKeys, this.nowSeconds(), method === 'oidc' ? { issuer: config.boundIssuer } : {});
    } catch (error) {
      if (!(error instanceof JwtVerifyError)) throw error;
      if (error.message === 'invalid token' || error.message === 'jwt malformed') throw unauthorized('Invalid JWT');
      throw unauthorized(method === 'oidc' ? `Access denied: ${error.message}` : `Access denied: JWT verification failed with all keys. Errors - ${error.message}`);
    }
    if (method === 'jwt' && config.boundIssuer && claims['iss'] !== config.boundIssuer) throw forbidden('Access denied: issuer mismatch');
    if (config.boundSubject && claims['sub'] !== config.boundSubject) {
      throw forbidden(method === 'oidc' ? 'Access denied: OIDC subject not allowed.' : 'Access denied: subject not allowed');
    }
    if (config.boundAudiences) {
      const aud = claims['aud'];
      const auds = Array.isArray(aud) ? aud.map(String) : aud === undefined ? [] : [String(aud)];
      if (!config.boundAudiences.split(', ').some((allowed) => auds.includes(allowed))) {
        throw unauthorized(method === 'oidc' ? 'Access denied: OIDC audience not allowed.' : 'Access denied: token audience not allowed');
      }
    }
    return this.issue(identity, method, config);
  }

  /** identity-aws-auth: region from the signature scope, STS GetCallerIdentity (here: the signature re-computed), allow-lists. */
  async loginAws(identityId: string, method: string, body64: string, headers64: string): Promise<TokenResponse> {
    const { identity, config } = this.configFor(identityId, 'aws-iam');
    let headers: Record<string, string>;
    try {
      headers = JSON.parse(Buffer.from(headers64, 'base64').toString('utf8')) as Record<string, string>;
    } catch {
      throw badRequest('Unexpected token in JSON');
    }
    const body = Buffer.from(body64, 'base64').toString('utf8');
    const authorization = headers['Authorization'] ?? headers['authorization'] ?? '';
    const credential = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
    const region = credential?.[3] ?? null;
    if (!region || !/^[a-z0-9-]{1,20}$/.test(region)) throw badRequest('Invalid AWS region');
    const principal = await this.stsGetCallerIdentity(method, region, headers, body, credential![1]!, authorization);
    if (config.allowedAccountIds && !list(config.allowedAccountIds).includes(principal.account)) {
      throw unauthorized('Access denied: AWS account ID not allowed.');
    }
    if (config.allowedPrincipalArns) {
      const allowed = list(config.allowedPrincipalArns).some((pattern) => new RegExp(`^${pattern.replaceAll('*', '.*')}$`).test(principal.arn));
      if (!allowed) throw unauthorized(`Access denied: AWS principal ARN not allowed. [principal-arn=${principal.arn}]`);
    }
    return this.issue(identity, 'aws-iam', config);
  }

  /**
   * What `https://sts.<region>.amazonaws.com` would answer: the principal whose key signed the request. A wrong
   * signature or an unknown key makes STS answer 403, which Infisical's HTTP client surfaces as
   * "Request failed with status code 403" (an approximation: the exact Infisical status for it is not pinned).
   */
  private async stsGetCallerIdentity(
    method: string,
    region: string,
    headers: Record<string, string>,
    body: string,
    accessKeyId: string,
    authorization: string,
  ): Promise<AwsPrincipal> {
    const refused = () => unauthorized('Request failed with status code 403');
    const principal = this.awsPrincipals.get(accessKeyId);
    const date = headers['X-Amz-Date'] ?? headers['x-amz-date'];
    if (!principal || !date || body !== 'Action=GetCallerIdentity&Version=2011-06-15') throw refused();
    const signingDate = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
    if (Math.abs(signingDate.getTime() - this.now()) > 15 * 60 * 1000) throw refused(); // STS: "Signature expired"
    const sessionToken = headers['X-Amz-Security-Token'] ?? headers['x-amz-security-token'];
    const signer = new SignatureV4({
      credentials: { accessKeyId, secretAccessKey: principal.secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      region,
      service: 'sts',
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: false,
    });
    const unsigned = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(authorization|x-amz-security-token)$/i.test(k)));
    const signed = await signer.sign(
      { method, protocol: 'https:', hostname: headers['Host'] ?? headers['host'] ?? '', path: '/', query: {}, headers: unsigned, body },
      { signingDate },
    );
    if (signed.headers['authorization'] !== authorization) throw refused();
    return principal;
  }
}
