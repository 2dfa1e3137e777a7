/**
 * LocalInfisicalServer — a local, Infisical-compatible HTTP server (node:http + node:crypto only)
 * for offline development and tests. The real @infisical/sdk (v5) can log in, renew, list and
 * read secrets against it; tests steer it through the in-process admin API (or /__admin/ over
 * HTTP): secrets, permissions, revocations, the server clock, faults and rate limits.
 */
import { type AwsPrincipal, type KeylessConfig, KeylessAuthService, type KeylessMethod } from './keyless-auth.service.js';
import { registerKeylessRoutes } from './routes/keyless.routes.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

import { AuthService, type TokenResponse } from './auth-service.js';
import { DynamicSecretsService } from './dynamic-secrets.service.js';
import {
  defaultErrorMessage,
  defaultErrorName,
  HttpError,
  rateLimitExceeded,
  routeNotFound,
  unauthorized,
} from './errors.js';
import { type ActiveFault, FaultManager } from './faults.js';
import { RequestContext } from './http-context.js';
import { matchesPathPattern } from './paths.js';
import { RateLimiter } from './rate-limiter.js';
import { Router } from './router.js';
import { createAdminRouter, handleAdminRequest } from './routes/admin.routes.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerDynamicSecretRoutes } from './routes/dynamic-secrets.routes.js';
import { registerProjectRoutes } from './routes/project.routes.js';
import { registerSecretsRoutes } from './routes/secrets.routes.js';
import { registerStatusRoutes } from './routes/status.routes.js';
import type { Fault, LocalInfisicalServerOptions, RateLimitConfig, RequestLogEntry, SeedFile } from './seed.types.js';
import { AdminInputError, InfisicalStore, type SecretLocator } from './store.js';

const DEFAULT_NON_JSON_BODY =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Reads a seed from an object or a JSON file path. */
export function loadSeed(seed: SeedFile | string | undefined): SeedFile {
  if (seed === undefined) return { projects: [], identities: [] };
  if (typeof seed === 'string') return JSON.parse(readFileSync(seed, 'utf8')) as SeedFile;
  return seed;
}

export class LocalInfisicalServer {
  private readonly http: Server;
  private readonly store: InfisicalStore;
  private readonly auth: AuthService;
  private readonly keyless: KeylessAuthService;
  private readonly dynamic: DynamicSecretsService;
  private readonly faults = new FaultManager();
  private readonly rateLimiter: RateLimiter;
  private readonly router = new Router();
  private readonly adminRouter: Router;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly log: RequestLogEntry[] = [];
  private readonly baseNow: () => number;
  private readonly adminToken: string | undefined;
  private offsetMs = 0;
  private closePromise: Promise<void> | null = null;
  private address: { url: string; port: number } | null = null;

  static async start(options: LocalInfisicalServerOptions = {}): Promise<LocalInfisicalServer> {
    const server = new LocalInfisicalServer(options);
    await server.listen(options.host ?? '127.0.0.1', options.port ?? 0);
    return server;
  }

