/** Where a configuration value came from. `cache` = the encrypted last-known-good file. */
export type ValueSource = 'infisical' | 'cache' | 'env' | 'default';

/** Name-level information about one key: never its value. */
export interface KeyInfo {
  source: ValueSource;
  /** Infisical's version of the value (for `infisical` and `cache`). */
  version?: number;
}

/** `up`: fresh. `degraded`: serving the last good values after a failed or rejected refresh. `down`: no usable values, or stale beyond `maxStaleSeconds`. */
export type InfisicalHealthState = 'up' | 'degraded' | 'down';

/** State of the secret store as reported by health and diagnostics. Contains no values. */
export interface InfisicalStatus {
  state: InfisicalHealthState;
  enabled: boolean;
  /** Where the current snapshot came from: `infisical`, `cache` (last-known-good file) or `env` (disabled). */
  source: 'infisical' | 'cache' | 'env' | 'none';
  environment: string;
  secretPath: string;
  /** When the current values were last confirmed by Infisical (ISO), if ever. */
  lastSuccessfulRefresh: string | undefined;
  /** Seconds since the current values were last confirmed. */
  snapshotAgeSeconds: number | undefined;
  keyCount: number;
  keys: Record<string, KeyInfo>;
  consecutiveFailures: number;
  /** Message of the latest failed or rejected refresh (redacted), while not recovered. */
  lastError: string | undefined;
  /** When the next refresh is due (ISO), if scheduled. */
  nextRefreshAt: string | undefined;
}
