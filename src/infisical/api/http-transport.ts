import { hasSubscribers } from 'node:diagnostics_channel';
import type { HttpTransport } from './http-transport.interface.js';
import { nodeHttpTransport } from './node-http.transport.js';

/** The transport types, also importable from here (their home is http-transport.interface.ts). */
export type { HttpTransport, TransportRequest, TransportResponse } from './http-transport.interface.js';

async function* noBody(): AsyncIterable<Uint8Array> {}

/** Sends requests with a `fetch` function (`redirect: 'manual'`). @internal */
export function fetchTransport(fetchFn: typeof fetch): HttpTransport {
  return async (request) => {
    const response = await fetchFn(request.url, { method: request.method, headers: request.headers, body: request.body, redirect: 'manual', signal: request.signal });
    const body = response.body as unknown as (AsyncIterable<Uint8Array> & { cancel(): Promise<void> }) | null;
    return {
      status: response.status,
      headers: response.headers,
      body: body ?? noBody(),
      discard: () => void body?.cancel().catch(() => undefined),
    };
  };
}

/** What decides between `fetch` and `node:http` when the `fetch` option is not set. */
export interface TransportFacts {
  /** `globalThis.fetch` is Node's own, unwrapped (nothing replaced it: no msw, nock, polyfill or tracing wrapper). */
  nodeOwnFetch: boolean;
  /** Node's fetch stack (undici) is loaded: something already used fetch, or installed a global dispatcher (MockAgent, ProxyAgent). */
  undiciLoaded: boolean;
  /** Something listens to undici's diagnostics channels (OpenTelemetry's undici instrumentation, APM agents). */
  undiciObserved: boolean;
  /** Node is told to route fetch through the proxy in the environment (`NODE_USE_ENV_PROXY`, `--use-env-proxy`). */
  envProxy: boolean;
}

/**
 * `fetch` whenever anything has customised it or already paid for it; `node:http` only for Node's own, unused,
 * unobserved fetch — where both send the same request, and `node:http` skips the tens of milliseconds Node spends
 * loading fetch's HTTP stack on its first call (a cold start's cost).
 * @internal
 */
export function prefersFetch(facts: TransportFacts): boolean {
  return !facts.nodeOwnFetch || facts.undiciLoaded || facts.undiciObserved || facts.envProxy;
}

/** Node's own `fetch` loads its implementation from this internal module on first use (Node 20.19+, 22, 24). */
const NODE_FETCH_MARKER = 'internal/deps/undici/undici';
/** Where undici (Node's bundled copy and the npm package alike) keeps the global dispatcher once it is loaded. */
const UNDICI_GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
/** The channel undici publishes every request on: subscribed by tracing instrumentations. */
const UNDICI_REQUEST_CHANNEL = 'undici:request:create';

let lastChecked: { fn: unknown; own: boolean } = { fn: undefined, own: false };

/** Whether `fn` is Node's built-in `fetch` (recognised by its source; anything unrecognised counts as replaced). @internal */
export function isNodeOwnFetch(fn: unknown): boolean {
  if (lastChecked.fn !== fn) lastChecked = { fn, own: typeof fn === 'function' && Function.prototype.toString.call(fn).includes(NODE_FETCH_MARKER) };
  return lastChecked.own;
}

/** The facts of this process, read now. @internal */
export function currentTransportFacts(): TransportFacts {
  return {
    nodeOwnFetch: isNodeOwnFetch(globalThis.fetch),
    undiciLoaded: UNDICI_GLOBAL_DISPATCHER in globalThis,
    undiciObserved: hasSubscribers(UNDICI_REQUEST_CHANNEL),
    envProxy: Boolean(process.env.NODE_USE_ENV_PROXY && process.env.NODE_USE_ENV_PROXY !== '0') || process.execArgv.includes('--use-env-proxy'),
  };
}

/**
 * The transport for one request: the `fetch` option when set; otherwise `globalThis.fetch` as it is now, unless it
 * is Node's own, untouched fetch (see {@link prefersFetch}), which `node:http` replaces.
 * @internal
 */
export function transportFor(fetchOption: typeof fetch | undefined): HttpTransport {
  if (fetchOption) return fetchTransport(fetchOption);
  const globalFetch = globalThis.fetch as typeof fetch | undefined;
  if (typeof globalFetch === 'function' && prefersFetch(currentTransportFacts())) return fetchTransport(globalFetch);
  return nodeHttpTransport;
}
