import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { AnswerSecret } from './secret-snapshot.js';

/**
 * What an envelope is for: its format label and version, and the HKDF label that makes its keys its own (so an
 * envelope of one kind never opens as another, whatever key material the two share).
 */
export interface EnvelopeKind {
  format: string;
  version: number;
  hkdfInfo: string;
  /** Completes "it is not a … (corrupted or truncated)". */
  noun: string;
  /** Completes "… written with another …". */
  keyName: string;
}

/** The last-known-good file: key material from `persistentCache.key` or the client secret. */
export const LAST_KNOWN_GOOD_FILE: EnvelopeKind = {
  format: 'nestjs-infisical/last-known-good',
  version: 2,
  hkdfInfo: 'nestjs-infisical last-known-good v2',
  noun: 'snapshot file',
  keyName: 'key / client secret',
};

/** What an envelope holds once decrypted: Infisical's merged answer, not the merged configuration. */
export interface CachedSnapshot {
  /** When Infisical delivered these values (epoch ms). */
  fetchedAt: number;
  secrets: AnswerSecret[];
}

/**
 * What an envelope is written for: the site, the ordered list of sources and how they were read (no credentials).
 * The read settings are present only where they differ from the defaults, so envelopes written before they were
 * bound (with the defaults) still open.
 */
export interface CacheBinding {
  siteUrl: string;
  sources: Array<{ projectId: string; environment: string; secretPath: string; recursive?: boolean; includeImports?: boolean }>;
  expandSecretReferences?: boolean;
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

/** Why an envelope was refused (the reason completes "… was rejected: <reason>"). */
export class SnapshotEnvelopeError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * The encrypted snapshot format shared by the last-known-good file and the fleet's Redis snapshot (each of its own
 * {@link EnvelopeKind}): AES-256-GCM with a key derived by HKDF-SHA256 from the key material and a per-write salt;
 * the site and the ordered sources are bound as additional authenticated data, so an envelope written for other
 * sources, tampered with, or written with another key is refused, never used.
 */
export function sealSnapshot(snapshot: CachedSnapshot, keyMaterial: string, binding: CacheBinding, savedAt: number, kind = LAST_KNOWN_GOOD_FILE): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const header = { format: kind.format, version: kind.version, binding, savedAt };
  const cipher = createCipheriv('aes-256-gcm', deriveKey(keyMaterial, salt, kind), iv);
  cipher.setAAD(Buffer.from(JSON.stringify(header)));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(snapshot), 'utf8'), cipher.final()]);
  const envelope: Envelope = {
    ...header,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
  return JSON.stringify(envelope);
}

/**
 * Authenticates and decrypts an envelope with the key material, or with the first of several that opens it (a key
 * rotation); every refusal is a {@link SnapshotEnvelopeError} with the reason.
 */
export function openSnapshot(text: string, keyMaterial: string | readonly string[], binding: CacheBinding, kind = LAST_KNOWN_GOOD_FILE): CachedSnapshot {
  let envelope: Envelope;
  try {
    envelope = JSON.parse(text) as Envelope;
  } catch {
    throw new SnapshotEnvelopeError(`it is not a ${kind.noun} (corrupted or truncated)`);
  }
  if (envelope?.format !== kind.format) throw new SnapshotEnvelopeError(`it is not a ${kind.noun} of this module`);
  if (envelope.version !== kind.version) throw new SnapshotEnvelopeError(`it has format version ${String(envelope.version)}, expected ${kind.version}`);
  if (!isDeepStrictEqual(envelope.binding, binding)) {
    throw new SnapshotEnvelopeError(`it was written for ${describeBinding(envelope.binding)}, not for this configuration (${describeBinding(binding)})`);
  }
  const header = { format: envelope.format, version: envelope.version, binding: envelope.binding, savedAt: envelope.savedAt };
  let plaintext: string | undefined;
  for (const key of typeof keyMaterial === 'string' ? [keyMaterial] : keyMaterial) {
    plaintext = decrypt(envelope, header, key, kind);
    if (plaintext !== undefined) break;
  }
  if (plaintext === undefined) throw new SnapshotEnvelopeError(`it failed authentication: it was modified, or written with another ${kind.keyName}`);
  const snapshot = JSON.parse(plaintext) as CachedSnapshot;
  if (!Array.isArray(snapshot?.secrets) || typeof snapshot.fetchedAt !== 'number') {
    throw new SnapshotEnvelopeError('its content is not a snapshot');
  }
  return snapshot;
}

/** The plaintext, or undefined when `keyMaterial` does not authenticate the envelope. */
function decrypt(envelope: Envelope, header: object, keyMaterial: string, kind: EnvelopeKind): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(keyMaterial, Buffer.from(envelope.salt, 'base64'), kind), Buffer.from(envelope.iv, 'base64'), {
      authTagLength: 16,
    });
    decipher.setAAD(Buffer.from(JSON.stringify(header)));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

function deriveKey(keyMaterial: string, salt: Buffer, kind: EnvelopeKind): Buffer {
  return Buffer.from(hkdfSync('sha256', keyMaterial, salt, kind.hkdfInfo, 32));
}

function describeBinding(binding: CacheBinding | undefined): string {
  const sources = Array.isArray(binding?.sources) ? binding.sources : [];
  const list = sources
    .map((s) => {
      const read = [s?.recursive === true ? 'recursive' : '', s?.includeImports === false ? 'without imports' : ''].filter(Boolean).join(', ');
      return `environment "${String(s?.environment)}" path "${String(s?.secretPath)}" of project ${String(s?.projectId)}${read ? ` (${read})` : ''}`;
    })
    .join(', then ');
  const references = binding?.expandSecretReferences === false ? ' with secret references left unexpanded' : '';
  return `${list || 'unknown sources'} at ${String(binding?.siteUrl)}${references}`;
}
