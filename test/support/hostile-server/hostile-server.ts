import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The routes a script can take over; `other` is every path the module is not expected to call. */
export type HostileRoute = 'login' | 'renew' | 'revoke' | 'list' | 'status' | 'other';

/** One request as the server received it (headers and body included, for "what reached this origin" checks). */
export interface ReceivedRequest {
  route: HostileRoute;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * What to answer. `body` is sent as JSON unless it is a string or a Buffer (sent byte for byte); `hang` never answers
 * (the socket stays open until the client gives up or the server closes).
 */
export interface HostileAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  hang?: boolean;
}

/** A fixed answer, or one computed from the request (`undefined` falls back to the healthy answer). */
export type HostileScript = HostileAnswer | ((request: ReceivedRequest, healthy: () => HostileAnswer) => HostileAnswer | undefined);

export interface HostileServerOptions {
  /** Secrets served by the healthy list answer, key → value. */
  secrets?: Record<string, string>;
  /** `expiresIn` of issued tokens (seconds). @default 3600 */
  tokenTtlSeconds?: number;
  /** `accessTokenMaxTTL` of issued tokens (seconds). @default 86400 */
  tokenMaxTtlSeconds?: number;
  /** Prefix of issued access tokens (to tell two origins apart). @default 'hostile' */
  tokenPrefix?: string;
}

const ROUTES: Array<[HostileRoute, string, string]> = [
  ['login', 'POST', '/api/v1/auth/universal-auth/login'],
  ['renew', 'POST', '/api/v1/auth/token/renew'],
  ['revoke', 'POST', '/api/v1/auth/token/revoke'],
  ['list', 'GET', '/api/v3/secrets/raw'],
  ['status', 'GET', '/api/status'],
];

/**
 * An Infisical-compatible server on loopback whose every answer can be scripted per route: any status, any headers
 * (redirects with a `Location` to another origin), any bytes (huge, deeply nested, malformed JSON), or no answer at
 * all. Unscripted routes answer like a healthy Infisical: a login issues a fresh token, a list serves `secrets`.
 * Every request is recorded, so a second instance can stand in for "another origin" and show what reached it.
 */
export class HostileServer {
  readonly requests: ReceivedRequest[] = [];
  /** Secrets of the healthy list answer; change them to rotate. */
  secrets: Record<string, string>;
  readonly #versions = new Map<string, { value: string; version: number }>();
  readonly #scripts = new Map<HostileRoute, Array<{ script: HostileScript; times: number }>>();
  readonly #issued: string[] = [];
  readonly #hung = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: HostileServerOptions,
  ) {
    this.secrets = { ...(options.secrets ?? {}) };
  }

  static async start(options: HostileServerOptions = {}): Promise<HostileServer> {
    let instance: HostileServer | undefined;
    const server = createServer((req, res) => void instance!.#handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    instance = new HostileServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
    return instance;
  }

  /** Answers `route` with `script` from now on (or for the next `times` requests), until {@link heal}. */
  script(route: HostileRoute, script: HostileScript, times = Infinity): this {
    const queue = this.#scripts.get(route) ?? [];
    queue.push({ script, times });
    this.#scripts.set(route, queue);
    return this;
  }

  /** Back to healthy answers on `route` (every route when omitted); hung requests stay hung. */
  heal(route?: HostileRoute): this {
    if (route) this.#scripts.delete(route);
    else this.#scripts.clear();
    return this;
  }

  /** Requests received on `route`. */
  requestsTo(route: HostileRoute): ReceivedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  /** Every access token this server issued (for leak scans). */
  get issuedTokens(): readonly string[] {
    return this.#issued;
  }

  /** Requests that are hanging now. */
  get hanging(): number {
    return this.#hung.size;
  }

  /** The healthy list answer for the current `secrets`. */
  listAnswer(): { secrets: object[]; imports: object[] } {
    const secrets = Object.entries(this.secrets).map(([key, value]) => {
      const known = this.#versions.get(key);
      const version = !known ? 1 : known.value === value ? known.version : known.version + 1;
      this.#versions.set(key, { value, version });
      return secretItem(key, value, version);
    });
    return { secrets, imports: [] };
  }

  /** A fresh access token, recorded in {@link issuedTokens}. */
  issueToken(): string {
    const token = `${this.options.tokenPrefix ?? 'hostile'}.${randomBytes(24).toString('base64url')}`;
    this.#issued.push(token);
    return token;
  }

  async close(): Promise<void> {
    for (const res of this.#hung) res.destroy();
    this.#hung.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #healthy(route: HostileRoute, request: ReceivedRequest): HostileAnswer {
    const token = () => ({
      accessToken: this.issueToken(),
      expiresIn: this.options.tokenTtlSeconds ?? 3600,
      accessTokenMaxTTL: this.options.tokenMaxTtlSeconds ?? 86_400,
      tokenType: 'Bearer',
    });
    switch (route) {
      case 'login':
      case 'renew':
        return { body: token() };
      case 'revoke':
        return { body: { message: 'Successfully revoked access token' } };
      case 'list':
        return { body: this.listAnswer() };
      case 'status':
        return { body: { date: new Date().toISOString(), message: 'Ok', emailConfigured: false } };
      default:
        return { status: 404, body: { reqId: 'req-hostile', statusCode: 404, message: `Route ${request.method}:${request.path} not found`, error: 'Not Found' } };
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const route = ROUTES.find(([, method, path]) => method === req.method && path === url.pathname)?.[0] ?? 'other';
    const request: ReceivedRequest = { route, method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    this.requests.push(request);
    const healthy = () => this.#healthy(route, request);
    const queue = this.#scripts.get(route);
    const entry = queue?.[0];
    if (entry && --entry.times <= 0) queue!.shift();
    const answer = (entry && (typeof entry.script === 'function' ? entry.script(request, healthy) : entry.script)) ?? healthy();
    if (answer.hang) {
      this.#hung.add(res);
      res.on('close', () => this.#hung.delete(res));
      return;
    }
    const payload =
      typeof answer.body === 'string' || Buffer.isBuffer(answer.body) ? answer.body : answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    res.end(payload);
  }
}

/** One item of a list answer, shaped like Infisical's `GET /api/v3/secrets/raw`. */
export function secretItem(key: string, value: string, version = 1, secretPath = '/'): Record<string, unknown> {
  return {
    id: `id-${key}`,
    _id: `id-${key}`,
    workspace: 'hostile-project',
    environment: 'dev',
    version,
    type: 'shared',
    secretKey: key,
    secretValue: value,
    secretComment: '',
    secretPath,
    tags: [],
  };
}

/** A redirect to the same path (and query) on `origin`. */
export function redirectTo(origin: { url: string }, status: number): HostileScript {
  return (request) => ({ status, headers: { location: `${origin.url}${request.path}${request.query.size ? `?${request.query}` : ''}` }, body: '' });
}

/** Infisical's error envelope with `message`. */
export function errorAnswer(status: number, message: string, error = 'Internal Server Error'): HostileAnswer {
  return { status, body: { reqId: 'req-hostile', statusCode: status, message, error } };
}
