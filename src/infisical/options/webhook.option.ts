import { DEFAULT_WEBHOOK_PATH } from '../infisical.defaults.js';
import { describeValue, type OptionReader } from './option-readers.js';

/** The webhook receiver, resolved. */
export interface ResolvedWebhookOptions {
  path: string;
  secret: string;
}

/** Reads the `webhook` option (`{ path?, secret }`, env `INFISICAL_WEBHOOK_PATH`, `INFISICAL_WEBHOOK_SECRET`); undefined when absent or when Infisical is disabled. */
export function resolveWebhook(reader: OptionReader, value: unknown, enabled: boolean): ResolvedWebhookOptions | undefined {
  if (value === undefined || !enabled) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    reader.bad('webhook', `must be { secret, path? } (got ${describeValue(value, true)})`); // a string here may be the secret itself
    return undefined;
  }
  const { path, secret } = value as { path?: unknown; secret?: unknown };
  const key = reader.text('webhook.secret', true, "the webhook's secret key from Project Settings → Webhooks (INFISICAL_WEBHOOK_SECRET)", secret, true);
  const route = reader.text('webhook.path', false, `an absolute URL path such as ${DEFAULT_WEBHOOK_PATH} (INFISICAL_WEBHOOK_PATH)`, path) ?? DEFAULT_WEBHOOK_PATH;
  if (!/^\/[A-Za-z0-9/_.~-]*$/.test(route)) reader.bad('webhook.path', `must be an absolute URL path such as ${DEFAULT_WEBHOOK_PATH} (got ${describeValue(route)}; INFISICAL_WEBHOOK_PATH)`);
  return key === undefined ? undefined : { path: route, secret: key };
}
