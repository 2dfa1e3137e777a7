import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { HttpTransport, TransportRequest, TransportResponse } from './http-transport.interface.js';

type Https = typeof import('node:https');
type Zlib = typeof import('node:zlib');

/** Loaded on first use only, so a plain-HTTP set-up (or a process that never calls Infisical) does not pay for them. */
const builtin = <T>(id: string): T => process.getBuiltinModule(id) as T;

/** Encodings the transport asks for and decodes, as `fetch` does. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

function decoded(response: IncomingMessage): Readable {
  const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return response;
  const zlib = builtin<Zlib>('node:zlib');
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip()
    : encoding === 'deflate' ? zlib.createInflate()
    : encoding === 'br' ? zlib.createBrotliDecompress()
    : undefined;
  if (!decoder) return response; // unknown encoding: handed on as it is, as fetch does
  response.on('error', (error) => decoder.destroy(error));
  decoder.on('close', () => response.destroy());
  return response.pipe(decoder);
}

function responseOf(response: IncomingMessage): TransportResponse {
  response.on('error', () => undefined); // kept in the stream's state; reading the body reports it
  const body = decoded(response);
  return {
    status: response.statusCode ?? 0,
    headers: {
      get: (name) => {
        const value = response.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body,
    discard: () => void body.destroy(),
  };
}

/** Errors of a kept-alive connection the server closed just as it was reused: the request never reached it. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);

function send(request: TransportRequest, retryStale: boolean): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const sendWith = url.protocol === 'https:' ? builtin<Https>('node:https').request : url.protocol === 'http:' ? httpRequest : undefined;
    if (!sendWith) throw Object.assign(new TypeError(`unsupported protocol ${url.protocol}`), { code: 'ERR_INVALID_PROTOCOL' });
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const headers = { 'accept-encoding': ACCEPT_ENCODING, ...request.headers, ...(body ? { 'content-length': String(body.byteLength) } : {}) };
    const outgoing = sendWith(url, { method: request.method, headers, signal: request.signal });
    let answered = false;
    // After the answer has arrived, a later error reaches the body instead.
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const stale = retryStale && !answered && outgoing.reusedSocket && STALE_CONNECTION.has(error.code ?? '') && !request.signal.aborted;
      if (stale) resolve(send(request, false));
      else reject(error);
    });
    outgoing.once('response', (response) => {
      answered = true;
      resolve(responseOf(response));
    });
    outgoing.end(body);
  });
}

/**
 * Sends a request with `node:http` / `node:https` and the process's default agents (keep-alive, the CA settings,
 * `NODE_EXTRA_CA_CERTS`, anything that configures `http.globalAgent`). Redirects are not followed; gzip, deflate
 * and brotli answers are decoded; a kept-alive connection that turns out closed before any answer is retried once on
 * a new one. Used instead of Node's own `fetch` when nothing has customised it (see `transportFor`): the requests are
 * the same, without loading fetch's HTTP stack on a cold start.
 * @internal
 */
export const nodeHttpTransport: HttpTransport = (request) => send(request, true);
