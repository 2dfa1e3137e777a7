/** The module's HTTP attempt against a real loopback server: redirects, size and depth caps, timeouts, cancellation. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpFailure, performRequest, type HttpSettings } from '../../src/infisical/api/http-request.js';
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
};

describe('performRequest', () => {
  let main: Awaited<ReturnType<typeof serve>>;
  let elsewhere: Awaited<ReturnType<typeof serve>>;
  const clock = new ManualClock();
  const settings: HttpSettings = { fetch: () => globalThis.fetch, timeoutMs: 5_000, maxBytes: 1024, maxJsonDepth: 32, clock };
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
    const error = await pending;
    expect(error.kind).toBe('timeout');
    expect(error.detail).toBe('no complete answer within 5000 ms');
  });

  it('a cancelled attempt carries the canceller\'s reason', async () => {
    const controller = new AbortController();
    const pending = failure(get('/hang', controller.signal));
    const reason = new Error('start-up deadline');
    controller.abort(reason);
    const error = await pending;
    expect(error.kind).toBe('cancelled');
    expect(error.reason).toBe(reason);
  });
});
