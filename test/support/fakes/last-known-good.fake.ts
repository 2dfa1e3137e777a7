import type { CachedSnapshot, LastKnownGoodCache } from '../../../src/infisical/store/last-known-good.cache.js';

/**
 * A last-known-good file in memory: `read` answers `stored` (or throws it), `writeInBackground` records each write and
 * stays under way until `finishWrites()` (or `failWrites(error)`).
 */
export class FakeLastKnownGood {
  readonly path = '/var/cache/app/infisical.snapshot';
  stored: CachedSnapshot | unknown = new Error('nothing stored');
  readonly writes: Array<{ snapshot: CachedSnapshot; savedAt: number }> = [];
  #open: Array<{ onError: (error: Error) => void }> = [];
  #idle: Array<() => void> = [];

  async read(): Promise<CachedSnapshot> {
    const stored = this.stored;
    if (stored && typeof stored === 'object' && 'secrets' in stored) return stored as CachedSnapshot;
    throw stored;
  }

  writeInBackground(snapshot: CachedSnapshot, savedAt: number, onError: (error: Error) => void): void {
    this.writes.push({ snapshot, savedAt });
    this.#open.push({ onError });
  }

  get writing(): boolean {
    return this.#open.length > 0;
  }

  settled(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Completes every write under way. */
  finishWrites(): void {
    this.#settle(undefined);
  }

  /** Fails every write under way with `error` (reported through its `onError`). */
  failWrites(error: Error): void {
    this.#settle(error);
  }

  #settle(error: Error | undefined): void {
    const open = this.#open;
    this.#open = [];
    for (const write of open) if (error) write.onError(error);
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }

  get asCache(): LastKnownGoodCache {
    return this as unknown as LastKnownGoodCache;
  }
}
