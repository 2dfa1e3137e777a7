/** forFeature handles, groups and change listeners in a real application against the local server. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  InfisicalConfigValidationError,
  InfisicalModule,
  SecretGroup,
  type SecretRef,
} from '../../src/infisical/index.js';
import { getSecretGroupToken, getSecretToken } from '../../src/infisical/infisical.decorators.js';
import { APP_DEV, APP_PROJECT_ID, APP_VALUES, createAppSeed } from '../support/fixtures/app-seed.js';
import { optionsFor, rejectionOf, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';

const TTL = 60;

describe('forFeature handles, groups and listeners', () => {
  let clock: ManualClock;
  let server: LocalInfisicalServer;
  let app: TestApp | undefined;

  const start = (feature: Parameters<typeof InfisicalModule.forFeature>[0]) =>
    startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: TTL }), clock, imports: [InfisicalModule.forFeature(feature)] });
  const refresh = () => clock.advanceAsync(TTL * 1000 * 1.1 + 1, () => app!.store.whenSettled());

  beforeEach(async () => {
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server.close();
  });

  it('a forFeature key that Infisical does not have fails bootstrap naming the key and who needs it', async () => {
    const error = await rejectionOf(start({ secrets: ['STRIPE_API_KEY'] }));
    expect(error).toBeInstanceOf(InfisicalConfigValidationError);
    expect(error.message).toContain('STRIPE_API_KEY');
    expect(error.message).toContain("InfisicalModule.forFeature (@InjectSecret('STRIPE_API_KEY'))");
  });

  it('a group member that Infisical does not have fails bootstrap naming the member and the group', async () => {
    const error = await rejectionOf(start({ groups: { google: ['GEMINI_API_KEY', 'GOOGLE_MAPS_KEY'] } }));
    expect(error).toBeInstanceOf(InfisicalConfigValidationError);
    expect(error.message).toContain('GOOGLE_MAPS_KEY');
    expect(error.message).toContain("@InjectSecretGroup('google')");
  });

  it('a refresh that deletes a forFeature key is rejected: the last good value stays, health is degraded, the log names the key', async () => {
    app = await start({ secrets: ['APP_GREETING'] });
    const ref = app.app.get<SecretRef>(getSecretToken('APP_GREETING'));
    server.deleteSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'APP_GREETING' });
    await refresh();
    expect(ref.value).toBe(APP_VALUES.dev.APP_GREETING);
    expect(app.store.status().state).toBe('degraded');
    expect(app.logs.text).toMatch(/APP_GREETING.*required by InfisicalModule\.forFeature/);
  });

  it('a group reads its members only, and names the group and its members when asked for another key', async () => {
    app = await start({ groups: { google: ['GEMINI_API_KEY', 'GMAIL_CLIENT_SECRET'] } });
    const group = app.app.get<SecretGroup>(getSecretGroupToken('google'));
    expect(group).toBeInstanceOf(SecretGroup);
    expect(group.get('GEMINI_API_KEY')).toBe(APP_VALUES.dev.GEMINI_API_KEY);
    expect(Object.keys(group.values())).toEqual(['GEMINI_API_KEY', 'GMAIL_CLIENT_SECRET']);
    expect(() => group.get('APP_GREETING')).toThrow(RangeError);
    expect(() => group.get('APP_GREETING')).toThrow('"APP_GREETING" is not part of secret group "google" (members: GEMINI_API_KEY, GMAIL_CLIENT_SECRET)');
  });

  it('a change listener that throws does not stop the others, and its failure is logged without values', async () => {
    app = await start({});
    const seen: string[][] = [];
    app.store.onChange(() => {
      throw new Error('listener bug');
    });
    app.store.onChange((changed) => seen.push([...changed]));
    const rotated = 'Hello after rotation';
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'APP_GREETING', value: rotated });
    await refresh();
    expect(seen).toEqual([['APP_GREETING']]);
    expect(app.logs.find('error', 'A rotation listener failed')).toEqual(['A rotation listener failed: listener bug']);
    expect(app.store.status().state).toBe('up');
    expect(findLeaks(app.logs.text, [rotated])).toEqual([]);
  });
});
