/**
 * A loopback stand-in for the GCP metadata server (Cloud Run, GCE): answers
 * `GET /computeMetadata/v1/instance/service-accounts/default/identity?audience=…&format=full` with a Google-style
 * RS256 ID token when the request carries `Metadata-Flavor: Google` (403 otherwise, as the real one). Point
 * `GCE_METADATA_HOST` at `host`, and give the local Infisical server `issuer.publicKeyPem` as Google's cert.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JwtIssuer } from './jwt-issuer.js';

export const GCP_SERVICE_ACCOUNT = 'app-runner@my-project.iam.gserviceaccount.com';
const IDENTITY_PATH = '/computeMetadata/v1/instance/service-accounts/default/identity';

export interface MetadataRequest {
  path: string;
  flavor: string | undefined;
  audience: string | null;
  format: string | null;
}

export interface FakeGcpMetadataOptions {
  /** Time of issuance (an injected clock's `now`). @default Date.now */
  now?: () => number;
  /** The service account the tokens name. @default GCP_SERVICE_ACCOUNT */
  email?: string;
  /** Token lifetime. @default 3600 (as Google's) */
  ttlSeconds?: number;
}

export class FakeGcpMetadataServer {
  readonly issuer = new JwtIssuer('https://accounts.google.com');
  readonly requests: MetadataRequest[] = [];
  /** Signs tokens for this audience instead of the one asked for (a token meant for another identity). */
  audienceOverride: string | undefined;
  /** Answers 404 (no service account attached). */
  noServiceAccount = false;
  email: string;

  private constructor(
    private readonly http: Server,
    private readonly options: FakeGcpMetadataOptions,
  ) {
    this.email = options.email ?? GCP_SERVICE_ACCOUNT;
  }

  static async start(options: FakeGcpMetadataOptions = {}): Promise<FakeGcpMetadataServer> {
    let self: FakeGcpMetadataServer | undefined;
    const http = createServer((req, res) => self!.handle(req.url ?? '/', req.headers['metadata-flavor'] as string | undefined, res));
    self = new FakeGcpMetadataServer(http, options);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return self;
  }

  /** `127.0.0.1:<port>`, the value for `GCE_METADATA_HOST`. */
  get host(): string {
    return `127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Every ID token handed out so far. */
  get issuedTokens(): string[] {
    return this.issuer.issued;
  }

  private handle(url: string, flavor: string | undefined, res: import('node:http').ServerResponse): void {
    const parsed = new URL(url, 'http://metadata.invalid');
    this.requests.push({ path: parsed.pathname, flavor, audience: parsed.searchParams.get('audience'), format: parsed.searchParams.get('format') });
    const send = (status: number, text: string): void => void res.writeHead(status, { 'content-type': 'text/plain', 'metadata-flavor': 'Google' }).end(text);
    if (flavor !== 'Google') return send(403, 'Missing required header "Metadata-Flavor": "Google"');
    if (parsed.pathname !== IDENTITY_PATH || this.noServiceAccount) return send(404, 'Not Found');
    const audience = parsed.searchParams.get('audience');
    if (!audience) return send(400, 'non-empty audience parameter required');
    const full = parsed.searchParams.get('format') === 'full';
    const claims = { aud: this.audienceOverride ?? audience, azp: '1234567890', sub: '1234567890', ...(full ? { email: this.email, email_verified: true } : {}) };
    send(200, this.issuer.sign(claims, { now: (this.options.now ?? Date.now)(), ttlSeconds: this.options.ttlSeconds }));
  }

  close(): Promise<void> {
    this.http.closeAllConnections();
    return new Promise((resolve) => this.http.close(() => resolve()));
  }
}
