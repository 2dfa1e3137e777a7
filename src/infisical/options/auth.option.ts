import { describeValue, type OptionReader } from './option-readers.js';
import { DEFAULT_KUBERNETES_TOKEN_PATH } from '../infisical.defaults.js';
import { AUTH_METHODS, authMethodByOption } from './auth-methods.js';
import type { ResolvedAuth } from './resolved-auth.interface.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^[\x21-\x7e]+$/;
const SHAPES = AUTH_METHODS.map((m) => m.option).join(', ');
const SHAPE_HINT = `{ <method>: { … } } with one method of ${SHAPES} — e.g. { gcpIdToken: { identityId } } or { universalAuth: { clientId, clientSecret } }`;

/** Validates `auth` (exactly one method); `undefined` when absent and not required. @internal */
export function resolveAuth(reader: OptionReader, value: unknown, required: boolean): ResolvedAuth | undefined {
  if (value === undefined) {
    if (required) reader.bad('auth', `is required when Infisical is enabled — ${SHAPE_HINT} (INFISICAL_AUTH_METHOD, INFISICAL_CLIENT_ID / INFISICAL_CLIENT_SECRET)`);
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    reader.bad('auth', `must be ${SHAPE_HINT} (got ${describeValue(value, true)})`);
    return undefined;
  }
  const methods = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  const unknown = methods.filter((m) => !authMethodByOption(m));
  if (unknown.length || methods.length !== 1) {
    const got = methods.length ? methods.map((m) => `"${m.slice(0, 40)}"`).join(', ') : 'no method';
    reader.bad('auth', `must name exactly one login method — ${SHAPE_HINT} (got ${got})`);
    return undefined;
  }
  const method = methods[0]!;
  const settings = (value as Record<string, unknown>)[method];
  if (typeof settings !== 'object' || settings === null) {
    reader.bad(`auth.${method}`, `must be an object (got ${describeValue(settings, true)})`);
    return undefined;
  }
  const fields = settings as Record<string, unknown>;
  if (method !== 'universalAuth' && method !== 'token') return resolveKeyless(reader, method, fields, required);
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

/** GCP ID token, Kubernetes, OIDC, JWT, AWS IAM: an identity ID, plus where the platform JWT comes from. */
function resolveKeyless(reader: OptionReader, option: string, fields: Record<string, unknown>, required: boolean): ResolvedAuth | undefined {
  const info = authMethodByOption(option)!;
  const identityId = reader.text(`auth.${option}.identityId`, required, `the ID of the machine identity that has ${info.label} (INFISICAL_IDENTITY_ID)`, fields.identityId);
  if (identityId !== undefined && !UUID.test(identityId)) {
    reader.bad(
      `auth.${option}.identityId`,
      `is not a UUID (it has ${identityId.length} characters), and every machine identity ID is one. Copy the identity's ID ` +
        `from Infisical → Access Control → Machine Identities → <identity> (not its name, not a client ID of Universal Auth)`,
    );
    return undefined;
  }
  if (identityId === undefined) return undefined;
  switch (info.method) {
    case 'kubernetes': {
      const tokenPath = reader.text('auth.kubernetes.tokenPath', false, 'a file path (INFISICAL_KUBERNETES_TOKEN_PATH)', fields.tokenPath);
      return { method: 'kubernetes', identityId, tokenPath: tokenPath ?? DEFAULT_KUBERNETES_TOKEN_PATH };
    }
    case 'oidc':
    case 'jwt': {
      const jwt = reader.text(`auth.${option}.jwt`, false, 'the JWT (INFISICAL_JWT)', fields.jwt, true);
      const jwtFile = reader.text(`auth.${option}.jwtFile`, false, 'a file holding the JWT (INFISICAL_JWT_FILE)', fields.jwtFile);
      if (jwt !== undefined && !TOKEN.test(jwt)) reader.bad(`auth.${option}.jwt`, 'must not contain spaces or control characters');
      if ((jwt === undefined) === (jwtFile === undefined)) {
        reader.bad(
          `auth.${option}.jwt`,
          `${jwt === undefined ? 'or' : 'and'} auth.${option}.jwtFile: give exactly one — the JWT itself (INFISICAL_JWT) or a file the ` +
            'platform writes it to (INFISICAL_JWT_FILE, read again at every login)',
        );
        return undefined;
      }
      return { method: info.method, identityId, jwt, jwtFile };
    }
    case 'gcp-id-token':
      return { method: 'gcp-id-token', identityId };
    default:
      return { method: 'aws-iam', identityId };
  }
}