  private constructor(options: LocalInfisicalServerOptions) {
    this.baseNow = options.now ?? Date.now;
    this.adminToken = options.adminToken;
    const seed = loadSeed(options.seed);
    const clock = (): number => this.now();
    this.store = new InfisicalStore(seed, clock);
    this.auth = new AuthService(this.store, seed.authSecret ?? randomBytes(32).toString('hex'), clock);
    this.keyless = new KeylessAuthService(this.store, this.auth, clock);
    this.rateLimiter = new RateLimiter(clock, options.rateLimit);
    this.dynamic = new DynamicSecretsService(this.store, clock, options.leaseSweepIntervalMs ?? 1000);
    for (const project of seed.projects ?? []) {
      for (const dynamicSecret of project.dynamicSecrets ?? []) this.dynamic.add(project.id, dynamicSecret);
    }
    const deps = { store: this.store, auth: this.auth, now: clock };
    registerStatusRoutes(this.router, deps);
    registerAuthRoutes(this.router, deps);
    registerKeylessRoutes(this.router, this.keyless);
    registerSecretsRoutes(this.router, deps);
    registerProjectRoutes(this.router, deps);
    registerDynamicSecretRoutes(this.router, this.dynamic);
    this.adminRouter = createAdminRouter(this);

    this.http = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.http.keepAliveTimeout = 5000;
    this.http.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  private listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.http.once('error', onError);
      this.http.listen(port, host, () => {
        this.http.off('error', onError);
        const info = this.http.address() as AddressInfo;
        const urlHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        this.address = { url: `http://${urlHost}:${info.port}`, port: info.port };
        resolve();
      });
    });
  }

  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  get url(): string {
    if (!this.address) throw new Error('LocalInfisicalServer is not listening');
    return this.address.url;
  }

  get port(): number {
    if (!this.address) throw new Error('LocalInfisicalServer is not listening');
    return this.address.port;
  }

  /**
   * Closes the listener and destroys every open socket (idle keep-alive and hung ones too), then stops the lease sweep
   * and waits for the lease operation in flight (close the server before the PostgreSQL it talks to).
   */
  close(): Promise<void> {
    if (!this.closePromise) {
      const listenerClosed = new Promise<void>((resolve) => {
        for (const timer of this.timers) clearTimeout(timer);
        this.timers.clear();
        this.faults.releaseAll();
        this.http.close(() => resolve());
        this.http.closeAllConnections();
        for (const socket of this.sockets) socket.destroy();
      });
      this.closePromise = listenerClosed.then(() => this.dynamic.close());
    }
    return this.closePromise;
  }

  // ---------------------------------------------------------------- clock

  /** Server clock in epoch ms (options.now + advanced offset). */
  now(): number {
    return this.baseNow() + this.offsetMs;
  }

  advanceTime(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new AdminInputError('advanceTime expects a non-negative number of ms');
    this.offsetMs += ms;
  }

  // ---------------------------------------------------------------- secrets admin

  setSecret(s: SecretLocator & { value: string; comment?: string; tags?: string[] }): { version: number } {
    return this.store.setSecret(s);
  }

  deleteSecret(s: SecretLocator): void {
    this.store.deleteSecret(s);
  }

  getSecretVersion(s: SecretLocator): number | undefined {
    return this.store.getSecretVersion(s);
  }

  createFolder(f: { projectId: string; environment: string; path: string }): void {
    this.store.createFolder(f);
  }

  /**
   * Dynamic secrets and leases: `add(projectId, seed)`, `remove({projectId, environment, path?, name})`, `leases()`
   * (no credentials), `sweep()` (revoke what expired on the server clock, e.g. after `advanceTime`).
   */
  get dynamicSecrets(): DynamicSecretsService {
    return this.dynamic;
  }

  // ---------------------------------------------------------------- identities admin

  /** Every access token issued so far (login and renewals), for leak scans. */
  issuedAccessTokens(): string[] {
    return this.auth.issuedTokens();
  }

  /** Makes token renewal behave like older servers: the same JWT back, its own expiry unchanged. */
  setRenewInPlace(enabled: boolean): void {
    this.auth.renewInPlace = enabled;
  }

  /** Revokes the token (all JWTs issued for its token id, including renewals). */
  revokeToken(accessToken: string): void {
    this.auth.adminRevokeToken(accessToken);
  }

  /** Revokes every token the identity holds right now (later logins work). */
  revokeIdentityTokens(identityId: string): void {
    this.auth.adminRevokeIdentityTokens(identityId);
  }

  /** Deletes one client secret (or all of the identity's); tokens issued from it → 401. */
  revokeClientSecret(clientId: string, secret?: string): void {
    this.auth.adminRevokeClientSecret(clientId, secret);
  }

  /** Re-adds a client secret (as a new client secret record created now). */
  restoreClientSecret(clientId: string, secret: string): void {
    this.auth.adminRestoreClientSecret(clientId, secret);
  }

  /** Login → 401 Invalid credentials; existing tokens → 401. */
  deleteIdentity(identityId: string): void {
    this.auth.adminDeleteIdentity(identityId);
  }

  /** Clears a Universal Auth lockout of the identity. */
  clearLockout(identityId: string): void {
    this.store.requireIdentity(identityId);
    this.auth.adminClearLockout(identityId);
  }

  /** Adds (or changes) the identity's membership in a project with these readable environments. */
  setReadPermission(identityId: string, projectId: string, read: string[] | '*'): void {
    const identity = this.store.requireIdentity(identityId);
    this.store.requireProject(projectId);
    identity.memberships.set(projectId, read === '*' ? '*' : [...read]);
  }

  removeProjectMembership(identityId: string, projectId: string): void {
    this.store.requireIdentity(identityId).memberships.delete(projectId);
  }

  /**
   * Issues a token without a login. `issuedSecondsAgo` back-dates the token's creation (its
   * max-TTL budget anchor) while the JWT is signed now for `ttlSeconds` — e.g. to reach
   * "Cannot renew: identity access token has reached its max TTL".
   */
  mintAccessToken(identityId: string, opts: { ttlSeconds?: number; issuedSecondsAgo?: number } = {}): TokenResponse {
    return this.auth.adminMintToken(identityId, opts);
  }

  // ---------------------------------------------------------------- keyless auth methods

  /** Attaches (or replaces) GCP ID Token, Kubernetes, OIDC, JWT or AWS IAM Auth on the identity. */
  configureKeylessAuth(identityId: string, config: KeylessConfig): void {
    this.keyless.configure(identityId, config);
  }

  /** Removes the method from the identity (its logins → 404 "... did you configure ...?"). */
  removeKeylessAuth(identityId: string, method: KeylessMethod): void {
    this.keyless.remove(identityId, method);
  }

  /** The keys "Google" signs ID tokens with (what Infisical fetches as Google's federated sign-on certs). */
  setGoogleCerts(publicKeysPem: string[]): void {
    this.keyless.setGoogleCerts(publicKeysPem);
  }

  /** A principal the built-in stand-in for AWS STS recognises by its access key ID. */
  addAwsPrincipal(principal: AwsPrincipal): void {
    this.keyless.addAwsPrincipal(principal);
  }

  // ---------------------------------------------------------------- faults, rate limit, log

  injectFault(fault: Fault): string {
    return this.faults.inject(fault);
  }

  clearFault(id: string): void {
    this.faults.clear(id);
  }

  /** Removes every fault and releases hung requests (their sockets are destroyed). */
  clearFaults(): void {
    this.faults.clearAll();
  }

  listFaults(): { id: string; fault: Fault; remaining: number | null }[] {
    return this.faults.list();
  }

  setRateLimit(cfg: RateLimitConfig | null): void {
    this.rateLimiter.configure(cfg);
  }

  get rateLimit(): RateLimitConfig | null {
    return this.rateLimiter.current;
  }

  get requests(): readonly RequestLogEntry[] {
    return [...this.log];
  }

  requestsTo(path: string, method?: string): RequestLogEntry[] {
    return this.log.filter(
      (e) => matchesPathPattern(path, e.path) && (method === undefined || e.method === method.toUpperCase()),
    );
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  // ---------------------------------------------------------------- request pipeline

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ctx = new RequestContext(req, res);
    if (ctx.pathname === '/__admin' || ctx.pathname.startsWith('/__admin/')) {
      await handleAdminRequest(ctx, this.adminRouter, this.adminToken);
      return;
    }

    const started = performance.now();
    const entry: RequestLogEntry = {
      method: ctx.method,
      path: ctx.pathname,
      query: ctx.flatQuery(),
      status: null,
      time: this.now(),
      durationMs: 0,
      startedAt: started,
      endedAt: null,
    };
    this.log.push(entry);
    const end = () => {
      entry.endedAt ??= performance.now();
      entry.durationMs = entry.endedAt - started;
    };
    res.once('finish', () => {
      entry.status = res.statusCode;
      end();
    });
    res.once('close', end);

    try {
      const fault = this.faults.take(ctx.method, ctx.pathname, entry.query);
      if (fault) {
        entry.faultId = fault.id;
        if (await this.applyFault(ctx, fault)) return;
      }
      await this.dispatch(ctx, entry);
    } catch (err) {
      if (res.destroyed) return;
      if (!res.headersSent) ctx.sendError(err);
      else res.destroy();
    }
  }

  /** Returns true when the fault fully answered (or swallowed) the request. */
  private async applyFault(ctx: RequestContext, active: ActiveFault): Promise<boolean> {
    const { fault } = active;
    switch (fault.kind) {
      case 'latency':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            resolve();
          }, fault.ms);
          this.timers.add(timer);
          ctx.res.once('close', () => {
            clearTimeout(timer);
            this.timers.delete(timer);
            resolve();
          });
        });
        return ctx.res.destroyed || ctx.res.writableEnded;
      case 'hang':
        this.faults.holdSocket(ctx.req.socket, active.id);
        return true;
      case 'drop':
        ctx.req.socket.destroy();
        return true;
      case 'status':
        ctx.sendError(
          new HttpError(fault.status, fault.error ?? defaultErrorName(fault.status), fault.message ?? defaultErrorMessage(fault.status)),
        );
        return true;
      case 'non-json':
        ctx.sendText(fault.status ?? 502, 'text/html', fault.body ?? DEFAULT_NON_JSON_BODY);
        return true;
      case 'rate-limit': {
        const seconds = Math.ceil(fault.retryAfterSeconds);
        ctx.sendError(
          rateLimitExceeded(`Rate limit exceeded. Please try again in ${seconds} seconds`, { 'retry-after': String(seconds) }),
        );
        return true;
      }
    }
  }

  /**
   * Normal processing, in fastify hook order: global identity injection (every route, 404s
   * included) → route lookup → verifyAuth → rate limit → handler (validation first).
   */
  private async dispatch(ctx: RequestContext, entry: RequestLogEntry): Promise<void> {
    const authorization = ctx.header('authorization');
    if (authorization) {
      ctx.identity = this.auth.authenticate(authorization);
      if (ctx.identity) entry.identityId = ctx.identity.id;
    }
    const match = this.router.match(ctx.method, ctx.pathname);
    if (!match) throw routeNotFound(ctx.method, ctx.pathname);
    ctx.params = match.params;
    if (match.route.auth && !ctx.identity) throw unauthorized('Token missing');
    if (match.route.rateLimited) {
      const key = match.route.rateBucket ? `${match.route.rateBucket}:${ctx.ip}` : ctx.ip;
      Object.assign(ctx.extraHeaders, this.rateLimiter.hit(key));
    }
    await match.route.handler(ctx);
  }
}
