import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfisicalCacheError } from '../../src/infisical/errors/configuration.errors.js';
import { LastKnownGoodCache } from '../../src/infisical/store/last-known-good.cache.js';
import { openSnapshot, sealSnapshot, SnapshotEnvelopeError, type CacheBinding } from '../../src/infisical/store/snapshot-envelope.js';

const target = { siteUrl: 'http://127.0.0.1:8081', sources: [{ projectId: 'p-1', environment: 'prod', secretPath: '/' }] };
const material = 'client-secret-used-as-key-material';
const snapshot = { fetchedAt: 1_700_000_000_000, secrets: [{ key: 'GEMINI_API_KEY', value: 'AIza-plaintext-must-not-appear', version: 4 }] };

describe('LastKnownGoodCache', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lkg-'));
    path = join(dir, 'nested', 'snapshot.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function rejection(cache: LastKnownGoodCache): Promise<string> {
    const error = await cache.read().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InfisicalCacheError);
    return (error as Error).message;
  }

  it('round-trips, encrypts, and writes the file with mode 0600 (creating the folder)', async () => {
    const cache = new LastKnownGoodCache(path, material, target);
    await cache.write(snapshot, 1_700_000_001_000);
    expect(await cache.read()).toEqual(snapshot);
    const raw = await readFile(path, 'utf8');
    expect(raw).not.toContain('AIza-plaintext-must-not-appear');
    expect(raw).not.toContain('GEMINI_API_KEY');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('rejects a tampered ciphertext and a tampered header', async () => {
    const cache = new LastKnownGoodCache(path, material, target);
    await cache.write(snapshot, 1);
    const envelope = JSON.parse(await readFile(path, 'utf8'));
    const bytes = Buffer.from(envelope.ciphertext, 'base64');
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(path, JSON.stringify({ ...envelope, ciphertext: bytes.toString('base64') }));
    expect(await rejection(cache)).toContain('failed authentication');
    await writeFile(path, JSON.stringify({ ...envelope, savedAt: 2 }));
    expect(await rejection(cache)).toContain('failed authentication');
  });

  it('rejects a file written with another key', async () => {
    await new LastKnownGoodCache(path, 'another-client-secret-of-another-app', target).write(snapshot, 1);
    expect(await rejection(new LastKnownGoodCache(path, material, target))).toContain('another key');
  });

  it('rejects a foreign file (another environment) naming where it belongs', async () => {
    await new LastKnownGoodCache(path, material, { ...target, sources: [{ ...target.sources[0]!, environment: 'dev' }] }).write(snapshot, 1);
    expect(await rejection(new LastKnownGoodCache(path, material, target))).toContain('written for environment "dev"');
  });

  it('rejects a file written for another list of sources (order included)', async () => {
    const two = { ...target, sources: [target.sources[0]!, { projectId: 'p-1', environment: 'prod', secretPath: '/app' }] };
    await new LastKnownGoodCache(path, material, two).write(snapshot, 1);
    expect(await rejection(new LastKnownGoodCache(path, material, target))).toContain('not for this configuration');
    await new LastKnownGoodCache(path, material, two).write(snapshot, 1);
    const reversed = { ...two, sources: [...two.sources].reverse() };
    expect(await rejection(new LastKnownGoodCache(path, material, reversed))).toContain('not for this configuration');
  });

  it('rejects a missing, corrupted or unrelated file with a clear reason', async () => {
    const cache = new LastKnownGoodCache(path, material, target);
    expect(await rejection(cache)).toContain('does not exist');
    await cache.write(snapshot, 1);
    await writeFile(path, '{"truncated": ');
    expect(await rejection(cache)).toContain('corrupted');
    await writeFile(path, '{"hello":"world"}');
    expect(await rejection(cache)).toContain('not a snapshot file');
  });

  it('names why an unreadable file cannot be read', async () => {
    await mkdir(path, { recursive: true });
    expect(await rejection(new LastKnownGoodCache(path, material, target))).toContain('was rejected: it cannot be read (EISDIR)');
  });

  it('passes on a failure that is not a refusal of the envelope', async () => {
    // Authentic, but the plaintext is not JSON: no writer of this module produces that.
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const header = { format: 'nestjs-infisical/last-known-good', version: 2, binding: target, savedAt: 1 };
    const key = Buffer.from(hkdfSync('sha256', material, salt, 'nestjs-infisical last-known-good v2', 32));
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(JSON.stringify(header)));
    const ciphertext = Buffer.concat([cipher.update('not json', 'utf8'), cipher.final()]);
    const b64 = (b: Buffer) => b.toString('base64');
    await mkdir(join(dir, 'nested'));
    await writeFile(path, JSON.stringify({ ...header, salt: b64(salt), iv: b64(iv), tag: b64(cipher.getAuthTag()), ciphertext: b64(ciphertext) }));
    await expect(new LastKnownGoodCache(path, material, target).read()).rejects.toBeInstanceOf(SyntaxError);
  });

  it('creates a missing folder with mode 0700 and leaves no temporary file behind', async () => {
    await new LastKnownGoodCache(path, material, target).write(snapshot, 1);
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(dir, 'nested'))).toEqual(['snapshot.json']);
  });

  it('closes the file it wrote', async () => {
    const openFiles = async () => (await readdir('/proc/self/fd').catch(() => [])).length;
    const cache = new LastKnownGoodCache(path, material, target);
    await cache.write(snapshot, 1);
    const before = await openFiles();
    for (let i = 0; i < 5; i++) await cache.write(snapshot, i);
    expect(await openFiles()).toBe(before);
  });

  it('removes its temporary file when the file cannot be replaced', async () => {
    await mkdir(join(path, 'occupied'), { recursive: true });
    const failure = await new LastKnownGoodCache(path, material, target).write(snapshot, 1).catch((e: NodeJS.ErrnoException) => e);
    expect(failure).toMatchObject({ code: expect.stringMatching(/^E[A-Z]+$/) });
    expect(await readdir(join(dir, 'nested'))).toEqual(['snapshot.json']);
  });

  it('writes in the background one after the other, the last one winning', async () => {
    const cache = new LastKnownGoodCache(path, material, target);
    const errors: Error[] = [];
    expect(cache.writing).toBe(false);
    cache.writeInBackground({ ...snapshot, fetchedAt: 1 }, 1, (e) => errors.push(e));
    cache.writeInBackground({ ...snapshot, fetchedAt: 2 }, 2, (e) => errors.push(e));
    cache.writeInBackground({ ...snapshot, fetchedAt: 3 }, 3, (e) => errors.push(e));
    expect(cache.writing).toBe(true);
    await cache.settled();
    expect(cache.writing).toBe(false);
    expect(errors).toEqual([]);
    expect((await cache.read()).fetchedAt).toBe(3);
    await cache.settled();
  });

  it('reports a failed background write as an Error and goes on with the next one', async () => {
    const cache = new LastKnownGoodCache(path, material, target);
    const errors: Error[] = [];
    let failed!: () => void;
    const firstFailed = new Promise<void>((resolve) => (failed = resolve));
    const throwing = { toJSON: () => { throw 'not an error object'; } } as never;
    const broken = { toJSON: () => { throw new RangeError('cannot serialise'); } } as never;
    cache.writeInBackground(throwing, 1, (e) => {
      errors.push(e);
      failed();
    });
    cache.writeInBackground(broken, 1, (e) => errors.push(e));
    cache.writeInBackground(snapshot, 2, (e) => errors.push(e));
    await firstFailed;
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(cache.writing).toBe(true);
    await cache.settled();
    expect(errors.map((e) => [e.constructor, e.message])).toEqual([
      [Error, 'not an error object'],
      [RangeError, 'cannot serialise'],
    ]);
    expect(await cache.read()).toEqual(snapshot);
  });

  it('shows its path, never its key, as JSON', () => {
    const cache = new LastKnownGoodCache(path, material, target);
    expect(JSON.stringify({ cache })).toBe(JSON.stringify({ cache: `LastKnownGoodCache(${path})` }));
    expect(cache.path).toBe(path);
  });
});

