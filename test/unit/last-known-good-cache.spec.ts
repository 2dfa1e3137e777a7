import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfisicalCacheError } from '../../src/infisical/index.js';
import { LastKnownGoodCache } from '../../src/infisical/store/last-known-good.cache.js';

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
});
