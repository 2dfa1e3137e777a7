import type { SecretStore } from '../store/secret-store.js';
import type { WebhookHandler } from './webhook.handler.js';

/** Stores that receive webhooks, and where: filled when a store is built, read when the HTTP route is mounted. */
const handlers = new WeakMap<SecretStore, { path: string; handler: WebhookHandler }>();

export function registerWebhook(store: SecretStore, path: string, handler: WebhookHandler): void {
  handlers.set(store, { path, handler });
}

export function webhookOf(store: SecretStore): { path: string; handler: WebhookHandler } | undefined {
  return handlers.get(store);
}
