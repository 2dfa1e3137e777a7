/**
 * The module's HTTP attempt against a real loopback server, through each transport (`fetch` and `node:http`):
 * redirects, size and depth caps, timeouts, cancellation, encodings, broken connections.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { HttpFailure, performRequest, type HttpSettings } from '../../src/infisical/api/http-request.js';
import { fetchTransport, type HttpTransport } from '../../src/infisical/api/http-transport.js';
import { nodeHttpTransport } from '../../src/infisical/api/node-http.transport.js';
import { settledSoon } from '../support/deferred.js';
import { ManualClock } from '../support/manual-clock.js';
import { waitFor } from '../support/wait-for.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits };
}

const routes: Record<string, Handler> = {
  '/json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
  '/html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'),
  '/big-declared': (_req, res) => res.writeHead(200, { 'content-length': String(2048) }).end('x'.repeat(2048)),
  '/big-chunked': (_req, res) => {
    res.writeHead(200);
    for (let i = 0; i < 8; i++) res.write('y'.repeat(512));
    res.end();
  },
  '/deep': (_req, res) => res.writeHead(200).end('['.repeat(40) + ']'.repeat(40)),
  '/hang': () => undefined,
  '/gzip': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('{"encoding":"gzip"}')),
  '/deflate': (_req, res) => res.writeHead(200, { 'content-encoding': 'deflate' }).end(deflateSync('{"encoding":"deflate"}')),
  '/br': (_req, res) => res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync('{"encoding":"br"}')),
  '/gzip-bomb': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('z'.repeat(4096))),
  '/cut': (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('{"partial":');
    setImmediate(() => res.socket?.destroy());
  },
  '/echo': (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ method: req.method, accept: req.headers.accept, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString() }),
      ),
    );
  },
};

// Loopback answers take milliseconds: an attempt that never settles fails its test in seconds, not at Jest's default.
jest.setTimeout(3_000);

const TRANSPORTS: [string, () => HttpTransport][] = [
  ['fetch', () => fetchTransport(globalThis.fetch)],
  ['node:http', () => nodeHttpTransport],
];

describe.each(TRANSPORTS)('performRequest through %s', (_name, transport) => {
  let main: Awaited<ReturnType<typeof serve>>;
  let elsewhere: Awaited<ReturnType<typeof serve>>;
  const clock = new ManualClock();
  const settings: HttpSettings = { transport, timeoutMs: 5_000, maxBytes: 1024, maxJsonDepth: 32, clock };
  const get = (path: string, signal = new AbortController().signal, extra: Partial<HttpSettings> = {}) =>
    performRequest({ method: 'POST', url: `${main.url}${path}`, json: { clientSecret: 'do-not-forward' }, signal }, { ...settings, ...extra });
  const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as HttpFailure);

  beforeAll(async () => {
    elsewhere = await serve((_req, res) => res.writeHead(200).end('{"stolen":true}'));
    main = await serve((req, res) => {
      const status = /^\/redirect\/(\d+)$/.exec(req.url ?? '')?.[1];
      if (status) return void res.writeHead(Number(status), { location: `${elsewhere.url}/api/v1/auth/universal-auth/login` }).end();
      (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end()))(req, res);
    });
  });
  afterAll(async () => {
    main.server.closeAllConnections();
    await new Promise((r) => main.server.close(r));
    await new Promise((r) => elsewhere.server.close(r));
  });

  it('returns status, headers and the parsed JSON body', async () => {
    const answer = await get('/json');
    expect(answer).toMatchObject({ status: 200, body: { ok: true }, bodyProblem: undefined });
    expect(answer.headers.get('content-type')).toBe('application/json');
  });

  it('sends the method, JSON body and headers', async () => {
    expect((await get('/echo')).body).toEqual({ method: 'POST', accept: 'application/json', contentType: 'application/json', body: '{"clientSecret":"do-not-forward"}' });
  });

  it.each(['gzip', 'deflate', 'br'])('decodes a %s answer', async (encoding) => {
    expect((await get(`/${encoding}`)).body).toEqual({ encoding });
  });

  it('applies maxBytes to the decoded body', async () => {
    expect((await failure(get('/gzip-bomb'))).kind).toBe('too-large');
  });

  it('a connection cut in the middle of the body is a network failure', async () => {
    expect((await failure(get('/cut'))).kind).toBe('network');
  });

  it('a kept-alive connection the server closed as it was reused: the request goes out again on a new one', async () => {
    const perSocket = new Map<unknown, number>();
    const flaky = await serve((req, res) => {
      const count = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, count);
      if (count === 2) return void req.socket.destroy(); // the server's idle timeout, just as the request arrived
      res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' }).end('{"ok":true}');
    });
    try {
      const call = () => performRequest({ method: 'GET', url: `${flaky.url}/list`, signal: new AbortController().signal }, settings);
      expect((await call()).body).toEqual({ ok: true });
      expect((await call()).body).toEqual({ ok: true });
      // node:http reuses the socket and meets the closed connection (3 requests); undici may open a new one (2).
      expect(flaky.hits.length).toBeGreaterThanOrEqual(2);
    } finally {
      flaky.server.closeAllConnections();
      await new Promise((r) => flaky.server.close(r));
    }
  });

  it('https to a plain-HTTP port is named as such, whichever stack reports it', async () => {
    const url = main.url.replace('http:', 'https:');
    const error = await failure(performRequest({ method: 'GET', url: `${url}/json`, signal: new AbortController().signal }, settings));
    expect(error).toMatchObject({ kind: 'tls', detail: 'TLS handshake failed: the server does not speak TLS on that port (ERR_SSL_WRONG_VERSION_NUMBER)' });
  });

  it('a refused connection is named with its code', async () => {
    const closed = await serve(() => undefined);
    await new Promise((r) => closed.server.close(r));
    const error = await failure(performRequest({ method: 'GET', url: closed.url, signal: new AbortController().signal }, settings));
    expect(error).toMatchObject({ kind: 'network', detail: 'connection refused (ECONNREFUSED)' });
  });

  it('a body that is not JSON is reported, not thrown', async () => {
    expect(await get('/html')).toMatchObject({ status: 200, body: undefined, bodyProblem: 'not-json' });
  });

  it.each([301, 302, 303, 307, 308])('never follows a %i redirect: names the other origin, sends it nothing', async (status) => {
    const error = await failure(get(`/redirect/${status}`));
    expect(error).toBeInstanceOf(HttpFailure);
    expect(error.kind).toBe('redirect');
    expect(error.detail).toContain(elsewhere.url);
    expect(error.detail).not.toContain('/api/v1');
    expect(elsewhere.hits).toEqual([]);
  });

  it('refuses a body larger than maxBytes, declared or streamed', async () => {
    expect((await failure(get('/big-declared'))).kind).toBe('too-large');
    expect((await failure(get('/big-chunked'))).kind).toBe('too-large');
    expect((await get('/big-chunked', undefined, { maxBytes: 4096 })).status).toBe(200);
  });

  it('refuses JSON nested deeper than maxJsonDepth without parsing it', async () => {
    expect((await failure(get('/deep'))).kind).toBe('too-deep');
    expect((await get('/deep', undefined, { maxJsonDepth: 64 })).body).toEqual(JSON.parse('['.repeat(40) + ']'.repeat(40)));
  });

  it('ends a hung attempt at its own timeout, on the injected clock', async () => {
    const pending = failure(get('/hang'));
    await waitFor(() => main.hits.includes('POST /hang'), 'the request to arrive');
    clock.advance(4_999);
    clock.advance(1);
    const error = await settledSoon(pending);
    expect(error.kind).toBe('timeout');
    expect(error.detail).toBe('no complete answer within 5000 ms');
  });

  it('a cancelled attempt carries the canceller\'s reason', async () => {
    const controller = new AbortController();
    const pending = failure(get('/hang', controller.signal));
    const reason = new Error('start-up deadline');
    controller.abort(reason);
    const error = await settledSoon(pending);
    expect(error.kind).toBe('cancelled');
    expect(error.reason).toBe(reason);
  });
});
