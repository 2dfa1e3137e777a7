/**
 * One HTTP attempt (`performRequest`) driven through a hand-made transport and a ManualClock: what reaches the
 * transport, timeouts, cancellation, redirects, size and depth caps, text and JSON bodies. No sockets, no real time:
 * every outcome is awaited with `settledSoon`, so an attempt that never settles fails the test at once.
 */
import { describe, expect, it } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { HttpFailure, performRequest, type HttpRequest, type HttpSettings } from '../../src/infisical/api/http-request.js';
import type { TransportRequest, TransportResponse } from '../../src/infisical/api/http-transport.interface.js';
import { Deferred, failureOf, settledSoon } from '../support/deferred.js';
import { networkError } from '../support/fakes/http-transport.fake.js';
import { ManualClock } from '../support/manual-clock.js';

const URL_ = 'https://infisical.test/api/v3/secrets/raw';
const bytes = (text: string) => new TextEncoder().encode(text);

/** An answer with the given chunks; records whether it was discarded and whether its reader let go of it. */
function answer(status: number, chunks: (string | Uint8Array)[] = [], headers: Record<string, string> = {}) {
  const seen = { discarded: 0, released: false };
  const map = new Headers(headers);
  const response: TransportResponse = {
    status,
    headers: { get: (name) => map.get(name) },
    body: (async function* () {
      try {
        for (const chunk of chunks) yield typeof chunk === 'string' ? bytes(chunk) : chunk;
      } finally {
        seen.released = true;
      }
    })(),
    discard: () => void seen.discarded++,
  };
  return { response, seen };
}

