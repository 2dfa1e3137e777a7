/**
 * The module makes its requests with `fetch` as it is at the time of each request (or the `fetch` option), and never
 * assigns `globalThis.fetch`: a recording wrapper installed before or after the module boots sees every request, and
 * the module's own deadlines, timeouts and error classes still hold whatever wraps `fetch`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  InfisicalAuthenticationError,
  InfisicalStartupTimeoutError,
  InfisicalUnreachableError,
} from '../../src/infisical/index.js';
import { APP_DEV, APP_VALUES, createAppSeed } from '../support/fixtures/app-seed.js';
import { optionsFor, rejectionOf, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { ManualClock } from '../support/manual-clock.js';

const LIST = '/api/v3/secrets/raw';
const original = globalThis.fetch;

/** A `fetch` that records the path of every request and passes it on to `inner`. */
function recordingFetch(inner: typeof fetch): typeof fetch & { paths: string[] } {
  const paths: string[] = [];
  const wrapper = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
    return inner(input, init);
  }) as typeof fetch & { paths: string[] };
  wrapper.paths = paths;
  return wrapper;
}

describe('fetch ownership', () => {
  let server: LocalInfisicalServer;
  let app: TestApp | undefined;

  beforeAll(async () => {
    server = await LocalInfisicalServer.start({ seed: createAppSeed() });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    globalThis.fetch = original;
    server.clearFaults();
  });
  afterAll(() => server.close());

  it('nothing in src/ assigns globalThis.fetch', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
    const assigning = files('src').filter((file) => /globalThis\s*\.\s*fetch\s*=(?!=)|defineProperty\(\s*globalThis/.test(readFileSync(file, 'utf8')));
    expect(assigning).toEqual([]);
  });

  it('a wrapper installed before the module boots sees the login and the list', async () => {
    const recorder = recordingFetch(original);
    globalThis.fetch = recorder;
    app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev') });
    expect(recorder.paths).toEqual(expect.arrayContaining(['/api/v1/auth/universal-auth/login', LIST]));
    expect(app.store.get('APP_GREETING')).toBe(APP_VALUES.dev.APP_GREETING);
    expect(globalThis.fetch).toBe(recorder);
  });

  it('a wrapper installed after the module booted sees the refreshes (fetch is read at call time)', async () => {
    const clock = new ManualClock();
    app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: 60 }), clock });
    const recorder = recordingFetch(original);
    globalThis.fetch = recorder;
    await clock.advanceAsync(70_000, () => app!.store.whenSettled());
    expect(recorder.paths).toContain(LIST);
    expect(app.store.status().state).toBe('up');
  });

  it('the fetch option is used instead of globalThis.fetch', async () => {
    const recorder = recordingFetch(original);
    const global = recordingFetch(original);
    globalThis.fetch = global;
    app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { fetch: recorder }) });
    expect(recorder.paths).toContain(LIST);
    expect(global.paths).toEqual([]);
  });

  it.each(['before', 'after'] as const)('with a wrapper installed %s boot, a wrong client secret is still an authentication error', async (when) => {
    if (when === 'before') globalThis.fetch = recordingFetch(original);
    const error = await rejectionOf(
      startInfisicalApp({
        options: optionsFor(server, { clientId: APP_DEV.clientId, clientSecret: 'not-the-client-secret-of-app-dev' }, 'dev'),
      }),
    );
    if (when === 'after') globalThis.fetch = recordingFetch(original);
    expect(error).toBeInstanceOf(InfisicalAuthenticationError);
  });

  it('with a wrapper that swallows the abort signal, a hung server still ends bootstrap within startupTimeoutMs + 200 ms', async () => {
    // A wrapper that drops `init.signal` (as some tracing wrappers do) cannot stop the module's own deadline.
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
      original(input, { ...init, signal: undefined })) as typeof fetch;
    server.injectFault({ kind: 'hang', path: LIST });
    const before = server.requests.length;
    const error = await rejectionOf(startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { startupTimeoutMs: 800 }) }));
    // from the first request (where the deadline starts, after Nest compiled the module) to the outcome
    const elapsed = performance.now() - server.requests[before]!.startedAt;
    expect(error).toBeInstanceOf(InfisicalStartupTimeoutError);
    expect(elapsed).toBeLessThan(800 + 200);
  });

  it('requestTimeoutMs: 15000 against a server that answers after 12 s succeeds', async () => {
    server.injectFault({ kind: 'latency', ms: 12_000, path: LIST, times: 1 });
    app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { requestTimeoutMs: 15_000, startupTimeoutMs: 20_000 }) });
    expect(app.store.get('APP_GREETING')).toBe(APP_VALUES.dev.APP_GREETING);
  }, 30_000);

  it('a request timeout shorter than the answer: bootstrap reports the last attempt\'s timeout, naming it', async () => {
    server.injectFault({ kind: 'latency', ms: 3_000, path: LIST });
    const error = await rejectionOf(
      startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { requestTimeoutMs: 300, startupTimeoutMs: 1_000 }) }),
    );
    expect(error).toBeInstanceOf(InfisicalUnreachableError);
    expect(error.message).toContain('no complete answer within 300 ms');
  });

  it('an answer larger than 16 MB is refused (the module\'s size cap), an answer just under it is read', async () => {
    /** A list answer of exactly `bytes` bytes. */
    const sized = (bytes: number) => {
      const answer = (filler: string) =>
        JSON.stringify({ secrets: [{ secretKey: 'APP_GREETING', secretValue: 'hi', version: 1, secretPath: '/', environment: 'dev', secretComment: filler }], imports: [] });
      return answer('x'.repeat(bytes - answer('').length));
    };
    const answering = (body: string): typeof fetch => (input, init) =>
      String(input).includes(LIST) ? Promise.resolve(new Response(body, { status: 200 })) : original(input, init);
    const tooLarge = await rejectionOf(
      startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { fetch: answering(sized(16 * 1024 * 1024 + 1)), startupTimeoutMs: 2_000 }) }),
    );
    expect(tooLarge).toBeInstanceOf(InfisicalUnreachableError);
    expect(tooLarge.message).toContain('larger than 16777216 bytes');
    app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { fetch: answering(sized(16 * 1024 * 1024 - 1)) }) });
    expect(app.store.get('APP_GREETING')).toBe('hi');
  });
});
