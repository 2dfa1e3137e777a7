import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import { describeNetworkError, type NetworkFailureKind } from './network-error.js';
import { parseJsonBody, type JsonBodyProblem } from './json-body.js';
import type { HttpTransport, TransportResponse } from './http-transport.interface.js';

/** One HTTP attempt as the API client describes it. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Cancels the attempt (start-up deadline, shutdown). */
  signal: AbortSignal;
  /** Keep the body as text (a platform credential endpoint answering a bare JWT), not parsed as JSON. */
  text?: boolean;
}

/** Settings shared by every attempt of one client. */
export interface HttpSettings {
  /** Chosen at each call (see `transportFor`), so that interceptors installed at any time apply. */
  transport: () => HttpTransport;
  /** Longest time for one attempt: connect, headers and the whole body. */
  timeoutMs: number;
  maxBytes: number;
  maxJsonDepth: number;
  clock: InfisicalClock;
}

/** What the server answered: status, headers and the body parsed as JSON (when it is JSON). */
export interface HttpResponse {
  status: number;
  headers: TransportResponse['headers'];
  /** Parsed JSON body; undefined when the body is empty or not JSON (see `bodyProblem`). */
  body: unknown;
  bodyProblem: JsonBodyProblem | undefined;
  /** The body as UTF-8 text, when the request asked for it. */
  text?: string;
}

export type HttpFailureKind = NetworkFailureKind | 'timeout' | 'cancelled' | 'too-large' | 'too-deep' | 'redirect';

/** An attempt that produced no usable answer. `detail` is a few words, never a secret or a body. */
export class HttpFailure extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    readonly detail: string,
    /** The signal's reason, for `cancelled`. */
    readonly reason?: unknown,
  ) {
    super(detail);
    this.name = 'HttpFailure';
  }
}

class BodyTooLarge extends Error {}

/**
 * Performs one HTTP attempt: the caller's signal and a per-attempt timeout cover connect, headers and the whole
 * body; the body is read up to `maxBytes`; redirects are never followed (a 3xx is a failure naming the origin it
 * points to, so a credential is never sent elsewhere); JSON deeper than `maxJsonDepth` is refused unparsed.
 * @internal
 */
export async function performRequest(request: HttpRequest, settings: HttpSettings): Promise<HttpResponse> {
  const { signal } = request;
  if (signal.aborted) throw new HttpFailure('cancelled', 'the request was cancelled', signal.reason);
  const controller = new AbortController();
  let timedOut = false;
  const timer = settings.clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.timeoutMs);
  const cancel = () => controller.abort();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    // Raced against the attempt's own signal: a fetch wrapper that drops `signal` cannot outlive the timeout.
    return await untilAborted(attempt(request, settings, controller.signal), controller.signal);
  } catch (error) {
    if (error instanceof HttpFailure) throw error;
    if (timedOut) throw new HttpFailure('timeout', `no complete answer within ${settings.timeoutMs} ms`);
    if (signal.aborted) throw new HttpFailure('cancelled', 'the request was cancelled', signal.reason);
    if (error instanceof BodyTooLarge) throw new HttpFailure('too-large', `an answer larger than ${settings.maxBytes} bytes`);
    const network = describeNetworkError(error);
    throw new HttpFailure(network.kind, network.detail);
  } finally {
    settings.clock.clearTimeout(timer);
    signal.removeEventListener('abort', cancel);
  }
}

async function attempt(request: HttpRequest, settings: HttpSettings, signal: AbortSignal): Promise<HttpResponse> {
  const response = await settings.transport()({
    method: request.method,
    url: request.url,
    headers: { accept: 'application/json', ...(request.json !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
    body: request.json === undefined ? undefined : JSON.stringify(request.json),
    signal,
  });
  if (response.status >= 300 && response.status < 400) {
    response.discard();
    throw new HttpFailure('redirect', `HTTP ${response.status} redirect to ${originOf(response.headers.get('location'), request.url)} (not followed)`);
  }
  const bytes = await readBody(response, settings.maxBytes);
  if (request.text) return { status: response.status, headers: response.headers, body: undefined, bodyProblem: undefined, text: Buffer.from(bytes).toString('utf8') };
  const reading = parseJsonBody(bytes, settings.maxJsonDepth);
  // a large body is parsed in steps (a promise); a small one at once, without an extra turn
  const parsed = reading instanceof Promise ? await reading : reading;
  if (!parsed.ok && parsed.problem === 'too-deep') {
    throw new HttpFailure('too-deep', `an HTTP ${response.status} answer nested deeper than ${settings.maxJsonDepth} levels`);
  }
  return { status: response.status, headers: response.headers, body: parsed.ok ? parsed.value : undefined, bodyProblem: parsed.ok ? undefined : parsed.problem };
}

/** `work`, or a rejection as soon as `signal` aborts (whatever `work` does with the signal). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** The origin a `Location` header points to (relative locations resolve against the request), never its path. */
function originOf(location: string | null, base: string): string {
  if (!location) return 'nowhere (no Location header)';
  try {
    return new URL(location, base).origin;
  } catch {
    return 'an unparsable Location';
  }
}

async function readBody(response: TransportResponse, maxBytes: number): Promise<Uint8Array> {
  if (Number(response.headers.get('content-length')) > maxBytes) {
    response.discard();
    throw new BodyTooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new BodyTooLarge(); // leaving the loop cancels the body (the iterator's return)
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
