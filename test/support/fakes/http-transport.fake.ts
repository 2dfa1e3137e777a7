import type { HttpSettings } from '../../../src/infisical/api/http-request.js';
import type { HttpTransport, TransportRequest, TransportResponse } from '../../../src/infisical/api/http-transport.js';
import { ManualClock } from '../manual-clock.js';

/** What the fake answers: a status, headers, and a body (an object is sent as JSON, a string as it is). */
export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Decides the answer to one request; an `Error` returned (or thrown) is what the transport rejects with. */
export type FakeRoute = (request: TransportRequest) => FakeAnswer | Error | Promise<FakeAnswer | Error>;

/** A network error as Node reports it (`code` on the error itself, as `node:http` does). */
export function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

/** Never answers: rejects with the attempt's abort reason once its signal aborts (timeout or cancellation). */
export const hang: FakeRoute = (request) =>
  new Promise<Error>((_resolve, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason ?? new Error('aborted')), { once: true }));

function responseOf(answer: FakeAnswer): TransportResponse {
  const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const headers = new Headers(answer.headers ?? {});
  return {
    status: answer.status ?? 200,
    headers: { get: (name) => headers.get(name) },
    body: (async function* () {
      if (text) yield new TextEncoder().encode(text);
    })(),
    discard: () => undefined,
  };
}

/**
 * An HTTP transport that answers from a function instead of the network, and records every request it was given.
 * `settings()` gives the `HttpSettings` the API client and the platform credential sources take.
 */
export class FakeTransport {
  readonly requests: TransportRequest[] = [];

  constructor(public route: FakeRoute = () => ({ status: 404, body: { message: 'no route' } })) {}

  readonly transport: HttpTransport = async (request) => {
    this.requests.push(request);
    const answer = await this.route(request);
    if (answer instanceof Error) throw answer;
    return responseOf(answer);
  };

  settings(clock = new ManualClock(), overrides: Partial<HttpSettings> = {}): HttpSettings {
    return { transport: () => this.transport, timeoutMs: 5_000, maxBytes: 64 * 1024, maxJsonDepth: 32, clock, ...overrides };
  }

  /** The only request sent (fails the test when there were none or several). */
  get only(): TransportRequest {
    if (this.requests.length !== 1) throw new Error(`expected exactly one request, got ${this.requests.length}`);
    return this.requests[0]!;
  }
}
