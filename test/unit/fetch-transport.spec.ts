import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { currentTransportFacts, fetchTransport, transportFor } from '../../src/infisical/api/http-transport.js';
import type { TransportRequest } from '../../src/infisical/api/http-transport.interface.js';
import { nodeHttpTransport } from '../../src/infisical/api/node-http.transport.js';

const request = (): TransportRequest => ({ method: 'GET', url: 'https://infisical.test/api/status', headers: { accept: 'application/json' }, body: undefined, signal: new AbortController().signal });

/** A `fetch` that answers `status` with `body` (a stream-like object, or null). */
function fetchAnswering(status: number, body: unknown): typeof fetch {
  return (async () => ({ status, headers: new Headers({ 'x-a': '1' }), body })) as unknown as typeof fetch;
}

describe('fetchTransport', () => {
  it('discard() cancels the body stream, and a failing cancel is swallowed', async () => {
    const cancel = jest.fn(() => Promise.reject(new Error('already closed')));
    const response = await fetchTransport(fetchAnswering(200, { cancel, async *[Symbol.asyncIterator]() {} }))(request());
    expect(() => response.discard()).not.toThrow();
    expect(cancel).toHaveBeenCalledTimes(1);
    await Promise.resolve(); // the rejection is handled (an unhandled one would fail the run)
  });

  it('hands an answer without a body (204, HEAD) an empty body, and discard() does nothing', async () => {
    const response = await fetchTransport(fetchAnswering(204, null))(request());
    expect(response.status).toBe(204);
    expect(response.headers.get('x-a')).toBe('1');
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.body) chunks.push(chunk);
    expect(chunks).toEqual([]);
    expect(() => response.discard()).not.toThrow();
  });
});

describe('the transport choice', () => {
  const original = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = original;
  });

  it('uses node:http when there is no global fetch at all', () => {
    delete (globalThis as { fetch?: unknown }).fetch;
    expect(transportFor(undefined)).toBe(nodeHttpTransport);
  });

  it('sees --use-env-proxy among the node flags as an environment proxy', () => {
    const flags = process.execArgv;
    try {
      process.execArgv = [...flags, '--use-env-proxy'];
      expect(currentTransportFacts().envProxy).toBe(true);
      process.execArgv = flags.filter((flag) => flag !== '--use-env-proxy');
      const saved = process.env.NODE_USE_ENV_PROXY;
      delete process.env.NODE_USE_ENV_PROXY;
      expect(currentTransportFacts().envProxy).toBe(false);
      if (saved !== undefined) process.env.NODE_USE_ENV_PROXY = saved;
    } finally {
      process.execArgv = flags;
    }
  });
});
