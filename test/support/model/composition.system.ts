/**
 * The real system under the model-based test, assembled through the store's public surface: `assembleSecretStore`
 * with the `fetch` option (a {@link ModelInfisical}), a ManualClock, `ConfigService`, the providers a feature module
 * gets (`SecretRef`, a `registerSecretsAs` namespace) and a credential handle. No Nest application, no sockets.
 */
import { ConfigService } from '@nestjs/config';
import { assembleSecretStore } from '../../../src/infisical/assembly/create-secret-store.js';
import { registerSecretsAs } from '../../../src/infisical/config/register-secrets-as.js';
import { GeminiCredentials } from '../../../src/infisical/credentials/gemini.credentials.js';
import type { SecretRef } from '../../../src/infisical/credentials/secret-ref.js';
import { createFeatureProviders, createNamespaceProviders } from '../../../src/infisical/infisical.providers.js';
import type { InfisicalModuleOptions } from '../../../src/infisical/interfaces/infisical-module-options.interface.js';
import type { SecretStore } from '../../../src/infisical/store/secret-store.js';
import type { WebhookReceiver } from '../../../src/infisical/webhook/attach-webhook.js';
import { flushEventLoop } from '../deferred.js';
import type { ManualClock } from '../manual-clock.js';
import { signWebhookBody } from '../webhook-sender.js';
import { DATABASE_URL, ENV_VALUES, KEYS, MIRRORED, ModelSchema, SOURCES, type Key, type Setup } from './composition.model.js';
import { ModelInfisical } from './model-infisical.fake.js';

export const WEBHOOK_SECRET = 'model-webhook-secret-0123456789';
export const PROJECT = 'model-project';
export const TTL_SECONDS = 60;

/** The namespace a command registers: it reads DATABASE_URL, which becomes required. */
export const paymentsConfig = registerSecretsAs('mbtPayments', (secrets) => ({ url: secrets[DATABASE_URL] as string | undefined }));

