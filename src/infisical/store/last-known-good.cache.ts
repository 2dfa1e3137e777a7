import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { InfisicalCacheError } from '../errors/configuration.errors.js';
import type { AnswerSecret } from './secret-snapshot.js';

const FORMAT = 'nestjs-infisical/last-known-good';
const VERSION = 2;
const HKDF_INFO = 'nestjs-infisical last-known-good v2';

/** What the file holds once decrypted: Infisical's merged answer, not the merged configuration. */
export interface CachedSnapshot {
  /** When Infisical delivered these values (epoch ms). */
  fetchedAt: number;
  secrets: AnswerSecret[];
}

/** What a file is written for: the site and the ordered list of sources (no credentials). */
export interface CacheBinding {
  siteUrl: string;
  sources: Array<{ projectId: string; environment: string; secretPath: string }>;
}

interface Envelope {
  format: string;
  version: number;
  binding: CacheBinding;
  savedAt: number;
  salt: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/**
 * The opt-in encrypted last-known-good snapshot: AES-256-GCM with a key derived by HKDF-SHA256 from the client
 * secret (or an explicit key) and a per-write salt; the site and the ordered sources are bound as additional
 * authenticated data, so a file written for other sources, a tampered file or one from another deployment is
 * rejected, never used. Written atomically (temp file, fsync, rename) with mode 0600, in the background, one write
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
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const header = { format: FORMAT, version: VERSION, binding: this.binding, savedAt };
    const cipher = createCipheriv('aes-256-gcm', this.#key(salt), iv);
    cipher.setAAD(Buffer.from(JSON.stringify(header)));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(snapshot), 'utf8'), cipher.final()]);
    const envelope: Envelope = {
      ...header,
      salt: salt.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(envelope));
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
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      throw new InfisicalCacheError(this.path, 'it is not a snapshot file (corrupted or truncated)');
    }
    if (envelope?.format !== FORMAT) throw new InfisicalCacheError(this.path, 'it is not a snapshot file of this module');
    if (envelope.version !== VERSION) throw new InfisicalCacheError(this.path, `it has format version ${String(envelope.version)}, expected ${VERSION}`);
    if (!isDeepStrictEqual(envelope.binding, this.binding)) {
      throw new InfisicalCacheError(this.path, `it was written for ${describeBinding(envelope.binding)}, not for this configuration (${describeBinding(this.binding)})`);
    }
    let plaintext: string;
    try {
      const header = { format: envelope.format, version: envelope.version, binding: envelope.binding, savedAt: envelope.savedAt };
      const decipher = createDecipheriv('aes-256-gcm', this.#key(Buffer.from(envelope.salt, 'base64')), Buffer.from(envelope.iv, 'base64'), {
        authTagLength: 16,
      });
      decipher.setAAD(Buffer.from(JSON.stringify(header)));
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      plaintext = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new InfisicalCacheError(this.path, 'it failed authentication: it was modified, or written with another key / client secret');
    }
    const snapshot = JSON.parse(plaintext) as CachedSnapshot;
    if (!Array.isArray(snapshot?.secrets) || typeof snapshot.fetchedAt !== 'number') {
      throw new InfisicalCacheError(this.path, 'its content is not a snapshot');
    }
    return snapshot;
  }

  #key(salt: Buffer): Buffer {
    return Buffer.from(hkdfSync('sha256', this.keyMaterial, salt, HKDF_INFO, 32));
  }

  toJSON(): string {
    return `LastKnownGoodCache(${this.path})`;
  }
}

function describeBinding(binding: CacheBinding | undefined): string {
  const sources = Array.isArray(binding?.sources) ? binding.sources : [];
  const list = sources.map((s) => `environment "${String(s?.environment)}" path "${String(s?.secretPath)}" of project ${String(s?.projectId)}`).join(', then ');
  return `${list || 'unknown sources'} at ${String(binding?.siteUrl)}`;
}
