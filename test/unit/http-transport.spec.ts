/** Which HTTP stack carries the module's requests when the `fetch` option is not set. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { currentTransportFacts, isNodeOwnFetch, prefersFetch, transportFor, type TransportFacts } from '../../src/infisical/api/http-transport.js';
import { nodeHttpTransport } from '../../src/infisical/api/node-http.transport.js';

const untouched: TransportFacts = { nodeOwnFetch: true, undiciLoaded: false, undiciObserved: false, envProxy: false };

describe('prefersFetch', () => {
  it('node:http only for Node\'s own fetch that nothing has used, observed or routed', () => {
    expect(prefersFetch(untouched)).toBe(false);
  });

  it.each<[string, Partial<TransportFacts>]>([
    ['globalThis.fetch was replaced (msw, nock, a wrapper)', { nodeOwnFetch: false }],
    ['fetch is loaded already (used, or a global dispatcher such as MockAgent)', { undiciLoaded: true }],
    ['a tracer listens to undici', { undiciObserved: true }],
    ['Node routes fetch through the environment\'s proxy', { envProxy: true }],
  ])('fetch when %s', (_why, fact) => {
    expect(prefersFetch({ ...untouched, ...fact })).toBe(true);
  });
});

describe('isNodeOwnFetch', () => {
  it('recognises Node\'s fetch and nothing else', () => {
    const wrapper: typeof fetch = (input, init) => globalThis.fetch(input, init);
    expect(isNodeOwnFetch(globalThis.fetch)).toBe(true);
    expect(isNodeOwnFetch(wrapper)).toBe(false);
    expect(isNodeOwnFetch(async function fetch() {})).toBe(false);
    expect(isNodeOwnFetch(undefined)).toBe(false);
    expect(isNodeOwnFetch(globalThis.fetch)).toBe(true);
  });
});

describe('currentTransportFacts and transportFor', () => {
  const original = globalThis.fetch;
  const saved = process.env.NODE_USE_ENV_PROXY;
  afterEach(() => {
    globalThis.fetch = original;
    if (saved === undefined) delete process.env.NODE_USE_ENV_PROXY;
    else process.env.NODE_USE_ENV_PROXY = saved;
  });

  it('sees a tracer subscribed to undici\'s request channel', () => {
    const listener = () => undefined;
    subscribe('undici:request:create', listener);
    try {
      expect(currentTransportFacts().undiciObserved).toBe(true);
    } finally {
      unsubscribe('undici:request:create', listener);
    }
    expect(currentTransportFacts().undiciObserved).toBe(false);
  });

  it.each([['1', true], ['0', false], ['', false]])('NODE_USE_ENV_PROXY=%j: envProxy %s', (value, expected) => {
    process.env.NODE_USE_ENV_PROXY = value;
    expect(currentTransportFacts().envProxy).toBe(expected);
  });

  it('the fetch option, a replaced globalThis.fetch, or node:http for Node\'s own', async () => {
    const calls: string[] = [];
    const recording = (name: string): typeof fetch => async () => {
      calls.push(name);
      return new Response('{}', { status: 200 });
    };
    await transportFor(recording('option'))({ method: 'GET', url: 'http://127.0.0.1:1/', headers: {}, body: undefined, signal: new AbortController().signal });
    expect(transportFor(undefined)).toBe(nodeHttpTransport);
    globalThis.fetch = recording('global');
    await transportFor(undefined)({ method: 'GET', url: 'http://127.0.0.1:1/', headers: {}, body: undefined, signal: new AbortController().signal });
    expect(calls).toEqual(['option', 'global']);
  });
});
