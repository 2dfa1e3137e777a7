import { AsyncLocalStorage } from 'node:async_hooks';
import { MAX_RESPONSE_BYTES } from './infisical.constants.js';
import type { InfisicalClock } from './interfaces/infisical-clock.interface.js';

/**
 * What happened to the last HTTP attempt made inside a {@link TransportScope}, as the server really answered it
 * (the SDK only sees a flattened error message).
 */
export type AttemptOutcome =
  | { kind: 'response'; status: number; body: unknown; retryAfterSeconds?: number }
  | { kind: 'network'; detail: string }
  | { kind: 'timeout' }
  | { kind: 'cancelled'; reason: unknown }
  | { kind: 'too-large' };

export interface TransportScopeOptions {
  /** Cancels the attempt (deadline, shutdown). */
  signal: AbortSignal;
  /** Longest time for one attempt: connect, headers and the whole body. */
  attemptTimeoutMs: number;
  clock: InfisicalClock;
  /**
   * Also keep the parsed body of a successful response (login and renewal read the token lifetime from it). Error
   * bodies are always kept; a successful list is parsed by the SDK alone and never held here.
   */
  keepSuccessBody?: boolean;
}

type FetchInput = Parameters<typeof fetch>[0];

class ResponseTooLargeError extends Error {}

/**
 * The `@infisical/sdk` v5 transport has no timeout, cancellation or retry options: it retries 429s and network
 * errors itself for up to ~66 s with timers nobody can cancel, ignores `Retry-After`, and reports statuses only
 * inside message strings. A scope puts the module in charge of the requests the SDK makes on its behalf:
 *
 * - every attempt gets the module's timeout and cancellation (deadline, shutdown) covering the whole body;
 * - a failed attempt (network error, timeout, cancellation, 429) is answered to the SDK with a final, non-retryable
 *   response, so the SDK never sleeps or retries and nothing it started outlives the call;
 * - the real outcome (status, parsed body, `Retry-After`) is recorded for the module's own error mapping and
 *   back-off.
 *
 * Only `fetch` calls made inside {@link runInTransportScope} are affected; every other `fetch` in the process goes
 * straight to the original implementation.
 */
export class TransportScope {
  /** Number of HTTP attempts made in this scope. */
  attempts = 0;
  /** Outcome of the latest attempt. */
  outcome: AttemptOutcome | undefined;

  constructor(private readonly options: TransportScopeOptions) {}

  /**
   * Hands over the body of the last response and forgets it: the scope stays reachable from the connection's
   * async context for as long as the keep-alive socket lives, and must not keep secrets alive with it.
   */
  takeBody(): unknown {
    if (this.outcome?.kind !== 'response') return undefined;
    const { body } = this.outcome;
    this.outcome = { ...this.outcome, body: undefined };
    return body;
  }

  /** Performs one attempt on behalf of the SDK (see the class comment). */
  async perform(fetchImpl: typeof fetch, input: FetchInput, init?: RequestInit): Promise<Response> {
    this.attempts++;
    const { signal, attemptTimeoutMs, clock } = this.options;
    if (signal.aborted) {
      this.outcome = { kind: 'cancelled', reason: signal.reason };
      return finalAnswer('cancelled');
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, attemptTimeoutMs);
    const cancel = () => controller.abort();
    signal.addEventListener('abort', cancel, { once: true });
    init?.signal?.addEventListener('abort', cancel, { once: true });
    try {
      const response = await fetchImpl(input, { ...init, signal: controller.signal });
      const bytes = await readBody(response);
      const body = response.ok && !this.options.keepSuccessBody ? undefined : parseJson(bytes);
      this.outcome = {
        kind: 'response',
        status: response.status,
        body,
        retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after'), clock.now()),
      };
      if (response.status === 429) return finalAnswer('rate-limited');
      const empty = response.status === 204 || response.status === 304;
      return new Response(empty ? null : bytes, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (timedOut) this.outcome = { kind: 'timeout' };
      else if (signal.aborted) this.outcome = { kind: 'cancelled', reason: signal.reason };
      else if (error instanceof ResponseTooLargeError) this.outcome = { kind: 'too-large' };
      else this.outcome = { kind: 'network', detail: describeNetworkError(error) };
      return finalAnswer(this.outcome.kind);
    } finally {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', cancel);
      init?.signal?.removeEventListener('abort', cancel);
    }
  }
}

const scopes = new AsyncLocalStorage<TransportScope>();
let originalFetch: typeof fetch | undefined;

async function scopedFetch(input: FetchInput, init?: RequestInit): Promise<Response> {
  const scope = scopes.getStore();
  const passThrough = originalFetch as typeof fetch;
  return scope ? scope.perform(passThrough, input, init) : passThrough(input, init);
}

/** Runs `operation` (an SDK call) with every `fetch` it makes going through `scope`. */
export function runInTransportScope<T>(scope: TransportScope, operation: () => Promise<T>): Promise<T> {
  if (!originalFetch) {
    originalFetch = globalThis.fetch;
    globalThis.fetch = scopedFetch as typeof fetch;
  }
  return scopes.run(scope, operation);
}

/** A response the SDK treats as final (not 429, not thrown): it turns it into an error without retrying. */
function finalAnswer(what: string): Response {
  return new Response(JSON.stringify({ message: `request not completed (${what})` }), {
    status: 503,
    headers: { 'content-type': 'application/json' },
  });
}

async function readBody(response: Response): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array();
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body.cancel();
    throw new ResponseTooLargeError();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > MAX_RESPONSE_BYTES) throw new ResponseTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** `Retry-After` as seconds (delta-seconds or an HTTP date). */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'host name lookup failed',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_SOCKET: 'connection closed by the server before it answered',
    UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
    CERT_HAS_EXPIRED: 'TLS certificate expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  };
  if (code && known[code]) return `${known[code]} (${code})`;
  if (code) return `${cause?.message ?? 'network error'} (${code})`;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : 'network error';
}
