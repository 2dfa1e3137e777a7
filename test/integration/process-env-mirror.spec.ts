/** The opt-in `mirrorToProcessEnv` list: only listed keys reach process.env, follow rotations, and are restored. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, createAppSeed } from '../support/fixtures/app-seed.js';
import { optionsFor, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { ManualClock } from '../support/manual-clock.js';

const TTL = 60;

describe('mirrorToProcessEnv', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: TestApp | undefined;
  const refresh = () => clock.advanceAsync(TTL * 1000 * 1.1 + 1, () => app!.store.whenSettled());

  beforeEach(async () => {
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    delete process.env.APP_GREETING;
    delete process.env.GEMINI_API_KEY;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server.close();
    delete process.env.APP_GREETING;
  });

  it('off by default: no secret value reaches process.env', async () => {
    app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev'), clock });
    expect(process.env.APP_GREETING).toBeUndefined();
    expect(process.env.GEMINI_API_KEY).toBeUndefined();
  });

  it('writes only the listed keys, follows a rotation, and restores the environment on shutdown', async () => {
    process.env.APP_GREETING = 'set by the operator';
    app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: TTL, mirrorToProcessEnv: ['APP_GREETING'] }), clock });
    expect(process.env.APP_GREETING).toBe(APP_VALUES.dev.APP_GREETING);
    expect(process.env.GEMINI_API_KEY).toBeUndefined();

    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'APP_GREETING', value: 'Hello after rotation' });
    await refresh();
    expect(process.env.APP_GREETING).toBe('Hello after rotation');
    expect(app.config.get('APP_GREETING')).toBe('Hello after rotation');

    await app.close();
    app = undefined;
    expect(process.env.APP_GREETING).toBe('set by the operator');
  });

  it('a listed key deleted in Infisical gets back what the environment had', async () => {
    app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: TTL, mirrorToProcessEnv: ['APP_GREETING'] }), clock });
    expect(process.env.APP_GREETING).toBe(APP_VALUES.dev.APP_GREETING);
    server.deleteSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'APP_GREETING' });
    await refresh();
    expect(app.store.get('APP_GREETING')).toBeUndefined();
    expect(process.env.APP_GREETING).toBeUndefined();
  });
});
