import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import type { ConfigChangeEvent } from '@nestjs/config';
import { GeminiCredentials, GmailCredentials, InjectSecret, InfisicalModule, SecretRef } from '../../src/infisical/index.js';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, credentialValues, createAppSeed } from '../support/fixtures/app-seed.js';
import { ALL_CREDENTIALS, optionsFor, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';

const LIST = '/api/v3/secrets/raw';
const TTL = 60;

describe('rotation', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: TestApp;
  let changes: ConfigChangeEvent[];

  async function start(ttl = TTL, extra: Partial<Parameters<typeof startInfisicalApp>[0]> = {}) {
    app = await startInfisicalApp({
      options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: ttl }),
      credentials: ALL_CREDENTIALS,
      clock,
      ...extra,
    });
    changes = [];
    app.config.changes$.subscribe((event) => changes.push(event));
  }

  /** Moves the module's (and the server's) time forward and waits for the refresh it triggered. */
  async function advance(ms: number) {
    await clock.advanceAsync(ms, () => app.store.whenSettled());
  }

  function rotate(key: string, value: string) {
    return server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key, value });
  }

  beforeEach(async () => {
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
  });
  afterEach(async () => {
    await app?.close();
    await server.close();
  });

  it('serves a rotated value after the TTL (+ jitter): one changes$ event, onRotate fired, nothing else', async () => {
    await start();
    const gemini = app.app.get(GeminiCredentials);
    const gmail = app.app.get(GmailCredentials);
    let geminiRotations = 0;
    let gmailRotations = 0;
    gemini.onRotate((c) => {
      geminiRotations++;
      expect(c.apiKey).toBe(rotated);
    });
    gmail.onRotate(() => gmailRotations++);
    const rotated = credentialValues('dev', '2').GEMINI_API_KEY;
    expect(rotate('GEMINI_API_KEY', rotated).version).toBe(2);

    await advance(TTL * 1000 * 0.9 - 1); // earliest jittered refresh is at 0.9 × TTL
    expect(gemini.apiKey).toBe(APP_VALUES.dev.GEMINI_API_KEY);
    expect(server.requestsTo(LIST)).toHaveLength(1);

    await advance(TTL * 1000 * 0.2 + 2); // latest is 1.1 × TTL
    expect(server.requestsTo(LIST)).toHaveLength(2);
    expect(gemini.apiKey).toBe(rotated);
    expect(app.config.get('GEMINI_API_KEY')).toBe(rotated);
    expect(changes).toEqual([{ path: 'GEMINI_API_KEY', oldValue: APP_VALUES.dev.GEMINI_API_KEY, newValue: rotated }]);
    expect([geminiRotations, gmailRotations]).toEqual([1, 0]);
    expect(app.store.keyInfo().GEMINI_API_KEY).toEqual({ source: 'infisical', version: 2, projectId: APP_PROJECT_ID, environment: 'dev', secretPath: '/' });
    expect(process.env.GEMINI_API_KEY).toBeUndefined();
    const logged = app.logs.find('log', 'key(s) changed');
    expect(logged).toEqual(['Infisical refresh: 1 key(s) changed: GEMINI_API_KEY (v2)']);
    expect(findLeaks(app.logs.text, [rotated, APP_VALUES.dev.GEMINI_API_KEY])).toEqual([]);
  });

  it('stops every timer on close and sends nothing afterwards', async () => {
    await start();
    expect(clock.pending).toHaveLength(1); // the next refresh
    await app.close();
    expect(clock.pending).toEqual([]);
    expect(await app.store.refresh()).toBe(false); // a closed store sends nothing
    expect(server.requestsTo(LIST)).toHaveLength(1);
  });

  it('emits nothing when a refresh brings no change', async () => {
    await start();
    let rotations = 0;
    app.app.get(GeminiCredentials).onRotate(() => rotations++);
    await advance(TTL * 1000 * 1.1 + 1);
    await advance(TTL * 1000 * 1.1 + 1);
    expect(server.requestsTo(LIST)).toHaveLength(3);
    expect(changes).toEqual([]);
    expect(rotations).toBe(0);
    expect(app.store.status().state).toBe('up');
  });

  it('pushes a key deleted upstream (not required) out of ConfigService, and a new key in', async () => {
    await start();
    rotate('NEW_FLAG', 'on');
    server.deleteSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'APP_GREETING' });
    await advance(TTL * 1000 * 1.1 + 1);
    expect(app.config.get('NEW_FLAG')).toBe('on');
    expect(app.config.get('APP_GREETING')).toBeUndefined();
    expect(changes.map((c) => c.path).sort()).toEqual(['APP_GREETING', 'NEW_FLAG']);
  });

  it('with cacheTtlSeconds 0, the next async read returns the rotated value and concurrent reads share one request', async () => {
    await start(0);
    expect(clock.pending).toEqual([]); // no background timer in this mode
    const rotated = credentialValues('dev', '3').NOTION_API_KEY;
    rotate('NOTION_API_KEY', rotated);
    expect(app.store.get('NOTION_API_KEY')).toBe(APP_VALUES.dev.NOTION_API_KEY); // sync getter: last fetched value
    const reads = await Promise.all(Array.from({ length: 100 }, () => app.store.getAsync('NOTION_API_KEY')));
    expect(new Set(reads)).toEqual(new Set([rotated]));
    expect(server.requestsTo(LIST)).toHaveLength(2); // bootstrap + one shared fetch
    expect(app.store.get('NOTION_API_KEY')).toBe(rotated);
  });

  it('SecretRef injected by name follows rotations too', async () => {
    @Injectable()
    class Consumer {
      constructor(@InjectSecret('APP_GREETING') readonly greeting: SecretRef) {}
    }
    await start(TTL, { imports: [InfisicalModule.forFeature({ secrets: ['APP_GREETING'] })], providers: [Consumer] });
    const { greeting } = app.app.get(Consumer);
    expect(greeting).toBeInstanceOf(SecretRef);
    expect(greeting.value).toBe('Hello from dev');
    rotate('APP_GREETING', 'Hello again');
    await advance(TTL * 1000 * 1.1 + 1);
    expect(greeting.value).toBe('Hello again');
    expect(`${greeting}`).toBe('Secret { APP_GREETING: [REDACTED] }');
  });
});

describe('upstream load', () => {
  it('1,000 concurrent reads across an expiry cause exactly one list request', async () => {
    const clock = new ManualClock();
    const server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    const app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: TTL }), credentials: ALL_CREDENTIALS, clock });
    try {
      const rotated = credentialValues('dev', '4').GEMINI_API_KEY;
      server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated });
      clock.jump(TTL * 1000 * 1.1 + 1); // overdue, but the timer has not run (a throttled instance)
      const reads = await Promise.all(Array.from({ length: 1000 }, () => app.store.getAsync('GEMINI_API_KEY')));
      // reads never wait for the network: all 1,000 got the snapshot they found
      expect(new Set(reads)).toEqual(new Set([APP_VALUES.dev.GEMINI_API_KEY]));
      await app.store.whenSettled();
      expect(server.requestsTo(LIST)).toHaveLength(2);
      expect(app.store.get('GEMINI_API_KEY')).toBe(rotated);
      clock.advance(1); // the stale timer was replaced by the refresh: nothing more is sent
      await app.store.whenSettled();
      expect(server.requestsTo(LIST)).toHaveLength(2);
    } finally {
      await app.close();
      await server.close();
    }
  });
});