/** A transport that records its requests and answers with `reply` (a response, an error, or a promise of either). */
function harness(reply: (request: TransportRequest) => TransportResponse | Error | Promise<TransportResponse>, overrides: Partial<HttpSettings> = {}) {
  const clock = new ManualClock();
  const sent: TransportRequest[] = [];
  const settings: HttpSettings = {
    transport: () => async (request) => {
      sent.push(request);
      const outcome = await reply(request);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    timeoutMs: 5_000,
    maxBytes: 64,
    maxJsonDepth: 4,
    clock,
    ...overrides,
  };
  const caller = new AbortController();
  const run = (request: Partial<HttpRequest> = {}) => performRequest({ method: 'GET', url: URL_, signal: caller.signal, ...request }, settings);
  return { clock, sent, caller, run, settings };
}

const failure = async (promise: Promise<unknown>) => settledSoon(failureOf<HttpFailure>(promise));

describe('performRequest: what the transport is given', () => {
  it('a GET: method, URL, an accept header only, no body, the attempt\'s own signal', async () => {
    const { run, sent, caller } = harness(() => answer(200, ['{}']).response);
    await settledSoon(run());
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect({ ...request, signal: undefined }).toEqual({ method: 'GET', url: URL_, headers: { accept: 'application/json' }, body: undefined, signal: undefined });
    expect(request!.signal).toBeInstanceOf(AbortSignal);
    expect(request!.signal).not.toBe(caller.signal);
  });

  it('a POST with JSON: the body serialised, a JSON content type; the caller\'s headers win', async () => {
    const { run, sent } = harness(() => answer(200, ['{}']).response);
    await settledSoon(run({ method: 'POST', json: { clientId: 'a', n: 1 }, headers: { authorization: 'Bearer t', accept: 'text/plain' } }));
    expect({ ...sent[0], signal: undefined }).toEqual({
      method: 'POST',
      url: URL_,
      headers: { accept: 'text/plain', 'content-type': 'application/json', authorization: 'Bearer t' },
      body: '{"clientId":"a","n":1}',
      signal: undefined,
    });
  });

  it('asks for the transport at each attempt', async () => {
    let asked = 0;
    const { settings } = harness(() => answer(200, ['{}']).response);
    const transport = settings.transport;
    const counted = { ...settings, transport: () => (asked++, transport()) };
    await settledSoon(performRequest({ method: 'GET', url: URL_, signal: new AbortController().signal }, counted));
    await settledSoon(performRequest({ method: 'GET', url: URL_, signal: new AbortController().signal }, counted));
    expect(asked).toBe(2);
  });
});

describe('performRequest: answers', () => {
  it('status, headers and the parsed JSON body, in one chunk or several', async () => {
    const { run } = harness(() => answer(201, ['{"a":', '[1,2]', '}'], { etag: 'v1' }).response);
    const response = await settledSoon(run());
    expect(response).toEqual({ status: 201, headers: expect.anything(), body: { a: [1, 2] }, bodyProblem: undefined });
    expect(response.headers.get('etag')).toBe('v1');
    const single = await settledSoon(harness(() => answer(200, ['{"one":true}']).response).run());
    expect(single.body).toEqual({ one: true });
  });

  it('an empty body and a body that is not JSON are named, not thrown', async () => {
    expect(await settledSoon(harness(() => answer(204).response).run())).toEqual({ status: 204, headers: expect.anything(), body: undefined, bodyProblem: 'empty' });
    expect(await settledSoon(harness(() => answer(502, ['<html>bad gateway</html>']).response).run())).toEqual({
      status: 502,
      headers: expect.anything(),
      body: undefined,
      bodyProblem: 'not-json',
    });
  });

  it('text: the body as UTF-8 text, a character split across chunks included, never parsed', async () => {
    const euro = bytes('€');
    const { run } = harness(() => answer(200, ['eyJ.', euro.slice(0, 1), euro.slice(1), '.sig']).response);
    expect(await settledSoon(run({ text: true }))).toEqual({ status: 200, headers: expect.anything(), body: undefined, bodyProblem: undefined, text: 'eyJ.€.sig' });
    const deep = harness(() => answer(200, ['[[[[[[]]]]]]']).response);
    expect((await settledSoon(deep.run({ text: true }))).text).toBe('[[[[[[]]]]]]');
  });

  it('JSON nested deeper than maxJsonDepth is refused; as deep as allowed is parsed', async () => {
    const error = await failure(harness(() => answer(200, ['[[[[[]]]]]']).response).run());
    expect(error).toBeInstanceOf(HttpFailure);
    expect(error).toMatchObject({ name: 'HttpFailure', kind: 'too-deep', detail: 'an HTTP 200 answer nested deeper than 4 levels', message: 'an HTTP 200 answer nested deeper than 4 levels' });
    expect((await settledSoon(harness(() => answer(200, ['[[[[]]]]']).response).run())).body).toEqual([[[[]]]]);
  });
});

describe('performRequest: redirects are never followed', () => {
  it.each([300, 302, 399])('HTTP %i fails naming the origin it points to, and drops the body unread', async (status) => {
    const { response, seen } = answer(status, ['{"moved":true}'], { location: 'https://elsewhere.test:8443/api/v1/auth/login?x=1' });
    const error = await failure(harness(() => response).run());
    expect(error).toMatchObject({ kind: 'redirect', detail: `HTTP ${status} redirect to https://elsewhere.test:8443 (not followed)` });
    expect(seen.discarded).toBe(1);
  });

  it('a relative Location resolves against the request; none or an unparsable one is named as such', async () => {
    const relative = await failure(harness(() => answer(301, [], { location: '/elsewhere' }).response).run());
    expect(relative.detail).toBe('HTTP 301 redirect to https://infisical.test (not followed)');
    const none = await failure(harness(() => answer(307).response).run());
    expect(none.detail).toBe('HTTP 307 redirect to nowhere (no Location header) (not followed)');
    const unparsable = await failure(harness(() => answer(308, [], { location: 'http://[::1' }).response).run());
    expect(unparsable.detail).toBe('HTTP 308 redirect to an unparsable Location (not followed)');
  });

  it.each([299, 400])('HTTP %i is an answer, read as usual', async (status) => {
    const { response, seen } = answer(status, ['{"message":"x"}'], { location: 'https://elsewhere.test/' });
    expect(await settledSoon(harness(() => response).run())).toMatchObject({ status, body: { message: 'x' } });
    expect(seen.discarded).toBe(0);
  });
});

describe('performRequest: maxBytes', () => {
  it('a declared length over maxBytes is refused before reading, the body dropped', async () => {
    const { response, seen } = answer(200, ['{}'], { 'content-length': '65' });
    const error = await failure(harness(() => response).run());
    expect(error).toMatchObject({ kind: 'too-large', detail: 'an answer larger than 64 bytes' });
    expect(seen.discarded).toBe(1);
    expect(seen.released).toBe(false);
  });

  it('a declared length of exactly maxBytes is read', async () => {
    const body = `"${'a'.repeat(62)}"`;
    const { response, seen } = answer(200, [body], { 'content-length': '64' });
    expect((await settledSoon(harness(() => response).run())).body).toBe('a'.repeat(62));
    expect(seen.discarded).toBe(0);
  });

  it('a streamed body is refused at the chunk that goes over maxBytes, and the body let go; exactly maxBytes is read', async () => {
    const over = answer(200, [`"${'a'.repeat(40)}`, `${'b'.repeat(24)}"`, 'never read']);
    const error = await failure(harness(() => over.response).run());
    expect(error).toMatchObject({ kind: 'too-large', detail: 'an answer larger than 64 bytes' });
    expect(over.seen.released).toBe(true);
    const exact = answer(200, [`"${'a'.repeat(40)}`, `${'b'.repeat(22)}"`]);
    expect((await settledSoon(harness(() => exact.response).run())).body).toBe('a'.repeat(40) + 'b'.repeat(22));
  });
});

describe('performRequest: network failures', () => {
  it('a transport error is named by its code', async () => {
    const error = await failure(harness(() => networkError('ECONNREFUSED')).run());
    expect(error).toBeInstanceOf(HttpFailure);
    expect(error).toMatchObject({ kind: 'network', detail: 'connection refused (ECONNREFUSED)', reason: undefined });
  });

  it('an error while the body streams is a network failure', async () => {
    const response: TransportResponse = {
      status: 200,
      headers: { get: () => null },
      body: (async function* () {
        yield bytes('{"partial":');
        throw networkError('ECONNRESET');
      })(),
      discard: () => undefined,
    };
    expect(await failure(harness(() => response).run())).toMatchObject({ kind: 'network', detail: 'connection reset (ECONNRESET)' });
  });
});

describe('performRequest: the attempt\'s timeout', () => {
  it('no answer within timeoutMs: a timeout, the transport\'s signal aborted, even when the transport ignores it', async () => {
    const never = new Deferred<TransportResponse>();
    const { run, clock, sent } = harness(() => never.promise, { timeoutMs: 1_500 });
    const outcome = failureOf<HttpFailure>(run());
    let settled = false;
    void outcome.then(() => (settled = true));
    await expect(settledSoon(outcome)).rejects.toThrow('still pending');
    expect(clock.pending).toEqual([1_500]);
    clock.advance(1_499);
    await expect(settledSoon(outcome)).rejects.toThrow('still pending');
    expect(settled).toBe(false);
    expect(sent[0]!.signal.aborted).toBe(false);
    clock.advance(1);
    const error = await settledSoon(outcome);
    expect(error).toBeInstanceOf(HttpFailure);
    expect(error).toMatchObject({ kind: 'timeout', detail: 'no complete answer within 1500 ms', reason: undefined });
    expect(sent[0]!.signal.aborted).toBe(true);
  });

  it('the timeout covers the body too', async () => {
    const rest = new Deferred<void>();
    const response: TransportResponse = {
      status: 200,
      headers: { get: () => null },
      body: (async function* () {
        yield bytes('{"a":');
        await rest.promise;
      })(),
      discard: () => undefined,
    };
    const { run, clock } = harness(() => response);
    const outcome = failureOf<HttpFailure>(run());
    await expect(settledSoon(outcome)).rejects.toThrow('still pending');
    clock.advance(5_000);
    expect(await settledSoon(outcome)).toMatchObject({ kind: 'timeout' });
  });

  it('an attempt that ends stops its timer and lets go of the caller\'s signal', async () => {
    for (const reply of [() => answer(200, ['{}']).response, () => networkError('ECONNREFUSED'), () => answer(302).response]) {
      const { run, clock, caller, sent } = harness(reply);
      await settledSoon(run().catch(() => undefined));
      expect(clock.pending).toEqual([]);
      expect(getEventListeners(caller.signal, 'abort')).toEqual([]);
      expect(getEventListeners(sent[0]!.signal, 'abort')).toEqual([]);
      caller.abort(new Error('later'));
      expect(sent[0]!.signal.aborted).toBe(false);
    }
  });
});

describe('performRequest: cancellation', () => {
  it('a signal already aborted: cancelled with its reason, nothing sent, no timer', async () => {
    const { run, caller, sent, clock } = harness(() => answer(200, ['{}']).response);
    const reason = new Error('shutting down');
    caller.abort(reason);
    const error = await failure(run());
    expect(error).toBeInstanceOf(HttpFailure);
    expect(error).toMatchObject({ kind: 'cancelled', detail: 'the request was cancelled', reason });
    expect(sent).toEqual([]);
    expect(clock.pending).toEqual([]);
  });

  it('cancelled while waiting: the reason carried, the transport\'s signal aborted, even when the transport ignores it', async () => {
    const never = new Deferred<TransportResponse>();
    const { run, caller, sent, clock } = harness(() => never.promise);
    const outcome = failureOf<HttpFailure>(run());
    await expect(settledSoon(outcome)).rejects.toThrow('still pending');
    const reason = new Error('start-up deadline');
    caller.abort(reason);
    const error = await settledSoon(outcome);
    expect(error).toMatchObject({ kind: 'cancelled', detail: 'the request was cancelled', reason });
    expect(sent[0]!.signal.aborted).toBe(true);
    expect(clock.pending).toEqual([]);
  });

  it('cancelled while the transport is being called (before the attempt waits on it)', async () => {
    const controller = new AbortController();
    const reason = new Error('aborted at once');
    const { run } = harness(() => {
      controller.abort(reason);
      return new Deferred<TransportResponse>().promise;
    });
    const error = await failure(run({ signal: controller.signal }));
    expect(error).toMatchObject({ kind: 'cancelled', reason });
  });

  it('a transport that rejects with the abort reason is still reported as cancelled, not as a network error', async () => {
    const { run, caller } = harness((request) => new Promise((_resolve, reject) => request.signal.addEventListener('abort', () => reject(new Error('This operation was aborted')))));
    const outcome = failureOf<HttpFailure>(run());
    await expect(settledSoon(outcome)).rejects.toThrow('still pending');
    caller.abort('bye');
    expect(await settledSoon(outcome)).toMatchObject({ kind: 'cancelled', reason: 'bye' });
  });
});
