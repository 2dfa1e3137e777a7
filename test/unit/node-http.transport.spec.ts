/**
 * The `node:http` transport against a loopback server (it is the transport: sockets are what it does): the request it
 * writes, the answer it hands back (headers, decoded body, discard), broken and stale connections, what it loads.
 * Each test has its own server, so no kept-alive socket crosses tests; every wait is bounded (`within`).
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { TransportRequest, TransportResponse } from '../../src/infisical/api/http-transport.interface.js';
import { nodeHttpTransport } from '../../src/infisical/api/node-http.transport.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  jest.restoreAllMocks();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback server for one test: its URL, the requests it saw (`METHOD /path #n on socket s`), its sockets. */
async function serve(handler: Handler) {
  const hits: { method: string; url: string; socket: number; headers: IncomingMessage['headers']; body: string }[] = [];
  const sockets: Socket[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hits.push({ method: req.method!, url: req.url!, socket: sockets.indexOf(req.socket), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      handler(req, res);
    });
  });
  server.on('connection', (socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, sockets };
}

/** `promise`, or a failure after `ms` of real time: loopback I/O takes milliseconds, a stuck transport fails fast. */
function within<T>(promise: Promise<T>, ms = 2_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

const send = (url: string, extra: Partial<TransportRequest> = {}) =>
  within(nodeHttpTransport({ method: 'GET', url, headers: {}, body: undefined, signal: new AbortController().signal, ...extra }));

async function text(response: TransportResponse): Promise<string> {
  const read = async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  };
  return within(read());
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as NodeJS.ErrnoException,
  );

/** Resolves once the server side of the connection behind `res` has closed. */
const closed = (res: ServerResponse) => within(new Promise<void>((resolve) => (res.destroyed ? resolve() : res.on('close', () => resolve()))));

