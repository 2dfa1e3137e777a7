import type { InfisicalDynamicSecretOptions } from './dynamic-secret-options.interface.js';
import type { InfisicalAuthOptions } from './infisical-auth.interface.js';
import type { InfisicalSourceOptions } from './infisical-source.interface.js';
import type { StandardSchemaV1 } from './standard-schema.interface.js';

/** A class decorated with class-validator (and optionally class-transformer) rules, one property per key. */
export type ConfigSchemaClass = new () => object;

/** Either a class-validator class or any Standard Schema (zod, valibot, …) describing the merged configuration. */
export type ConfigSchema = ConfigSchemaClass | StandardSchemaV1;

/** Opt-in encrypted last-known-good snapshot on disk, used only when Infisical cannot answer at bootstrap. */
export interface PersistentCacheOptions {
  /** File path of the snapshot (written atomically with mode 0600 after every good refresh). */
  path: string;
  /**
   * Key material for the AES-256-GCM key (derived with HKDF-SHA256). At least 32 characters.
   * @default the machine identity's client secret
   */
  key?: string;
}

/**
 * Opt-in receiver of Infisical's project webhook (Project Settings → Webhooks, type "General", with a secret key):
 * mounted as `POST <path>` on the application's HTTP adapter (Express or Fastify). A correctly signed
 * `secrets.modified` event for one of the sources (same project and environment, the source's folder or below it
 * when recursive) triggers a refresh at once (at most one per second; later events coalesce). Bad signatures,
 * timestamps older than 5 minutes and replays get 401 with no detail.
 */
export interface WebhookOptions {
  /** The webhook's secret key, as entered in Infisical (env `INFISICAL_WEBHOOK_SECRET`). */
  secret: string;
  /** Route of the receiver (env `INFISICAL_WEBHOOK_PATH`). @default '/webhooks/infisical' */
  path?: string;
}

/**
 * Opt-in fleet coordination on Redis (needs the `redis` package, node-redis 5): one instance per TTL window reads
 * Infisical and publishes the answer as a snapshot sealed with the fleet key; the others read it from Redis (a new
 * instance too, at bootstrap, without logging in, when the snapshot is younger than the TTL). A webhook received by
 * one instance is announced to all. When Redis is down or slow, every instance reads Infisical itself; no error is
 * served. A snapshot in Redis is refused when no fleet key opens it, when it is larger than 32 MB (asked before it is
 * read), dated more than 30 s ahead, or older than the one the instance serves; the shared back-off after a 429 is
 * authenticated with the fleet key and lasts at most 300 s.
 */
export interface FleetOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (env `INFISICAL_REDIS_URL`). */
  redisUrl: string;
  /**
   * The fleet key (env `INFISICAL_FLEET_KEY`), required with every login method: at least 32 random bytes, the same on
   * every instance, from the platform's secret store (e.g. `openssl rand -base64 48` stored in Secret Manager). It
   * seals the snapshot (AES-256-GCM, key by HKDF-SHA256) and authenticates the shared back-off; it is never derived
   * from a login credential, and may not equal one.
   *
   * Rotation: deploy `key: <new>, previousKey: <old>` to every instance (each seals with the new key and opens
   * either; an instance still on the old key alone reads Infisical itself meanwhile), then remove `previousKey`.
   */
  key: string;
  /** The fleet key being replaced during a rotation (env `INFISICAL_FLEET_PREVIOUS_KEY`): opens, never seals. @default undefined */
  previousKey?: string;
  /** Prefix of the Redis keys and channel (env `INFISICAL_FLEET_KEY_PREFIX`). @default 'nestjs-infisical' */
  keyPrefix?: string;
}

