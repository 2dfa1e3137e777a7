/**
 * Infisical's SQL database provider for PostgreSQL (backend/src/ee/services/dynamic-secret/providers/sql-database.ts),
 * against a real server: each lease is a role made by the creation statement (`{{username}}`, `{{password}}`,
 * `{{expiration}}` = ISO expiry, `{{database}}`), the renew statement moves its `VALID UNTIL`, the revocation statement
 * drops it. Statements are split on `;` and run in one transaction on a fresh connection per call, as Infisical does;
 * revocation ends no sessions unless the statement says so (Infisical's defaults do not). `pg` is loaded on first use.
 */
import { randomInt } from 'node:crypto';

import { badRequest } from './errors.js';
import type { SqlDatabaseProviderInputs } from './seed.types.js';

/** Infisical's default PostgreSQL statements (frontend `getSqlStatements`), used when the seed gives none. */
export const POSTGRES_DEFAULT_STATEMENTS = {
  creationStatement:
    'CREATE USER "{{username}}" WITH ENCRYPTED PASSWORD \'{{password}}\' VALID UNTIL \'{{expiration}}\';\n' +
    'GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO "{{username}}";',
  renewStatement: 'ALTER ROLE "{{username}}" VALID UNTIL \'{{expiration}}\';',
  revocationStatement: 'REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "{{username}}";\nDROP ROLE "{{username}}";',
} as const;

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

const pick = (alphabet: string): string => alphabet[randomInt(alphabet.length)]!;

/** `alphaNumericNanoId(32)`: the `{{randomUsername}}` of Infisical's default username template. */
export function generateUsername(): string {
  return Array.from({ length: 32 }, () => pick(DIGITS + UPPER + LOWER)).join('');
}

/** Infisical's default password rule: 48 characters, at least one lower-case, one upper-case, one digit, no symbols. */
export function generatePassword(length = 48): string {
  const parts = [pick(LOWER), pick(UPPER), pick(DIGITS)];
  while (parts.length < length) parts.push(pick(LOWER + UPPER + DIGITS));
  for (let i = parts.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [parts[i], parts[j]] = [parts[j]!, parts[i]!];
  }
  return parts.join('');
}

/** Handlebars-style `{{name}}` substitution (an unknown name renders empty, as in handlebars). */
export function renderStatement(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => values[name] ?? '');
}

/** Infisical's `sanitizeString`: the named tokens never reach an error message. */
function sanitize(message: string, tokens: string[]): string {
  return tokens.filter((t) => t.length > 0).reduce((text, token) => text.split(token).join('[REDACTED]'), message);
}

async function runStatements(inputs: SqlDatabaseProviderInputs, statement: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    host: inputs.host,
    port: inputs.port,
    database: inputs.database,
    user: inputs.username,
    ...(inputs.password ? { password: inputs.password } : {}),
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const query of statement.split(';').filter((q) => q.trim().length > 0)) await client.query(query);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export interface ProviderLease {
  entityId: string;
  data: { DB_USERNAME: string; DB_PASSWORD: string };
}

/** create / renew / revoke of one lease's database role; failures are Infisical's 400s with sanitized messages. */
export const sqlLeaseProvider = {
  async create(inputs: SqlDatabaseProviderInputs, expireAt: number): Promise<ProviderLease> {
    const username = generateUsername();
    const password = generatePassword();
    const statement = inputs.creationStatement ?? POSTGRES_DEFAULT_STATEMENTS.creationStatement;
    try {
      const expiration = new Date(expireAt).toISOString();
      await runStatements(inputs, renderStatement(statement, { username, password, expiration, database: inputs.database }));
    } catch (error) {
      throw badRequest(`Failed to create lease from provider: ${sanitize(messageOf(error), [username, password, inputs.database])}`);
    }
    return { entityId: username, data: { DB_USERNAME: username, DB_PASSWORD: password } };
  },

  async renew(inputs: SqlDatabaseProviderInputs, entityId: string, expireAt: number): Promise<void> {
    const statement = inputs.renewStatement ?? POSTGRES_DEFAULT_STATEMENTS.renewStatement;
    if (!statement) return;
    try {
      const expiration = new Date(expireAt).toISOString();
      await runStatements(inputs, renderStatement(statement, { username: entityId, expiration, database: inputs.database }));
    } catch (error) {
      throw badRequest(`Failed to renew lease from provider: ${sanitize(messageOf(error), [inputs.database])}`);
    }
  },

  async revoke(inputs: SqlDatabaseProviderInputs, entityId: string): Promise<void> {
    const statement = inputs.revocationStatement ?? POSTGRES_DEFAULT_STATEMENTS.revocationStatement;
    try {
      await runStatements(inputs, renderStatement(statement, { username: entityId, database: inputs.database }));
    } catch (error) {
      throw badRequest(`Failed to revoke lease from provider: ${sanitize(messageOf(error), [entityId, inputs.database])}`);
    }
  },
};
