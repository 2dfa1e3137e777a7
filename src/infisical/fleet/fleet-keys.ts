import { createHash } from 'node:crypto';
import type { CacheBinding } from '../store/snapshot-envelope.js';

/** The Redis keys and channel of one configuration (site + ordered sources): instances that read the same share them. */
export interface FleetKeys {
  snapshot: string;
  backoff: string;
  channel: string;
  /** The lease of the TTL window `window` (a window index on the module's clock). */
  lease(window: number): string;
}

/** Keys under `<prefix>:<hash of the binding>:…`, so other projects, environments or source lists never collide. Pure. */
export function fleetKeys(prefix: string, binding: CacheBinding): FleetKeys {
  const id = createHash('sha256').update(JSON.stringify(binding)).digest('hex').slice(0, 24);
  const base = `${prefix}:${id}`;
  return {
    snapshot: `${base}:snapshot`,
    backoff: `${base}:backoff`,
    channel: `${base}:refresh`,
    lease: (window) => `${base}:lease:${window}`,
  };
}
