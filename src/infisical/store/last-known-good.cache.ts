import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InfisicalCacheError } from '../errors/configuration.errors.js';
import { openSnapshot, sealSnapshot, SnapshotEnvelopeError, type CacheBinding, type CachedSnapshot } from './snapshot-envelope.js';

export type { CacheBinding, CachedSnapshot } from './snapshot-envelope.js';

/**
 * The opt-in encrypted last-known-good snapshot (the format of `snapshot-envelope.ts`: AES-256-GCM, key by
 * HKDF-SHA256 from the client secret or an explicit key, site and ordered sources bound as additional
 * authenticated data). Written atomically (temp file, fsync, rename) with mode 0600, in the background, one write
 * after the other.
 */
export class LastKnownGoodCache {
  #writing: Promise<void> | undefined;

  constructor(
    readonly path: string,
    private readonly keyMaterial: string,
    private readonly binding: CacheBinding,
  ) {}

  /** Queues a write after the one under way; failures go to `onError` and never reach the caller. */
  writeInBackground(snapshot: CachedSnapshot, savedAt: number, onError: (error: Error) => void): void {
    const previous = this.#writing ?? Promise.resolve();
    const current: Promise<void> = previous
      .then(() => this.write(snapshot, savedAt))
      .catch((error: unknown) => onError(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        if (this.#writing === current) this.#writing = undefined;
      });
    this.#writing = current;
  }

  /** Resolves once no write is under way (a write completes — temp file renamed — before the process may exit). */
  async settled(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  get writing(): boolean {
    return this.#writing !== undefined;
  }

  async write(snapshot: CachedSnapshot, savedAt: number): Promise<void> {
    const envelope = sealSnapshot(snapshot, this.keyMaterial, this.binding, savedAt);
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(envelope);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** Reads and authenticates the file; every failure is an {@link InfisicalCacheError} with the reason. */
  async read(): Promise<CachedSnapshot> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InfisicalCacheError(this.path, code === 'ENOENT' ? 'the file does not exist (no good refresh was saved yet)' : `it cannot be read (${code})`);
    }
    try {
      return openSnapshot(text, this.keyMaterial, this.binding);
    } catch (error) {
      if (error instanceof SnapshotEnvelopeError) throw new InfisicalCacheError(this.path, error.reason);
      throw error;
    }
  }

  toJSON(): string {
    return `LastKnownGoodCache(${this.path})`;
  }
}