describe('snapshot envelope', () => {
  const binding: CacheBinding = { siteUrl: 'https://eu.infisical.com', sources: [{ projectId: 'p', environment: 'prod', secretPath: '/' }] };
  const content = { fetchedAt: 1_700_000_000_000, secrets: [{ key: 'K', value: 'v-é', version: 2 }] };
  const refusal = (text: string, key = 'golden-key-material', bound: CacheBinding = binding): string => {
    try {
      openSnapshot(text, key, bound);
    } catch (error) {
      expect(error).toBeInstanceOf(SnapshotEnvelopeError);
      return (error as SnapshotEnvelopeError).reason;
    }
    throw new Error('expected the envelope to be refused');
  };
  /** Written by this format (version 2): a file written before an upgrade stays readable after it. */
  const GOLDEN =
    '{"format":"nestjs-infisical/last-known-good","version":2,"binding":{"siteUrl":"https://eu.infisical.com","sources":[{"projectId":"p","environment":"prod","secretPath":"/"}]},' +
    '"savedAt":1700000000500,"salt":"3gLIWRSLJUQ6knOG5fXQCQ==","iv":"lfLKxX1qH6gqe/qz","tag":"8yLTP1EEUEeZuBjgYDVN7Q==",' +
    '"ciphertext":"0C1zbgyYYcD5lyKG93qfdG31mr/H4IPopfH3tzcGST8zBQLobcCxx5G9ajXenLKYrjJf2H82vZTNsUoaGe+dIPS6pSVj/EpR5Tqmwf04"}';
  const golden = () => JSON.parse(GOLDEN) as Record<string, unknown>;

  it('opens an envelope written by this format version', () => {
    expect(openSnapshot(GOLDEN, 'golden-key-material', binding)).toEqual(content);
  });

  it('seals with a fresh salt and IV each time, and opens what it sealed', () => {
    const first = sealSnapshot(content, 'key', binding, 1);
    const second = sealSnapshot(content, 'key', binding, 1);
    expect(JSON.parse(first).salt).not.toBe(JSON.parse(second).salt);
    expect(JSON.parse(first).iv).not.toBe(JSON.parse(second).iv);
    expect(openSnapshot(first, 'key', binding)).toEqual(content);
    expect(JSON.parse(first)).toMatchObject({ format: 'nestjs-infisical/last-known-good', version: 2, binding, savedAt: 1 });
  });

  it.each([
    ['not JSON', '{', 'it is not a snapshot file (corrupted or truncated)'],
    ['null', 'null', 'it is not a snapshot file of this module'],
    ['another format', JSON.stringify({ ...golden(), format: 'other' }), 'it is not a snapshot file of this module'],
    ['another version', JSON.stringify({ ...golden(), version: 1 }), 'it has format version 1, expected 2'],
    ['no version', JSON.stringify({ ...golden(), version: undefined }), 'it has format version undefined, expected 2'],
  ])('refuses %s', (_label, text, reason) => {
    expect(refusal(text)).toBe(reason);
  });

  it('names how each binding read its sources when the read settings differ (defaults are not named)', () => {
    const site = 'https://eu.infisical.com';
    const readAs = (source: Partial<CacheBinding['sources'][number]>, extra: Partial<CacheBinding> = {}): CacheBinding => ({
      siteUrl: site,
      sources: [{ projectId: 'p', environment: 'prod', secretPath: '/', ...source }],
      ...extra,
    });
    const sealedAs = (bound: CacheBinding) => sealSnapshot(content, 'key', bound, 1);
    const plain = `environment "prod" path "/" of project p`;
    expect(refusal(sealedAs(readAs({ recursive: true, includeImports: false }, { expandSecretReferences: false })), 'key')).toBe(
      `it was written for ${plain} (recursive, without imports) at ${site} with secret references left unexpanded, not for this configuration (${plain} at ${site})`,
    );
    expect(refusal(sealedAs(readAs({ recursive: true })), 'key')).toBe(`it was written for ${plain} (recursive) at ${site}, not for this configuration (${plain} at ${site})`);
    expect(refusal(sealedAs(binding), 'key', readAs({ includeImports: false }))).toBe(
      `it was written for ${plain} at ${site}, not for this configuration (${plain} (without imports) at ${site})`,
    );
    expect(openSnapshot(sealedAs(readAs({ recursive: true })), 'key', readAs({ recursive: true }))).toEqual(content);
  });

  it('names both bindings when the sources differ', () => {
    const other: CacheBinding = { siteUrl: 'http://127.0.0.1:1', sources: [{ projectId: 'q', environment: 'dev', secretPath: '/a' }, { projectId: 'q', environment: 'dev', secretPath: '/b' }] };
    expect(refusal(GOLDEN, 'golden-key-material', other)).toBe(
      'it was written for environment "prod" path "/" of project p at https://eu.infisical.com, not for this configuration ' +
        '(environment "dev" path "/a" of project q, then environment "dev" path "/b" of project q at http://127.0.0.1:1)',
    );
    expect(refusal(JSON.stringify({ ...golden(), binding: { sources: 'x' } }))).toBe(
      'it was written for unknown sources at undefined, not for this configuration (environment "prod" path "/" of project p at https://eu.infisical.com)',
    );
    expect(refusal(JSON.stringify({ ...golden(), binding: undefined }))).toBe(
      'it was written for unknown sources at undefined, not for this configuration (environment "prod" path "/" of project p at https://eu.infisical.com)',
    );
    expect(refusal(JSON.stringify({ ...golden(), binding: { siteUrl: 's', sources: [null] } }))).toMatch(/^it was written for environment "undefined" path "undefined" of project undefined at s,/);
  });

  it.each([
    ['another key', GOLDEN, 'another-key'],
    ['a changed save time', JSON.stringify({ ...golden(), savedAt: 1 }), 'golden-key-material'],
    ['another salt', JSON.stringify({ ...golden(), salt: Buffer.alloc(16).toString('base64') }), 'golden-key-material'],
    ['no salt', JSON.stringify({ ...golden(), salt: undefined }), 'golden-key-material'],
    ['a truncated tag', JSON.stringify({ ...golden(), tag: Buffer.from(golden().tag as string, 'base64').subarray(0, 4).toString('base64') }), 'golden-key-material'],
    ['a truncated ciphertext', JSON.stringify({ ...golden(), ciphertext: (golden().ciphertext as string).slice(0, 40) }), 'golden-key-material'],
  ])('refuses an envelope with %s as failing authentication', (_label, text, key) => {
    expect(refusal(text, key)).toBe('it failed authentication: it was modified, or written with another key / client secret');
  });

  it.each([
    ['null', null],
    ['no secrets', { fetchedAt: 1 }],
    ['secrets that are not a list', { fetchedAt: 1, secrets: {} }],
    ['no time', { secrets: [] }],
    ['a time that is not a number', { fetchedAt: '1', secrets: [] }],
  ])('refuses authentic content that is not a snapshot: %s', (_label, inner) => {
    expect(refusal(sealSnapshot(inner as never, 'key', binding, 1), 'key')).toBe('its content is not a snapshot');
  });
});
