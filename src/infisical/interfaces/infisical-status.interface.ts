/** Where a configuration value came from. `cache` = the encrypted last-known-good file. */
export type ValueSource = 'infisical' | 'cache' | 'env' | 'default';

/** Name-level information about one key: never its value. */
export interface KeyInfo {
  /** Where the value came from: Infisical, the last-known-good file, the process environment or a schema default. */
  source: ValueSource;
  /** Infisical's version of the value (for `infisical` and `cache`). */
  version?: number;
  /** Project of the source that won the key (for `infisical` and `cache`). */
  projectId?: string;
  /** Environment the value lives in (an import's environment for imported secrets). */
  environment?: string;
  /** Folder the value lives in (a sub-folder's or an import's folder where that applies). */
  secretPath?: string;
}

/** `up`: fresh. `degraded`: serving the last good values after a failed or rejected refresh. `down`: no usable values, or stale beyond `maxStaleSeconds`. */
export type InfisicalHealthState = 'up' | 'degraded' | 'down';

/** One configured source as health reports it. */
export interface InfisicalSourceStatus {
  /** Project ID. */
  projectId: string;
  /** Environment slug. */
  environment: string;
  /** Folder. */
  secretPath: string;
}

/**
 * The fleet (`fleet` option) as this instance sees it: never a key, a key prefix or the Redis URL.
 * - `redis`: `up` while the Redis connection is ready, `down` while it reconnects;
 * - `role`: what this instance did in its last refresh window — `lease holder` (it read Infisical for the fleet),
 *   `follower` (it read the lease holder's snapshot from Redis), `reading alone` (Redis was unavailable: it read
 *   Infisical itself), `not yet known` before its first window.
 */
export interface InfisicalFleetStatus {
  /** `up` while the Redis connection is ready, `down` while it reconnects. */
  redis: 'up' | 'down';
  /** What this instance did in its last refresh window (see above). */
  role: 'lease holder' | 'follower' | 'reading alone' | 'not yet known';
}

/** State of the secret store as reported by health and diagnostics. Contains no values. */
export interface InfisicalStatus {
  /** `up` (fresh), `degraded` (serving the last good values after a failed refresh) or `down` (no usable values). */
  state: InfisicalHealthState;
  /** False when the module is disabled (`enabled: false`): the configuration comes from the environment only. */
  enabled: boolean;
  /** Where the current snapshot came from: `infisical`, `cache` (last-known-good file) or `env` (disabled). */
  source: 'infisical' | 'cache' | 'env' | 'none';
  /** Environment of the first source (kept for dashboards that read one environment). */
  environment: string;
  /** Folder of the first source. */
  secretPath: string;
  /** Every configured source, in precedence order (a later one wins a key clash). */
  sources: InfisicalSourceStatus[];
  /** When the current values were last confirmed by Infisical (ISO), if ever. */
  lastSuccessfulRefresh: string | undefined;
  /** Seconds since the current values were last confirmed. */
  snapshotAgeSeconds: number | undefined;
  /** Number of keys of the current configuration. */
  keyCount: number;
  /** Per-key details, up to `healthMaxKeys` keys (then omitted: see `keysOmitted`). */
  keys: Record<string, KeyInfo>;
  /** Number of keys whose details were left out of `keys` (0 when all are listed). */
  keysOmitted: number;
  /** Refreshes that failed in a row since the last success (0 when the latest one succeeded). */
  consecutiveFailures: number;
  /** Message of the latest failed or rejected refresh (masked, shortened), while not recovered. */
  lastError: string | undefined;
  /** When the next refresh is due (ISO), if scheduled. */
  nextRefreshAt: string | undefined;
  /** When the refresh under way started (ISO), if one is. */
  refreshStartedAt: string | undefined;
  /** With the `fleet` option only: the Redis connection and this instance's role in its last refresh window. */
  fleet?: InfisicalFleetStatus;
}