/** Options of `InfisicalModule.forRoot()` / the object returned by `forRootAsync({ useFactory })`. */
export interface InfisicalModuleOptions {
  /**
   * Load secrets from Infisical. When `false`, the configuration comes from the process environment / `.env` and
   * schema defaults alone (still validated), and no request is made.
   * @default true
   */
  enabled?: boolean;
  /** Base URL of the Infisical instance (no trailing `/api`, no credentials). @default 'https://app.infisical.com' */
  siteUrl?: string;
  /** Project ID (Project Settings → Project ID). Required when `enabled` (here or in every source). */
  projectId?: string;
  /** Environment slug, e.g. `dev`, `staging`, `prod`. Required when `enabled` (here or in every source). */
  environment?: string;
  /** Folder to read. @default '/' */
  secretPath?: string;
  /** Also read every sub-folder of `secretPath` (the folder's own value wins a clash). @default false */
  recursive?: boolean;
  /** Also read secrets imported into the folder; local secrets win over imported ones. @default true */
  includeImports?: boolean;
  /** Expand `${KEY}` and `${env.folder.KEY}` references server-side. @default true */
  expandSecretReferences?: boolean;
  /**
   * Several places to read, in precedence order: a later source wins a key clash. Each entry inherits the
   * top-level `projectId`, `environment`, `secretPath`, `recursive` and `includeImports` it leaves out.
   * @default one source made of the top-level options
   */
  sources?: InfisicalSourceOptions[];
  /** How the module authenticates. Required when `enabled`. */
  auth?: InfisicalAuthOptions;
  /**
   * Seconds a snapshot is fresh; after that it is refreshed in the background (±10 % jitter per instance).
   * `0` disables the cache: `getAsync()` fetches on every call (concurrent calls share one request).
   * @default 60 (0–3600)
   */
  cacheTtlSeconds?: number;
  /**
   * Longest time bootstrap waits for Infisical. On expiry the last-known-good snapshot is used if one is configured
   * and valid; otherwise bootstrap fails.
   * @default 5000
   */
  startupTimeoutMs?: number;
  /** Longest time one HTTP attempt may take (connect, headers and body). @default 10000 */
  requestTimeoutMs?: number;
  /**
   * While refreshes fail, the last good values keep being served and health reports `degraded`; once the snapshot
   * is older than this, health reports `down` (readiness fails; values are still served). `0` = never down.
   * @default 86400
   */
  maxStaleSeconds?: number;
  /**
   * Schema of the merged configuration (Infisical > process env / `.env` > schema defaults), validated at
   * bootstrap and on every refresh: a class-validator class or a Standard Schema.
   * @default none (only `requiredKeys` and registered credentials are checked)
   */
  schema?: ConfigSchema;
  /** Keys that must be present (from any source), at bootstrap and after every refresh. @default [] */
  requiredKeys?: string[];
  /**
   * Keys whose values are also written to `process.env`, for libraries that read nothing else. Opt-in: without it
   * no secret value reaches `process.env`. Each listed key gets its current value (as a string) after bootstrap and
   * after every refresh that changes it; a key that disappears gets back what the environment had, and shutdown
   * restores the environment. Risk: `process.env` is inherited by every child process and readable by any code in
   * the process — list only what such a library needs.
   * @default []
   */
  mirrorToProcessEnv?: string[];
  /** Encrypted last-known-good snapshot on disk. @default undefined (off) */
  persistentCache?: PersistentCacheOptions;
  /** Revoke the access token when the application shuts down (within 2 s). @default false */
  revokeTokenOnShutdown?: boolean;
  /**
   * The `fetch` the module makes its requests with. By default the module decides at the time of each request:
   * `globalThis.fetch` whenever anything has customised or used it — replaced it (nock, msw, a tracing wrapper),
   * installed an undici global dispatcher (MockAgent, ProxyAgent), subscribed to undici's diagnostics channel
   * (OpenTelemetry's undici instrumentation), set `NODE_USE_ENV_PROXY`, or simply called fetch before — and
   * otherwise `node:http`/`node:https`, which send the same requests without Node's first-fetch start-up cost.
   * Set it (for example `fetch: (input, init) => globalThis.fetch(input, init)`) to always use a `fetch`.
   * @default undefined (decided at each request, as above)
   */
  fetch?: typeof fetch;
  /** Health lists per-key details for at most this many keys; past it only counts are reported. @default 500 */
  healthMaxKeys?: number;
  /**
   * Seconds a secret's replaced value stays readable as `SecretRef.previous` after a refresh changed or removed it
   * (e.g. to verify webhook signatures or JWTs signed just before a rotation). Only the most recent previous value of
   * each key is kept; it stays masked in logs and errors like a current value. `0` keeps none.
   * @default 300 (0–86400)
   */
  previousValueGraceSeconds?: number;
  /** Webhook receiver: refresh as soon as Infisical reports a change. @default undefined (off) */
  webhook?: WebhookOptions;
  /** Fleet coordination on Redis: one Infisical read per TTL window for all instances. @default undefined (off) */
  fleet?: FleetOptions;
  /**
   * Dynamic secrets to lease (env `INFISICAL_DYNAMIC_SECRETS=name[@/folder],…`): each instance takes a lease of each
   * at start-up (within `startupTimeoutMs`; an unknown name fails start-up naming it), renews it, replaces it before
   * its max TTL and revokes it at shutdown. Inject a handle with `InfisicalModule.forFeature({ dynamicSecrets: [name] })`
   * and `@InjectDynamicSecret(name)`. An entry is `{ name, environment?, path?, ttl?, drainMs? }` or `"name[@/folder]"`.
   * @default [] (none)
   */
  dynamicSecrets?: Array<InfisicalDynamicSecretOptions | string>;
}
