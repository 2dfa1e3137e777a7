import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { inspect } from 'node:util';
import {
  GeminiCredentials,
  GmailCredentials,
  InfisicalAuthenticationError,
  InfisicalConfigValidationError,
  InfisicalEnvironmentNotFoundError,
  InfisicalIdentityLockedError,
  InfisicalPermissionError,
  InfisicalProjectAccessError,
  InfisicalUnreachableError,
  NotionCredentials,
} from '../../src/infisical/index.js';
import { AppEnvironment } from '../../src/config/app-environment.js';
import {
  APP_DEV,
  APP_NO_READ,
  APP_OUTSIDER,
  APP_PROD,
  APP_PROJECT_ID,
  APP_STAGING,
  APP_VALUES,
  appSeedSecrets,
  createAppSeed,
} from '../support/fixtures/app-seed.js';
import { ALL_CREDENTIALS, closedPortUrl, optionsFor, rejectionOf, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks, LogCapture } from '../support/log-capture.js';

describe('bootstrap against the local Infisical server', () => {
  let server: LocalInfisicalServer;
  let app: TestApp | undefined;

  beforeAll(async () => {
    server = await LocalInfisicalServer.start({ seed: createAppSeed() });
  });
  afterAll(() => server.close());
  beforeEach(() => server.clearRequests());
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('loads all five credentials with exactly one login and one list request', async () => {
    app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { schema: AppEnvironment }), credentials: ALL_CREDENTIALS });
    const gmail = app.app.get(GmailCredentials);
    expect(app.app.get(GeminiCredentials).apiKey).toBe(APP_VALUES.dev.GEMINI_API_KEY);
    expect(app.app.get(NotionCredentials).apiKey).toBe(APP_VALUES.dev.NOTION_API_KEY);
    expect([gmail.clientId, gmail.clientSecret, gmail.refreshToken]).toEqual([
      APP_VALUES.dev.GMAIL_CLIENT_ID,
      APP_VALUES.dev.GMAIL_CLIENT_SECRET,
      APP_VALUES.dev.GMAIL_REFRESH_TOKEN,
    ]);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/auth/universal-auth/login',
      'GET /api/v3/secrets/raw',
    ]);
    expect(server.requests[1]?.query).toMatchObject({ workspaceId: APP_PROJECT_ID, environment: 'dev', secretPath: '/', include_imports: 'true' });
  });

  it('feeds ConfigService: Infisical wins over the process environment, which wins over schema defaults', async () => {
    process.env.APP_GREETING = 'from the process environment';
    process.env.PORT = '4321';
    try {
      app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { schema: AppEnvironment }), credentials: ALL_CREDENTIALS });
      expect(app.config.get('GEMINI_API_KEY')).toBe(APP_VALUES.dev.GEMINI_API_KEY);
      expect(app.config.get('APP_GREETING')).toBe('Hello from dev');
      expect(app.config.get('PORT')).toBe(4321);
      expect(app.config.get('LOG_FORMAT')).toBe('text');
      expect(app.store.keyInfo()).toMatchObject({
        APP_GREETING: { source: 'infisical', version: 1 },
        PORT: { source: 'env' },
        LOG_FORMAT: { source: 'default' },
      });
      // the source of every key is logged once, by name
      const line = app.logs.find('log', 'Loaded configuration from Infisical');
      expect(line).toHaveLength(1);
      expect(line[0]).toContain('infisical: APP_GREETING (v1), GEMINI_API_KEY (v1)');
      expect(line[0]).toContain('env: PORT');
      expect(line[0]).toContain('default: LOG_FORMAT');
    } finally {
      delete process.env.APP_GREETING;
      delete process.env.PORT;
    }
  });

  it('never puts Infisical values into process.env', async () => {
    app = await startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev'), credentials: ALL_CREDENTIALS });
    expect(findLeaks(JSON.stringify(process.env), Object.values(APP_VALUES.dev))).toEqual([]);
  });

  it('keeps environments isolated: dev credentials never see prod values', async () => {
    const logs = new LogCapture();
    const error = await rejectionOf(startInfisicalApp({ options: optionsFor(server, APP_DEV, 'prod'), credentials: ALL_CREDENTIALS, logs }));
    expect(error).toBeInstanceOf(InfisicalPermissionError);
    expect(error.message).toContain('cannot read secrets in environment "prod"');
    expect(error.message).toContain('"dev"');
    const everything = `${error.message}\n${error.stack}\n${logs.text}\n${inspect(error)}`;
    expect(findLeaks(everything, Object.values(APP_VALUES.prod))).toEqual([]);
    // the prod list answered, filtered, with none of the prod values
    const prodList = server.requests.find((r) => r.path === '/api/v3/secrets/raw' && r.query.environment === 'prod');
    expect(prodList?.status).toBe(200);
  });

  describe('fails with a distinct, actionable error that leaks nothing', () => {
    const scenarios: Array<{ name: string; run: () => Promise<Error>; type: new (...args: never[]) => Error; says: string[] }> = [
      {
        name: 'missing required key',
        run: () => rejectionOf(startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev', { requiredKeys: ['STRIPE_API_KEY'] }), credentials: ALL_CREDENTIALS })),
        type: InfisicalConfigValidationError,
        says: ['STRIPE_API_KEY', 'missing', 'environment "dev"', 'Fix: add STRIPE_API_KEY'],
      },
      {
        name: 'malformed key',
        run: async () => {
          server.setSecret({ projectId: APP_PROJECT_ID, environment: 'staging', key: 'NOTION_API_KEY', value: 'Bearer not-a-notion-token-0000' });
          return rejectionOf(startInfisicalApp({ options: optionsFor(server, APP_STAGING, 'staging'), credentials: ALL_CREDENTIALS }));
        },
        type: InfisicalConfigValidationError,
        says: ['NOTION_API_KEY (from Infisical, version 2): malformed', 'starting with "ntn_"', 'environment "staging"'],
      },
      {
        name: 'wrong client secret',
        run: () => rejectionOf(startInfisicalApp({ options: optionsFor(server, { ...APP_DEV, clientSecret: 'wrong-client-secret-value' }, 'dev'), credentials: ALL_CREDENTIALS })),
        type: InfisicalAuthenticationError,
        says: ['rejected the machine identity', 'INFISICAL_CLIENT_SECRET'],
      },
      {
        name: 'unknown environment slug',
        run: () => rejectionOf(startInfisicalApp({ options: optionsFor(server, APP_DEV, 'stg'), credentials: ALL_CREDENTIALS })),
        type: InfisicalEnvironmentNotFoundError,
        says: ['environment "stg" was not found', 'Did you mean "staging"?', '"dev", "staging", "prod"', 'INFISICAL_ENVIRONMENT'],
      },
      {
        name: 'project the identity cannot access',
        run: () => rejectionOf(startInfisicalApp({ options: optionsFor(server, APP_OUTSIDER, 'dev'), credentials: ALL_CREDENTIALS })),
        type: InfisicalProjectAccessError,
        says: ['not a member of project', APP_PROJECT_ID],
      },
      {
        name: 'member without any secret-read rule',
        run: () => rejectionOf(startInfisicalApp({ options: optionsFor(server, APP_NO_READ, 'dev'), credentials: ALL_CREDENTIALS })),
        type: InfisicalProjectAccessError,
        says: ['may not read secrets for environment "dev"', '"Read" on secrets in "dev"'],
      },
      {
        name: 'environment the identity cannot read',
        run: () => rejectionOf(startInfisicalApp({ options: optionsFor(server, APP_STAGING, 'dev'), credentials: ALL_CREDENTIALS })),
        type: InfisicalPermissionError,
        says: ['cannot read secrets in environment "dev"', 'can read "staging"', 'GEMINI_API_KEY'],
      },
      {
        name: 'unreachable site',
        run: async () => rejectionOf(startInfisicalApp({ options: optionsFor({ url: await closedPortUrl() }, APP_DEV, 'dev', { startupTimeoutMs: 300 }), credentials: ALL_CREDENTIALS })),
        type: InfisicalUnreachableError,
        says: ['connection refused', 'INFISICAL_SITE_URL'],
      },
    ];

    it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
      const error = await scenario.run();
      expect(error).toBeInstanceOf(scenario.type);
      for (const fragment of scenario.says) expect(error.message).toContain(fragment);
      const output = `${error.message}\n${error.stack}\n${inspect(error)}`;
      expect(findLeaks(output, appSeedSecrets())).toEqual([]);
    });

    it('gives each scenario its own message', async () => {
      const messages = new Set<string>();
      for (const scenario of scenarios) messages.add((await scenario.run()).message.split('\n')[0]!.replace(/version \d+/, ''));
      expect(messages.size).toBe(scenarios.length);
    });
  });

  it('suggests the real environment slug with recursive reads too (the server words that 404 differently)', async () => {
    const error = await rejectionOf(startInfisicalApp({ options: optionsFor(server, APP_DEV, 'stg', { recursive: true }), credentials: ALL_CREDENTIALS }));
    expect(error).toBeInstanceOf(InfisicalEnvironmentNotFoundError);
    expect(error.message).toContain('Did you mean "staging"?');
  });

  it('names a locked-out identity (after repeated wrong client secrets) and makes one login attempt only', async () => {
    const wrong = { ...APP_DEV, clientSecret: 'a-guessed-client-secret' };
    for (let i = 0; i < 3; i++) {
      await fetch(`${server.url}/api/v1/auth/universal-auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: wrong.clientId, clientSecret: wrong.clientSecret }),
      });
    }
    server.clearRequests();
    try {
      const error = await rejectionOf(startInfisicalApp({ options: optionsFor(server, APP_DEV, 'dev'), credentials: ALL_CREDENTIALS }));
      expect(error).toBeInstanceOf(InfisicalIdentityLockedError);
      expect(error.message).toContain('temporarily locked');
      expect(error.message).toContain('INFISICAL_CLIENT_SECRET');
      expect(server.requestsTo('/api/v1/auth/universal-auth/login')).toHaveLength(1);
    } finally {
      server.clearLockout(APP_DEV.id);
    }
  });

  it('runs on the process environment alone when disabled, making no request', async () => {
    const values = APP_VALUES.staging;
    Object.assign(process.env, values);
    try {
      app = await startInfisicalApp({ options: { enabled: false, schema: AppEnvironment }, credentials: ALL_CREDENTIALS });
      expect(app.app.get(GeminiCredentials).apiKey).toBe(values.GEMINI_API_KEY);
      expect(app.config.get('NOTION_API_KEY')).toBe(values.NOTION_API_KEY);
      expect(app.store.status()).toMatchObject({ state: 'up', source: 'env', enabled: false });
      expect(server.requests).toHaveLength(0);
    } finally {
      for (const key of Object.keys(values)) delete process.env[key];
    }
  });

  it('does not read prod with prod credentials pointed at dev either', async () => {
    const error = await rejectionOf(startInfisicalApp({ options: optionsFor(server, APP_PROD, 'dev'), credentials: ALL_CREDENTIALS }));
    expect(error).toBeInstanceOf(InfisicalPermissionError);
    expect(findLeaks(`${error.message}${error.stack}`, Object.values(APP_VALUES.dev))).toEqual([]);
  });
});
