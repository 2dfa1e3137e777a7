/**
 * The "Several folders or projects" snippet of docs/sources.md, as written there (only the import path differs), booted
 * against the local server: three sources, the later one winning.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SecretStore } from '../../src/infisical/index.js';
import { APP_DEV, APP_PROJECT_ID, createAppSeed, FOLDER_VALUES, PLATFORM_PROJECT_ID, PLATFORM_VALUES } from '../support/fixtures/app-seed.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { LogCapture } from '../support/log-capture.js';
import { AppModule } from '../support/readme/several-sources.module.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');

describe('docs/sources.md: several folders or projects', () => {
  let server: LocalInfisicalServer;
  const variables: Record<string, string> = {};

  beforeEach(async () => {
    server = await LocalInfisicalServer.start({ seed: createAppSeed() });
    Object.assign(variables, {
      INFISICAL_SITE_URL: server.url,
      INFISICAL_CLIENT_ID: APP_DEV.clientId,
      INFISICAL_CLIENT_SECRET: APP_DEV.clientSecret,
      INFISICAL_PROJECT_ID: APP_PROJECT_ID,
      INFISICAL_ENVIRONMENT: 'dev',
      PLATFORM_PROJECT_ID,
    });
    for (const [name, value] of Object.entries(variables)) process.env[name] = value;
  });
  afterEach(async () => {
    for (const name of Object.keys(variables)) delete process.env[name];
    await server.close();
  });

  it('is the module docs/sources.md shows', () => {
    const snippet = read('../support/readme/several-sources.module.ts').replace("'../../../src/infisical/index.js'", "'nestjs-infisical'").trimEnd();
    expect(read('../../docs/sources.md')).toContain(`\`\`\`ts\n${snippet}\n\`\`\``);
  });

  it('reads the three sources with one login, the later one winning a key clash', async () => {
    const ref = await Test.createTestingModule({ imports: [AppModule] }).setLogger(new LogCapture()).compile();
    const app = await ref.createNestApplication().init();
    try {
      const config = app.get(ConfigService);
      const store = app.get(SecretStore);
      expect(config.get('GEMINI_API_KEY')).toBe(FOLDER_VALUES['/shared'].GEMINI_API_KEY);
      expect(config.get('GMAIL_CLIENT_ID')).toBe(FOLDER_VALUES['/app'].GMAIL_CLIENT_ID);
      expect(config.get('APP_GREETING')).toBe(PLATFORM_VALUES.APP_GREETING);
      expect(store.keyInfo().APP_GREETING).toEqual({ source: 'infisical', version: 1, projectId: PLATFORM_PROJECT_ID, environment: 'dev', secretPath: '/shared' });
      expect(server.requestsTo('/api/v1/auth/universal-auth/login')).toHaveLength(1);
      expect(server.requestsTo('/api/v3/secrets/raw')).toHaveLength(3);
    } finally {
      await app.close();
    }
  });
});