/** Module options of the app under test. */
export function moduleOptions(setup: Setup, infisical: ModelInfisical): InfisicalModuleOptions {
  return {
    siteUrl: 'https://infisical.model.example',
    auth: { universalAuth: { clientId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', clientSecret: 'model-client-secret-0123456789abcdef' } },
    sources: SOURCES.map((secretPath) => ({ projectId: PROJECT, environment: 'prod', secretPath })),
    schema: ModelSchema,
    requiredKeys: [...setup.requiredKeys],
    mirrorToProcessEnv: [...MIRRORED],
    webhook: { secret: WEBHOOK_SECRET },
    cacheTtlSeconds: TTL_SECONDS,
    maxStaleSeconds: 31_536_000,
    fetch: infisical.fetch,
  };
}

/** Puts the setup's Infisical values into the fake and the operator's values into `process.env` (the rest unset). */
export function prepareWorld(setup: Setup, infisical: ModelInfisical): void {
  for (const path of SOURCES) for (const [key, value] of Object.entries(setup.folders[path] ?? {})) infisical.set(path, key, value!);
  for (const key of KEYS) {
    if (setup.env.includes(key)) process.env[key] = ENV_VALUES[key];
    else delete process.env[key];
  }
}

/** Removes every key of the model from `process.env`. */
export function clearWorld(): void {
  for (const key of KEYS) delete process.env[key];
}

/** The store of one sequence and every view of it the test compares with the model. */
export class CompositionSystem {
  readonly refs = new Map<Key, SecretRef>();
  namespace: { url?: string } | undefined;
  closed = false;
  #deliveries = 0;

  constructor(
    readonly store: SecretStore,
    readonly configService: ConfigService,
    readonly webhook: WebhookReceiver | undefined,
    readonly infisical: ModelInfisical,
    readonly clock: ManualClock,
    readonly credentials: GeminiCredentials | undefined,
    /** Closes the app (Nest) or the store. */
    private readonly close: () => Promise<void>,
  ) {}

  /** Builds and bootstraps the store (the promise rejects as the module's start-up would). */
  static async start(setup: Setup, infisical: ModelInfisical, clock: ManualClock): Promise<CompositionSystem> {
    const configHost: Record<string, unknown> = {};
    const configService = new ConfigService(configHost);
    const credentials = setup.credentials ? [GeminiCredentials.definition] : [];
    const started = assembleSecretStore(moduleOptions(setup, infisical), { clock, credentials, configService, configHost, random: () => 0.5 });
    const assembled = await driveUntilSettled(started, clock);
    const { store } = assembled;
    return new CompositionSystem(store, configService, assembled.webhook, infisical, clock, setup.credentials ? new GeminiCredentials(store) : undefined, () => store.onApplicationShutdown());
  }

  /** Wraps a booted Nest app: the views are the providers the app injects. */
  static ofApp(parts: { store: SecretStore; configService: ConfigService; webhook: WebhookReceiver | undefined; credentials: GeminiCredentials | undefined; close: () => Promise<void> }, infisical: ModelInfisical, clock: ManualClock): CompositionSystem {
    return new CompositionSystem(parts.store, parts.configService, parts.webhook, infisical, clock, parts.credentials, parts.close);
  }

  /** What `InfisicalModule.forFeature({ secrets: [key] })` does when a module injects `@InjectSecret(key)`. */
  requireFeature(key: Key): void {
    const provider = createFeatureProviders({ secrets: [key] })[0] as { useFactory: (store: SecretStore) => SecretRef };
    this.refs.set(key, provider.useFactory(this.store));
  }

  /** What `InfisicalModule.forFeature({ namespaces: [paymentsConfig] })` does when the namespace is injected. */
  registerNamespace(): void {
    const provider = createNamespaceProviders([paymentsConfig], 'namespaces')[0] as { useFactory: (store: SecretStore) => { url?: string } };
    this.namespace = provider.useFactory(this.store);
  }

  /** A signed `secrets.modified` delivery for the first source. */
  deliverWebhook(): number {
    const at = this.clock.now();
    this.#deliveries++;
    const project = { workspaceId: PROJECT, projectId: PROJECT, environment: 'prod', secretPath: SOURCES[0] };
    const body = JSON.stringify({ event: 'secrets.modified', project, timestamp: at, id: `delivery-${this.#deliveries}` });
    return this.webhook!.handler.handle({ body, signature: signWebhookBody(body, WEBHOOK_SECRET, at) }).status;
  }

  /** Lets every refresh the last step started finish (requests that hang stay pending until the clock moves). */
  async settle(): Promise<void> {
    await settleWork(this.store, this.infisical);
  }

  async advance(ms: number): Promise<void> {
    await this.clock.advanceAsync(ms, () => this.settle());
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await this.close();
    await this.settle();
  }
}

/**
 * Turns of the event loop until no refresh is under way (three quiet turns in a row), or until the only work left
 * is requests that hang (they end when the clock reaches their timeout). Bounded, so a refresh that never ends shows
 * as a difference from the model rather than a stuck test.
 */
async function settleWork(store: SecretStore, infisical: ModelInfisical): Promise<void> {
  let quiet = 0;
  for (let turn = 0; turn < 1000 && quiet < 3; turn++) {
    await flushEventLoop();
    const busy = store.status().refreshStartedAt !== undefined;
    const pending = infisical.pending;
    const onlyHanging = pending.length > 0 && pending.every((r) => r.mode.kind === 'hang');
    quiet = !busy || onlyHanging ? quiet + 1 : 0;
  }
}

/** Awaits `promise` (a start-up) while letting the event loop turn and, when only timers are left, moving the clock. */
export async function driveUntilSettled<T>(promise: Promise<T>, clock: ManualClock): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 10_000 && !done; i++) {
    await flushEventLoop();
    if (!done && i % 5 === 4 && clock.pending.length > 0) clock.advance(clock.pending[0]!);
  }
  return promise;
}
