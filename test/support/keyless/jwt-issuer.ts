/** An RS256 JWT issuer the tests control: Google (GCP ID tokens), a Kubernetes cluster, an OIDC provider. */
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';

export interface SignOptions {
  /** Epoch milliseconds of issuance. */
  now: number;
  /** Lifetime in seconds (GCP ID tokens: 3600). @default 3600 */
  ttlSeconds?: number;
}

export class JwtIssuer {
  readonly kid = randomUUID();
  readonly publicKeyPem: string;
  readonly #privateKeyPem: string;
  /** Every JWT signed so far: what a leak scan looks for. */
  readonly issued: string[] = [];

  constructor(readonly issuer: string) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.#privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  sign(claims: Record<string, unknown>, { now, ttlSeconds = 3600 }: SignOptions): string {
    const iat = Math.floor(now / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: this.kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: this.issuer, iat, exp: iat + ttlSeconds, ...claims })).toString('base64url');
    const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(this.#privateKeyPem).toString('base64url');
    const jwt = `${header}.${payload}.${signature}`;
    this.issued.push(jwt);
    return jwt;
  }
}
