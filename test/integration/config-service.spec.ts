import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigModule, ConfigService, type ConfigChangeEvent } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { INFISICAL_CLOCK, InfisicalModule, SecretStore, type InfisicalModuleOptions } from '../../src/infisical/index.js';
import { APP_DEV, APP_PROJECT_ID, createAppSeed, credentialValues } from '../support/fixtures/app-seed.js';
import { optionsFor } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks, LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';

const TTL_MS = 60_000;

/** How rotations reach ConfigService, with a real `ConfigModule.forRoot` reading a real `.env`. */
describe('ConfigService integration', () => {
  let dir: string;
  let clock: ManualClock;
  let server: LocalInfisicalServer;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'infisical-config-'));
    clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
    delete process.env.GEMINI_URL;
  });

  async function boot(options: InfisicalModuleOptions) {
    const ref = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, envFilePath: join(dir, '.env') }),
        InfisicalModule.forRoot({ ...options, isGlobal: true }),
      ],
    })
      .overrideProvider(INFISICAL_CLOCK)
      .useValue(clock)
      .setLogger(new LogCapture())
      .compile();
    const app = await ref.createNestApplication().init();
    const store = app.get(SecretStore);
    return { app, store, config: app.get(ConfigService), advance: (ms: number) => clock.advanceAsync(ms, () => store.whenSettled()) };
  }

  it('a rotation never writes a secret into process.env, not even into .env entries that reference the key', async () => {
    await writeFile(join(dir, '.env'), 'GEMINI_URL=https://generativelanguage.example/v1?key=${GEMINI_API_KEY}\n');
    const { app, config, advance } = await boot(optionsFor(server, APP_DEV, 'dev'));
    const envBefore = { ...process.env };
    const rotated = credentialValues('dev', '8').GEMINI_API_KEY!;
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated });
    await advance(TTL_MS * 1.1 + 1);
    expect(config.get('GEMINI_API_KEY')).toBe(rotated);
    expect(process.env).toEqual(envBefore);
    expect(findLeaks(JSON.stringify(process.env), [rotated])).toEqual([]);
    await app.close();
  });

  it('typed values that are objects do not count as changed when nothing changed', async () => {
    await writeFile(join(dir, '.env'), '');
    const schema = z.object({ APP_GREETING: z.string().transform((s) => s.split(' ')) });
    const { app, config, store, advance } = await boot(optionsFor(server, APP_DEV, 'dev', { schema }));
    expect(config.get('APP_GREETING')).toEqual(['Hello', 'from', 'dev']);
    const events: ConfigChangeEvent[] = [];
    config.changes$.subscribe((e) => events.push(e));
    let notified = 0;
    store.onChange(() => notified++);
    await advance(TTL_MS * 1.1 + 1);
    await advance(TTL_MS * 1.1 + 1);
    expect(server.requestsTo('/api/v3/secrets/raw')).toHaveLength(3);
    expect([events, notified]).toEqual([[], 0]);
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'APP_GREETING', value: 'Hi there' });
    await advance(TTL_MS * 1.1 + 1);
    expect(events).toEqual([{ path: 'APP_GREETING', oldValue: ['Hello', 'from', 'dev'], newValue: ['Hi', 'there'] }]);
    await app.close();
  });
});
