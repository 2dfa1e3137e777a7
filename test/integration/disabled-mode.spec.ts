import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppEnvironment } from '../../src/config/app-environment.js';
import {
  GeminiCredentials,
  GmailCredentials,
  InfisicalModule,
  NotionCredentials,
  SecretStore,
  infisicalOptionsFromEnv,
} from '../../src/infisical/index.js';
import { credentialValues } from '../support/fixtures/app-seed.js';
import { LogCapture } from '../support/log-capture.js';

/** INFISICAL_ENABLED=false: the app runs on `.env` / the process environment alone, as a plain ConfigModule app would. */
describe('disabled mode', () => {
  let dir: string;
  const fromFile = credentialValues('dev', '5');
  const fromProcess = credentialValues('dev', '6');
  const touched = ['INFISICAL_ENABLED', 'PORT', ...Object.keys(fromFile)];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'infisical-disabled-'));
    const lines = ['INFISICAL_ENABLED=false', 'PORT=4100', ...Object.entries(fromFile).map(([k, v]) => `${k}=${v}`)];
    await writeFile(join(dir, '.env'), `${lines.join('\n')}\n`);
  });
  afterEach(async () => {
    for (const key of touched) delete process.env[key];
    await rm(dir, { recursive: true, force: true });
  });

  async function boot() {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, envFilePath: join(dir, '.env') }),
        InfisicalModule.forRootAsync({
          isGlobal: true,
          credentials: [GmailCredentials, GeminiCredentials, NotionCredentials],
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({ ...infisicalOptionsFromEnv(config), schema: AppEnvironment }),
        }),
      ],
    })
      .setLogger(new LogCapture())
      .compile();
    return moduleRef.createNestApplication().init();
  }

  it('works from .env alone, without any request, and an explicit process variable wins over .env', async () => {
    process.env.GEMINI_API_KEY = fromProcess.GEMINI_API_KEY;
    const app = await boot();
    try {
      expect(app.get(GeminiCredentials).apiKey).toBe(fromProcess.GEMINI_API_KEY);
      expect(app.get(NotionCredentials).apiKey).toBe(fromFile.NOTION_API_KEY);
      expect(app.get(GmailCredentials).refreshToken).toBe(fromFile.GMAIL_REFRESH_TOKEN);
      const config = app.get(ConfigService);
      expect(config.get('PORT')).toBe(4100);
      expect(config.get('GMAIL_CLIENT_ID')).toBe(fromFile.GMAIL_CLIENT_ID);
      expect(app.get(SecretStore).status()).toMatchObject({ state: 'up', enabled: false, source: 'env', keyCount: 7 });
    } finally {
      await app.close();
    }
  });

  it('still validates: a bad value in .env fails bootstrap naming the key and where to fix it', async () => {
    await writeFile(join(dir, '.env'), `INFISICAL_ENABLED=false\n${Object.entries({ ...fromFile, NOTION_API_KEY: 'wrong' }).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
    const error = await boot().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('InfisicalConfigValidationError');
    expect(error?.message).toContain('NOTION_API_KEY (from the process environment / .env): malformed');
    expect(error?.message).toContain('Fix: correct NOTION_API_KEY in the process environment / .env');
  });
});
