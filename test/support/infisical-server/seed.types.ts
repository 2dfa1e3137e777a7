/**
 * Public types of the local Infisical-compatible server: the seed file format, fault
 * injection, the request log and the server options.
 *
 * The seed format is deliberately small: one organisation, projects with environments,
 * folders, secrets and imports, and machine identities with Universal Auth.
 */

export interface SeedFile {
  /** HS256 secret used to sign access tokens. Random per server when omitted. */
  authSecret?: string;
  projects: SeedProject[];
  identities: SeedIdentity[];
}

export interface SeedProject {
  /** A UUID, like a real Infisical project id. */
  id: string;
  name: string;
  slug: string;
  environments: { slug: string; name: string }[];
  /** '/' exists implicitly in every environment; parent folders are implied. */
  folders?: { environment: string; path: string }[];
  secrets: SeedSecret[];
  /** Ordered by position (first entry = position 1) per importing folder. */
  imports?: { environment: string; path?: string; fromEnvironment: string; fromPath?: string }[];
  /** Dynamic secrets (Infisical's `sql-database` provider on PostgreSQL); their folders are created implicitly. */
  dynamicSecrets?: SeedDynamicSecret[];
}

/**
 * Inputs of Infisical's `sql-database` provider, PostgreSQL only: where and as whom the server runs the statements
 * (an admin role), and the statements. `host` may be a unix-socket directory. Statements default to Infisical's
 * PostgreSQL defaults (privileges on all tables of schema `public`); placeholders `{{username}}`, `{{password}}`,
 * `{{expiration}}` (ISO expiry), `{{database}}`.
 */
export interface SqlDatabaseProviderInputs {
  client: 'postgres';
  host: string;
  port: number;
  database: string;
  username: string;
  password?: string;
  creationStatement?: string;
  renewStatement?: string;
  revocationStatement?: string;
}

export interface SeedDynamicSecret {
  environment: string;
  /** Folder path, default '/'. */
  path?: string;
  /** Stored lower-case (Infisical lower-cases the name a lease asks for). */
  name: string;
  /** ms-style TTL of a lease taken without `ttl`, e.g. "10s" or "1h" (the seed may go below Infisical's "1m"). */
  defaultTTL: string;
  /** ms-style cap on a lease's life from its creation; absent/null = none. */
  maxTTL?: string | null;
  provider: { type: 'sql-database'; inputs: SqlDatabaseProviderInputs };
}

export interface SeedSecret {
  environment: string;
  /** Folder path, default '/'. Folders are created implicitly. */
  path?: string;
  key: string;
  value: string;
  comment?: string;
  /** Tag slugs (tags are created in the project on first use). */
  tags?: string[];
  /** 'personal' secrets belong to users and are never visible to machine identities. */
  type?: 'shared' | 'personal';
  skipMultilineEncoding?: boolean;
  metadata?: { key: string; value: string }[];
}

export interface SeedClientSecret {
  id?: string;
  secret: string;
  /** Seconds after creation (server start / restore) after which login is refused. 0/absent = never. */
  ttlSeconds?: number;
  /** Number of logins allowed. 0/absent = unlimited. */
  numUsesLimit?: number;
}

export interface SeedIdentity {
  id: string;
  name: string;
  /** A UUID, like a real Universal Auth client id. */
  clientId: string;
  clientSecrets: SeedClientSecret[];
  /** Seconds. Defaults: 2592000, 2592000, 0 (unlimited). */
  accessTokenTTL?: number;
  accessTokenMaxTTL?: number;
  accessTokenNumUsesLimit?: number;
  /** Defaults: enabled, threshold 3, 300 s lockout, counter reset after 30 s. */
  lockout?: { enabled?: boolean; threshold?: number; durationSeconds?: number; counterResetSeconds?: number };
  /**
   * Project memberships. `read` lists the environments whose secrets the identity may read
   * ('*' = all; [] = member without any secret-read rule).
   */
  projects: { projectId: string; read: string[] | '*' }[];
}

export type FaultKind =
  | { kind: 'latency'; ms: number }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; message?: string; error?: string }
  | { kind: 'non-json'; status?: number; body?: string }
  | { kind: 'drop' }
  | { kind: 'rate-limit'; retryAfterSeconds: number };

export type Fault = FaultKind & {
  /** How many matching requests the fault applies to. Default: until cleared. */
  times?: number;
  /** Only requests with this HTTP method (case-insensitive). */
  method?: string;
  /** Exact pathname, or a prefix ending with '*'. */
  path?: string;
  /** Only requests whose query has these parameters with these values, e.g. `{ secretPath: '/app' }`. */
  query?: Record<string, string>;
};

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** null = dropped or hung (no response was written). */
  status: number | null;
  /** Epoch ms from the server clock when the request arrived. */
  time: number;
  durationMs: number;
  /** Monotonic ms (`performance.now()` of the server process) when the request arrived: to compare requests in time. */
  startedAt: number;
  /** Monotonic ms when the response was finished or the connection closed; null while the request is open. */
  endedAt: number | null;
  identityId?: string;
  /** Id of the fault that answered (or delayed) this request, if any. */
  faultId?: string;
}

export interface RateLimitConfig {
  limit: number;
  windowSeconds: number;
}

export interface LocalInfisicalServerOptions {
  /** A seed object or a path to a JSON seed file. Default: an empty seed. */
  seed?: SeedFile | string;
  /** Default '127.0.0.1'. */
  host?: string;
  /** 0 (default) = random free port. */
  port?: number;
  /** Base clock in epoch ms. Default Date.now. `advanceTime` adds an offset on top. */
  now?: () => number;
  /** Rate limiting, off (null) by default. */
  rateLimit?: RateLimitConfig | null;
  /** If set, the HTTP admin surface (/__admin/*) requires header `x-admin-token`. */
  adminToken?: string;
  /**
   * How often (real ms) expired dynamic-secret leases are revoked in the background, like Infisical's revocation
   * queue (polls every second). Expiry is judged on the server clock; every lease route also revokes what is due
   * before it answers. 0 = no background sweep. Default 1000.
   */
  leaseSweepIntervalMs?: number;
}
