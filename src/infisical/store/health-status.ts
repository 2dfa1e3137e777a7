import type { InfisicalFleetStatus, InfisicalHealthState, InfisicalStatus, KeyInfo } from '../interfaces/infisical-status.interface.js';
import type { ResolvedSource } from '../options/resolved-options.interface.js';
import { shorten } from '../redaction/server-text.js';
import type { StoreState } from './store-state.js';

/** What the status depends on besides the store state. */
export interface StatusContext {
  enabled: boolean;
  sources: readonly ResolvedSource[];
  maxStaleSeconds: number;
  /** A refresh in flight longer than this counts as failing (a hung request). */
  requestTimeoutMs: number;
  healthMaxKeys: number;
  now: number;
  /** Masks secret values in the error text. */
  redact: (text: string) => string;
  /** The fleet's status, with the `fleet` option only (reported as `fleet`; absent otherwise). */
  fleet?: InfisicalFleetStatus;
}

/**
 * The health-level state of a store, computed from its state alone (pure):
 * - `down` without a snapshot, or once the snapshot is older than `maxStaleSeconds` (0 = never) while stale;
 * - `degraded` while stale: the last refresh failed or was rejected, the values came from the last-known-good file,
 *   or a refresh has been in flight longer than `requestTimeoutMs`;
 * - `up` otherwise (always when Infisical is disabled).
 */
export function healthState(state: StoreState, context: Pick<StatusContext, 'maxStaleSeconds' | 'requestTimeoutMs' | 'now'>): InfisicalHealthState {
  const snapshot = state.snapshot;
  if (!snapshot) return 'down';
  if (snapshot.source === 'env') return 'up';
  const hung = state.refreshStartedAt !== undefined && context.now - state.refreshStartedAt > context.requestTimeoutMs;
  const stale = state.failures > 0 || snapshot.source === 'cache' || hung;
  if (!stale) return 'up';
  const age = snapshot.confirmedAt === undefined ? 0 : (context.now - snapshot.confirmedAt) / 1000;
  return context.maxStaleSeconds > 0 && age > context.maxStaleSeconds ? 'down' : 'degraded';
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The full status (health details): names, sources, versions and times — never a value. */
export function computeStatus(state: StoreState, context: StatusContext): InfisicalStatus {
  const snapshot = state.snapshot;
  const allKeys = Object.keys(snapshot?.keys ?? {}).sort();
  const listed = allKeys.slice(0, context.healthMaxKeys);
  const keys: Record<string, KeyInfo> = {};
  for (const key of listed) keys[key] = snapshot!.keys[key]!;
  const first = context.sources[0];
  const error = state.failures > 0 ? state.lastError : undefined;
  return {
    state: healthState(state, context),
    enabled: context.enabled,
    source: snapshot?.source ?? 'none',
    environment: first?.environment ?? '',
    secretPath: first?.secretPath ?? '',
    sources: context.sources.map(({ projectId, environment, secretPath }) => ({ projectId, environment, secretPath })),
    lastSuccessfulRefresh: iso(snapshot?.confirmedAt),
    snapshotAgeSeconds: snapshot?.confirmedAt === undefined ? undefined : Math.max(0, Math.round((context.now - snapshot.confirmedAt) / 1000)),
    keyCount: allKeys.length,
    keys,
    keysOmitted: allKeys.length - listed.length,
    consecutiveFailures: state.failures,
    lastError: error ? context.redact(shorten(`${error.name}: ${error.message}`, 2000)) : undefined,
    nextRefreshAt: iso(state.nextRefreshAt),
    refreshStartedAt: iso(state.refreshStartedAt),
    ...(context.fleet ? { fleet: context.fleet } : {}),
  };
}
