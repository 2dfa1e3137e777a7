import { APP_DEV, createAppSeed } from './fixtures/app-seed.js';
import { ALL_CREDENTIALS, optionsFor, startInfisicalApp, type TestApp } from './infisical-app.js';
import { LocalInfisicalServer } from './infisical-server/index.js';
import { ManualClock } from './manual-clock.js';
import { webhookOptions } from './readme/webhook-options.js';
import { WEBHOOK_SECRET } from './webhook-sender.js';

/** A local Infisical server and a Nest app (real HTTP) that receives its signed webhooks, both on one ManualClock. */
export interface WebhookApp {
  readonly clock: ManualClock;
  readonly server: LocalInfisicalServer;
  readonly app: TestApp;
  /** Closes the app, then the server. */
  close(): Promise<void>;
}

/**
 * Starts the app-seed server and an app reading its `dev` environment with every credential, refreshing every
 * `cacheTtlSeconds` and receiving webhooks with the guide's options (`test/support/readme/webhook-options.ts`).
 */
export async function startWebhookApp(cacheTtlSeconds: number): Promise<WebhookApp> {
  const clock = new ManualClock();
  const server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
  const app = await startInfisicalApp({
    options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds, ...webhookOptions(WEBHOOK_SECRET) }),
    credentials: ALL_CREDENTIALS,
    clock,
    http: true,
  });
  return {
    clock,
    server,
    app,
    close: async () => {
      await app.close();
      await server.close();
    },
  };
}
