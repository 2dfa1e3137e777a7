import { describeValue, type OptionReader } from './option-readers.js';
import type { ResolvedAuth } from './resolved-options.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^[\x21-\x7e]+$/;
const METHODS = ['universalAuth', 'token'] as const;
const SHAPES = '{ universalAuth: { clientId, clientSecret } } or { token: { accessToken } }';

/** Validates `auth` (exactly one method); `undefined` when absent and not required. */
export function resolveAuth(reader: OptionReader, value: unknown, required: boolean): ResolvedAuth | undefined {
  if (value === undefined) {
    if (required) reader.bad('auth', `is required when Infisical is enabled — ${SHAPES} (INFISICAL_CLIENT_ID / INFISICAL_CLIENT_SECRET)`);
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    reader.bad('auth', `must be ${SHAPES} (got ${describeValue(value, true)})`);
    return undefined;
  }
  const methods = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  const unknown = methods.filter((m) => !(METHODS as readonly string[]).includes(m));
  if (unknown.length || methods.length !== 1) {
    const got = methods.length ? methods.map((m) => `"${m.slice(0, 40)}"`).join(', ') : 'no method';
    reader.bad('auth', `must name exactly one login method — ${SHAPES} (got ${got})`);
    return undefined;
  }
  const method = methods[0] as (typeof METHODS)[number];
  const settings = (value as Record<string, unknown>)[method];
  if (typeof settings !== 'object' || settings === null) {
    reader.bad(`auth.${method}`, `must be an object (got ${describeValue(settings, true)})`);
    return undefined;
  }
  const fields = settings as Record<string, unknown>;
  if (method === 'token') {
    const accessToken = reader.text('auth.token.accessToken', required, 'an identity access token (INFISICAL_TOKEN)', fields.accessToken, true);
    if (accessToken !== undefined && !TOKEN.test(accessToken)) reader.bad('auth.token.accessToken', 'must not contain spaces or control characters');
    return accessToken === undefined ? undefined : { method: 'token', accessToken };
  }
  const clientId = reader.text('auth.universalAuth.clientId', required, "the machine identity's client ID (INFISICAL_CLIENT_ID)", fields.clientId);
  const clientSecret = reader.text(
    'auth.universalAuth.clientSecret',
    required,
    "the machine identity's client secret (INFISICAL_CLIENT_SECRET)",
    fields.clientSecret,
    true,
  );
  if (clientId !== undefined && !UUID.test(clientId)) {
    const swapped = clientSecret !== undefined && UUID.test(clientSecret) ? ' The client secret, on the other hand, looks like a UUID: the two may be swapped.' : '';
    reader.bad(
      'auth.universalAuth.clientId',
      `is not a UUID (it has ${clientId.length} characters), and every Universal Auth client ID is one (like ` +
        `1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d).${swapped} No login was attempted. Copy the Client ID from Infisical → ` +
        "Access Control → Machine Identities → <identity> → Universal Auth (the identity's name or ID is not its client ID)",
    );
    return undefined;
  }
  return clientId !== undefined && clientSecret !== undefined ? { method: 'universal-auth', clientId, clientSecret } : undefined;
}
