/** Token files are read within bounds: regular files only (opened non-blocking), a size cap, a timeout; never cached. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTokenFile, type OpenTokenFile, type TokenFileHandle, type TokenFileLimits } from '../../src/infisical/auth/token-file.reader.js';
import { Deferred, flushEventLoop } from '../support/deferred.js';
import { ManualClock } from '../support/manual-clock.js';

const MAX = 1024;
const TIMEOUT = 2000;

describe('readTokenFile', () => {
  let dir: string;
  let clock: ManualClock;
  const limits = (more: Partial<TokenFileLimits> = {}): TokenFileLimits => ({ maxBytes: MAX, timeoutMs: TIMEOUT, clock, ...more });
  const read = (path: string, more: Partial<TokenFileLimits> = {}, open?: OpenTokenFile) => readTokenFile(path, limits(more), open);

  beforeAll(async () => {
    clock = new ManualClock();
    dir = await mkdtemp(join(tmpdir(), 'token-file-'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    await mkdir(join(dir, 'folder'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the text of a regular file, as it is now (nothing cached), and leaves no timer behind', async () => {
    const path = join(dir, 'token');
    await writeFile(path, 'header.payload.é\n');
    expect(await read(path)).toEqual({ ok: true, text: 'header.payload.é\n' });
    await writeFile(path, 'header.payload.second');
    expect(await read(path)).toEqual({ ok: true, text: 'header.payload.second' });
    expect(clock.pending).toEqual([]);
  });

  it('a file of exactly maxBytes is read; one byte more is refused from its size, unread', async () => {
    const path = join(dir, 'sized');
    await writeFile(path, 'a'.repeat(MAX));
    expect(await read(path)).toEqual({ ok: true, text: 'a'.repeat(MAX) });
    await writeFile(path, 'a'.repeat(MAX + 1));
    expect(await read(path)).toEqual({ ok: false, problem: 'too-large', detail: `${MAX + 1} bytes; the most read is ${MAX}` });
  });

  it('a 200 MB (sparse) file is refused from its size at once', async () => {
    const path = join(dir, 'huge');
    await writeFile(path, '');
    await truncate(path, 200 * 1024 * 1024);
    const started = performance.now();
    expect(await read(path, { maxBytes: 64 * 1024 })).toEqual({ ok: false, problem: 'too-large', detail: `${200 * 1024 * 1024} bytes; the most read is ${64 * 1024}` });
    expect(performance.now() - started).toBeLessThan(500);
    await rm(path);
  });

  it('a FIFO is refused without waiting for a writer (opened non-blocking, checked on the descriptor)', async () => {
    expect(await read(join(dir, 'fifo'))).toEqual({ ok: false, problem: 'not-regular', detail: 'a FIFO (named pipe)' });
  });

  it('a directory and a device are refused', async () => {
    expect(await read(join(dir, 'folder'))).toEqual({ ok: false, problem: 'not-regular', detail: 'a directory' });
    expect(await read('/dev/zero')).toEqual({ ok: false, problem: 'not-regular', detail: 'a device or another special file' });
  });

  it('a path that does not exist, or runs through a file, is "missing"; other open failures are "unreadable" with their code', async () => {
    await writeFile(join(dir, 'plain'), 'x');
    expect(await read(join(dir, 'absent'))).toEqual({ ok: false, problem: 'missing', detail: 'ENOENT' });
    expect(await read(join(dir, 'plain', 'token'))).toEqual({ ok: false, problem: 'missing', detail: 'ENOTDIR' });
    const refused: OpenTokenFile = () => Promise.reject(Object.assign(new Error('permission denied'), { code: 'EACCES' }));
    expect(await read('/x', {}, refused)).toEqual({ ok: false, problem: 'unreadable', detail: 'EACCES' });
    expect(await read('/x', {}, () => Promise.reject(new Error('odd')))).toEqual({ ok: false, problem: 'unreadable', detail: 'Error: odd' });
    expect(await read('/x', {}, () => Promise.reject(undefined))).toEqual({ ok: false, problem: 'unreadable', detail: 'undefined' });
  });

  it('a file fixed after a failure is read at the next call', async () => {
    const path = join(dir, 'later');
    expect(await read(path)).toMatchObject({ ok: false, problem: 'missing' });
    await writeFile(path, 'header.payload.fixed');
    expect(await read(path)).toEqual({ ok: true, text: 'header.payload.fixed' });
  });

  describe('with a scripted file', () => {
    /** A handle whose size, reads and failures the test chooses; records the flags and whether it was closed. */
    function scripted(o: { size?: number; chunks?: string[]; stat?: () => Promise<never>; read?: () => Promise<never>; close?: () => Promise<void> } = {}) {
      const seen = { flags: [] as number[], closed: 0, reads: [] as number[] };
      const chunks = [...(o.chunks ?? [])];
      const handle: TokenFileHandle = {
        stat: o.stat ?? (async () => ({ isFile: () => true, isDirectory: () => false, isFIFO: () => false, size: o.size ?? 0 })),
        read:
          o.read ??
          (async (buffer, offset, length) => {
            seen.reads.push(length);
            const chunk = Buffer.from(chunks.shift() ?? '');
            const bytesRead = chunk.copy(buffer, offset, 0, Math.min(length, chunk.length));
            return { bytesRead };
          }),
        close: async () => {
          seen.closed++;
          await o.close?.();
        },
      };
      const open: OpenTokenFile = async (_path, flags) => (seen.flags.push(flags), handle);
      return { seen, open };
    }

    it('opens read-only and non-blocking, and closes what it opened', async () => {
      const { seen, open } = scripted({ size: 3, chunks: ['abc'] });
      expect(await read('/t', {}, open)).toEqual({ ok: true, text: 'abc' });
      expect(seen.flags).toEqual([constants.O_RDONLY | constants.O_NONBLOCK]);
      expect(seen.closed).toBe(1);
    });

    it('joins short reads until the end of the file, asking at most maxBytes + 1 in all', async () => {
      const { seen, open } = scripted({ size: 9, chunks: ['abc', 'def', 'ghi'] });
      expect(await read('/t', {}, open)).toEqual({ ok: true, text: 'abcdefghi' });
      expect(seen.reads).toEqual([MAX + 1, MAX - 2, MAX - 5, MAX - 8]);
    });

    it('a file that grows past maxBytes after its size was taken is refused, reading no more than maxBytes + 1', async () => {
      const { seen, open } = scripted({ size: 10, chunks: ['a'.repeat(MAX), 'bb', 'never asked'] });
      expect(await read('/t', {}, open)).toEqual({ ok: false, problem: 'too-large', detail: `more than ${MAX} bytes when read; the most read is ${MAX}` });
      expect(seen.reads).toEqual([MAX + 1, 1]);
      expect(seen.closed).toBe(1);
    });

    it('a file of exactly maxBytes that reports size 0 (like /proc files) is read in full', async () => {
      const { open } = scripted({ size: 0, chunks: ['a'.repeat(MAX)] });
      expect(await read('/t', {}, open)).toEqual({ ok: true, text: 'a'.repeat(MAX) });
    });

    it('a failing size or read is "unreadable" with its code; the descriptor is closed, a failing close ignored', async () => {
      const eio = () => Promise.reject(Object.assign(new Error('i/o'), { code: 'EIO' }));
      const failingStat = scripted({ stat: eio, close: () => Promise.reject(new Error('close failed')) });
      expect(await read('/t', {}, failingStat.open)).toEqual({ ok: false, problem: 'unreadable', detail: 'EIO' });
      expect(failingStat.seen.closed).toBe(1);
      const failingRead = scripted({ size: 3, read: eio });
      expect(await read('/t', {}, failingRead.open)).toEqual({ ok: false, problem: 'unreadable', detail: 'EIO' });
      expect(failingRead.seen.closed).toBe(1);
    });

    it('a read that does not end within timeoutMs is a timeout; the descriptor is closed when it ends at last', async () => {
      const hung = new Deferred<{ bytesRead: number }>();
      const { seen, open } = scripted({ size: 3, read: () => hung.promise as Promise<never> });
      const result = readTokenFile('/t', limits(), open);
      let settled = false;
      void result.then(() => (settled = true));
      await flushEventLoop();
      clock.advance(TIMEOUT - 1);
      await flushEventLoop();
      expect(settled).toBe(false);
      clock.advance(1);
      expect(await result).toEqual({ ok: false, problem: 'timeout', detail: `no answer within ${TIMEOUT} ms` });
      expect(seen.closed).toBe(0);
      hung.resolve({ bytesRead: 0 });
      await flushEventLoop();
      expect(seen.closed).toBe(1);
    });

    it('an open that hangs is cut short by the signal (start-up deadline, shutdown); the timer and the listener are removed', async () => {
      const controller = new AbortController();
      const pending = readTokenFile('/t', limits({ signal: controller.signal }), () => new Promise<never>(() => undefined));
      controller.abort(new Error('deadline'));
      expect(await pending).toEqual({ ok: false, problem: 'timeout', detail: 'the read was cancelled (start-up deadline or shutdown) before it ended' });
      expect(clock.pending).toEqual([]);
    });

    it('a signal already aborted ends the read at once, opening nothing', async () => {
      const { seen, open } = scripted({ size: 3, chunks: ['abc'] });
      const controller = new AbortController();
      controller.abort();
      expect(await read('/t', { signal: controller.signal }, open)).toMatchObject({ ok: false, problem: 'timeout' });
      expect(seen.flags).toEqual([]);
      expect(clock.pending).toEqual([]);
    });

    it('a read that ends first removes its abort listener', async () => {
      const { open } = scripted({ size: 3, chunks: ['abc'] });
      const controller = new AbortController();
      const removed: string[] = [];
      const signal = controller.signal;
      const original = signal.removeEventListener.bind(signal);
      signal.removeEventListener = ((...args: Parameters<AbortSignal['removeEventListener']>) => (removed.push(args[0]), original(...args))) as AbortSignal['removeEventListener'];
      expect(await read('/t', { signal }, open)).toEqual({ ok: true, text: 'abc' });
      expect(removed).toEqual(['abort']);
    });
  });
});