describe('nodeHttpTransport: the request it writes', () => {
  it('method, path, headers, the body with its byte length, and the encodings it decodes', async () => {
    const server = await serve((_req, res) => res.end('{}'));
    await send(`${server.url}/api/v1/auth/login?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-trace': 't' }, body: '{"name":"Zoë €"}' });
    const [hit] = server.hits;
    expect(hit).toMatchObject({ method: 'POST', url: '/api/v1/auth/login?x=1', body: '{"name":"Zoë €"}' });
    expect(hit!.headers).toMatchObject({ 'accept-encoding': 'gzip, deflate, br', 'content-type': 'application/json', 'x-trace': 't', 'content-length': String(Buffer.byteLength('{"name":"Zoë €"}')) });
  });

  it('no body: no content-length; the caller may ask for other encodings', async () => {
    const server = await serve((_req, res) => res.end('{}'));
    await send(`${server.url}/a`, { headers: { 'accept-encoding': 'identity' } });
    expect(server.hits[0]!.headers['content-length']).toBeUndefined();
    expect(server.hits[0]!.headers['accept-encoding']).toBe('identity');
  });

  it('a protocol other than http: and https: is refused before anything is sent', async () => {
    const error = await failureOf(send('ftp://127.0.0.1:1/file'));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'unsupported protocol ftp:', code: 'ERR_INVALID_PROTOCOL' });
  });

  it('https: speaks TLS (to a plain-HTTP port: a TLS failure, not an HTTP answer)', async () => {
    const server = await serve((_req, res) => res.end('{}'));
    const error = await failureOf(send(server.url.replace('http:', 'https:')));
    expect(`${error.code} ${error.message}`).toMatch(/EPROTO|wrong version number|ssl/i);
    expect(server.hits).toEqual([]);
  });

  it('loads node:https and node:zlib only when an answer or a URL needs them', async () => {
    const encodings: Record<string, string> = { '/gzip': 'gzip', '/identity': 'identity', '/empty': '' };
    const server = await serve((req, res) => {
      const encoding = encodings[req.url!];
      if (encoding !== undefined) res.setHeader('content-encoding', encoding);
      res.writeHead(200).end(encoding === 'gzip' ? gzipSync('{}') : '{}');
    });
    const loaded = jest.spyOn(process, 'getBuiltinModule');
    for (const path of ['/plain', '/empty', '/identity']) expect(await text(await send(`${server.url}${path}`))).toBe('{}');
    expect(loaded).not.toHaveBeenCalled();
    await text(await send(`${server.url}/gzip`));
    expect(loaded.mock.calls).toEqual([['node:zlib']]);
    await failureOf(send(server.url.replace('http:', 'https:')));
    expect(loaded.mock.calls).toEqual([['node:zlib'], ['node:https']]);
  });

  it('a cancelled request rejects with the abort', async () => {
    const server = await serve(() => undefined);
    const controller = new AbortController();
    const pending = failureOf(send(`${server.url}/hang`, { signal: controller.signal }));
    await within(new Promise<void>((resolve) => (function poll() { if (server.hits.length) resolve(); else setImmediate(poll); })()));
    controller.abort();
    expect((await pending).name).toBe('AbortError');
  });
});

describe('nodeHttpTransport: the answer', () => {
  it('status and headers: any case asked, missing as null, repeated ones joined', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.writeHead(418, { 'X-Request-Id': 'r-1' }).end();
    });
    const response = await send(server.url);
    expect(response.status).toBe(418);
    expect(response.headers.get('X-Request-ID')).toBe('r-1');
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(response.headers.get('x-missing')).toBeNull();
  });

  it.each([
    ['gzip', (s: string) => gzipSync(s)],
    ['x-gzip', (s: string) => gzipSync(s)],
    ['GZip', (s: string) => gzipSync(s)],
  ])('decodes content-encoding %s', async (encoding, encode) => {
    const server = await serve((_req, res) => res.writeHead(200, { 'content-encoding': encoding }).end(encode('{"decoded":true}')));
    expect(await text(await send(server.url))).toBe('{"decoded":true}');
  });

  it('hands an unknown encoding on as it is, as fetch does', async () => {
    const server = await serve((_req, res) => res.writeHead(200, { 'content-encoding': 'compress' }).end('raw bytes'));
    expect(await text(await send(server.url))).toBe('raw bytes');
  });

  it('discard() closes the connection of an answer not read to its end, decoded or not', async () => {
    for (const encoding of ['', 'gzip']) {
      let held: ServerResponse | undefined;
      const server = await serve((_req, res) => {
        held = res;
        res.writeHead(200, { 'content-encoding': encoding });
        res.write(encoding ? gzipSync('x'.repeat(10_000)).subarray(0, 20) : 'partial');
      });
      const response = await send(server.url);
      response.discard();
      await closed(held!);
    }
  });

  it('a connection cut in the middle of a gzip body fails the read, it does not hang', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': '1000' });
      res.write(gzipSync('y'.repeat(10_000)).subarray(0, 30));
      setImmediate(() => res.socket?.destroy());
    });
    const error = await failureOf(text(await send(server.url)));
    expect(error.message).not.toMatch(/still pending/);
  });

  it('a connection cut before the body is read is reported when it is read, not thrown at the process', async () => {
    let held: ServerResponse | undefined;
    const server = await serve((_req, res) => {
      held = res;
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"partial":');
    });
    const response = await send(server.url);
    held!.socket!.destroy();
    await closed(held!);
    await within(new Promise((resolve) => setImmediate(resolve)));
    const error = await failureOf(text(response));
    expect(error.message).not.toMatch(/still pending/);
  });
});

describe('nodeHttpTransport: kept-alive connections', () => {
  /** Answers the first request of each connection; closes the connection on its `closeAt`-th request, unanswered. */
  const closingAt = (closeAt: number): Handler => {
    const perSocket = new Map<unknown, number>();
    return (req, res) => {
      const count = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, count);
      if (count === closeAt) return void req.socket.destroy();
      res.writeHead(200, { connection: 'keep-alive' }).end('{"ok":true}');
    };
  };

  it('a fresh connection closed before the answer is a failure (not a stale one: not sent again)', async () => {
    const server = await serve(closingAt(1));
    const error = await failureOf(send(server.url));
    expect(error.code).toBe('ECONNRESET');
    expect(server.hits).toHaveLength(1);
  });

  it('a reused connection found closed: sent once more on another connection, only once', async () => {
    const server = await serve(closingAt(2));
    // two idle kept-alive connections
    await Promise.all([send(`${server.url}/a`).then(text), send(`${server.url}/b`).then(text)]);
    expect(new Set(server.hits.map((h) => h.socket)).size).toBe(2);
    // the next request meets one closed, its retry the other: no third try
    const error = await failureOf(send(`${server.url}/c`));
    expect(error.code).toBe('ECONNRESET');
    expect(server.hits.map((h) => h.url).slice(2)).toEqual(['/c', '/c']);
  });

  it('a reused connection that answers garbage is a failure, not sent again (only a closed connection is)', async () => {
    const perSocket = new Map<unknown, number>();
    const server = await serve((req, res) => {
      const count = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, count);
      if (count === 2) return void req.socket.end('NOT HTTP\r\n\r\n');
      res.writeHead(200, { connection: 'keep-alive' }).end('{"ok":true}');
    });
    await text(await send(`${server.url}/a`));
    const error = await failureOf(send(`${server.url}/b`));
    expect(error.code).toMatch(/^HPE_/);
    expect(server.hits.map((h) => h.url)).toEqual(['/a', '/b']);
  });

  it('a reused connection found closed, one fresh retry: the answer of the retry', async () => {
    const server = await serve(closingAt(2));
    await text(await send(`${server.url}/a`));
    const response = await send(`${server.url}/b`);
    expect(await text(response)).toBe('{"ok":true}');
    expect(server.hits.map((h) => h.url)).toEqual(['/a', '/b', '/b']);
  });
});
