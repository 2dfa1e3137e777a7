import type { InfisicalError } from '../errors/infisical.error.js';
import type { SecretSnapshot } from './secret-snapshot.js';

/** The mutable state of one store: the snapshot being served and the refresh failure state. Names only, no values. */
export interface StoreState {
  snapshot: SecretSnapshot | undefined;
  /** Consecutive failed or rejected refreshes (0 = fresh). */
  failures: number;
  /** Consecutive refreshes that got no usable answer (network, 5xx, 429 …); rejections do not count. */
  transportFailures: number;
  lastError: InfisicalError | undefined;
  nextRefreshAt: number | undefined;
  /** When the refresh under way started, if one is. */
  refreshStartedAt: number | undefined;
  closed: boolean;
}

export function initialStoreState(): StoreState {
  return { snapshot: undefined, failures: 0, transportFailures: 0, lastError: undefined, nextRefreshAt: undefined, refreshStartedAt: undefined, closed: false };
}
