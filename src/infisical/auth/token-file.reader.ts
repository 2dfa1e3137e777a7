import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';

/** Why a token file could not be used. */
export type TokenFileProblem = 'missing' | 'unreadable' | 'not-regular' | 'too-large' | 'timeout';

/** The text of the file, or why there is none (with a few words for the message: an errno code, a size, a kind). */
export type TokenFileRead = { ok: true; text: string } | { ok: false; problem: TokenFileProblem; detail: string };

export interface TokenFileLimits {
  /** Largest file read: a larger one is refused from its size, before any byte is read. */
  maxBytes: number;
  /** Longest wait for the open, the size and the read together. */
  timeoutMs: number;
  clock: InfisicalClock;
  /** Cancels the wait (the start-up deadline, shutdown): the read ends as a timeout. */
  signal?: AbortSignal;
}

/** The part of an open file the reader uses. */
export interface TokenFileHandle {
  stat(): Promise<Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'size'>>;
  read(buffer: Buffer, offset: number, length: number, position: null): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** Opens a file with the given flags (node:fs/promises `open`; replaced in tests). */
export type OpenTokenFile = (path: string, flags: number) => Promise<TokenFileHandle>;

/** Read-only and non-blocking, so that opening a FIFO returns at once instead of waiting for a writer. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a platform token file (a Kubernetes service-account token, a CI system's OIDC token) within bounds: opened
 * non-blocking, only a regular file (checked on the opened descriptor, so no swap between check and read), at most
 * `maxBytes`, and within `timeoutMs` (a read still running then is abandoned; its descriptor is closed when it
 * ends). Never throws: a failure is the result. Nothing is remembered between calls.
 */
export function readTokenFile(path: string, limits: TokenFileLimits, openFile: OpenTokenFile = open): Promise<TokenFileRead> {
  const { clock, signal, timeoutMs } = limits;
  return new Promise((resolve) => {
    const settle = (result: TokenFileRead) => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => settle({ ok: false, problem: 'timeout', detail: 'the read was cancelled (start-up deadline or shutdown) before it ended' });
    const timer = clock.setTimeout(() => settle({ ok: false, problem: 'timeout', detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    void readBounded(path, limits.maxBytes, openFile).then(settle);
  });
}

async function readBounded(path: string, maxBytes: number, openFile: OpenTokenFile): Promise<TokenFileRead> {
  let handle: TokenFileHandle;
  try {
    handle = await openFile(path, OPEN_FLAGS);
  } catch (error) {
    const code = errorCode(error);
    return { ok: false, problem: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', detail: code };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { ok: false, problem: 'not-regular', detail: kindOf(stats) };
    if (stats.size > maxBytes) return tooLarge(`${stats.size} bytes`, maxBytes);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      length += bytesRead;
      if (bytesRead === 0 || length === buffer.length) break;
    }
    if (length > maxBytes) return tooLarge(`more than ${maxBytes} bytes when read`, maxBytes);
    return { ok: true, text: buffer.toString('utf8', 0, length) };
  } catch (error) {
    return { ok: false, problem: 'unreadable', detail: errorCode(error) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

const tooLarge = (size: string, maxBytes: number): TokenFileRead => ({ ok: false, problem: 'too-large', detail: `${size}; the most read is ${maxBytes}` });

function kindOf(stats: Pick<Stats, 'isDirectory' | 'isFIFO'>): string {
  if (stats.isDirectory()) return 'a directory';
  return stats.isFIFO() ? 'a FIFO (named pipe)' : 'a device or another special file';
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? String(error);
}
