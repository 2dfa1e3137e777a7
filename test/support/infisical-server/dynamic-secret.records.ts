/**
 * Records of dynamic secrets and their leases, and their JSON shapes as Infisical answers them: a lease is
 * `DynamicSecretLeasesSchema` (id, version, externalEntityId, expireAt, status, statusDetails, dynamicSecretId,
 * createdAt, updatedAt, config), a dynamic secret `SanitizedDynamicSecretSchema` (without its encrypted inputs).
 */
import { randomUUID } from 'node:crypto';

import { parseDuration } from './ms-duration.js';
import type { SeedDynamicSecret, SqlDatabaseProviderInputs } from './seed.types.js';
import { AdminInputError } from './store.js';

export interface DynamicSecretRecord {
  id: string;
  projectId: string;
  environment: string;
  path: string;
  folderId: string;
  name: string;
  defaultTTL: string;
  maxTTL: string | null;
  inputs: SqlDatabaseProviderInputs;
  createdAt: number;
  updatedAt: number;
}

export interface LeaseRecord {
  id: string;
  version: number;
  /** The database role's name. */
  externalEntityId: string;
  expireAt: number;
  status: string | null;
  statusDetails: string | null;
  dynamicSecretId: string;
  createdAt: number;
  updatedAt: number;
  config: unknown;
  /** After a failed revocation: when to try again (Infisical retries every 4 h). */
  retryAt?: number;
  /** Successful renewals (for tests; not part of Infisical's answer). */
  renewals: number;
}

/** Infisical's `DynamicSecretLeaseStatus.FailedDeletion`. */
export const LEASE_FAILED_DELETION = 'Failed to delete';

/** What a test sees of a lease (`server.dynamicSecrets.leases()`, `GET /__admin/dynamic-secrets/leases`): no password. */
export interface LeaseSummary {
  id: string;
  dynamicSecretName: string;
  projectId: string;
  environment: string;
  path: string;
  /** The database role. */
  username: string;
  expireAt: number;
  createdAt: number;
  status: string | null;
  renewals: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function leaseView(lease: LeaseRecord): Record<string, unknown> {
  return {
    id: lease.id,
    version: lease.version,
    externalEntityId: lease.externalEntityId,
    expireAt: iso(lease.expireAt),
    status: lease.status,
    statusDetails: lease.statusDetails,
    dynamicSecretId: lease.dynamicSecretId,
    createdAt: iso(lease.createdAt),
    updatedAt: iso(lease.updatedAt),
    config: lease.config,
  };
}

export function dynamicSecretView(secret: DynamicSecretRecord): Record<string, unknown> {
  return {
    id: secret.id,
    name: secret.name,
    version: 1,
    type: 'sql-database',
    defaultTTL: secret.defaultTTL,
    maxTTL: secret.maxTTL,
    folderId: secret.folderId,
    status: null,
    statusDetails: null,
    createdAt: iso(secret.createdAt),
    updatedAt: iso(secret.updatedAt),
    usernameTemplate: null,
    metadata: [],
  };
}

function validTtl(value: unknown, field: string): string {
  if (typeof value !== 'string' || !(parseDuration(value) > 0)) {
    throw new AdminInputError(`'${field}' must be an ms-style duration such as "10s" or "1h" (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Checks an admin/seed definition; the folder id comes from the caller (the store creates the folder). */
export function dynamicSecretRecord(
  projectId: string,
  folder: { id: string; path: string },
  seed: SeedDynamicSecret,
  now: number,
): DynamicSecretRecord {
  if (typeof seed.name !== 'string' || seed.name.length === 0) throw new AdminInputError("'name' must be a non-empty string");
  const inputs = seed.provider?.inputs;
  if (seed.provider?.type !== 'sql-database' || inputs?.client !== 'postgres') {
    throw new AdminInputError("'provider' must be { type: 'sql-database', inputs: { client: 'postgres', host, port, database, username } }");
  }
  for (const key of ['host', 'database', 'username'] as const) {
    if (typeof inputs[key] !== 'string' || inputs[key].length === 0) throw new AdminInputError(`'provider.inputs.${key}' must be a non-empty string`);
  }
  if (!Number.isInteger(inputs.port)) throw new AdminInputError("'provider.inputs.port' must be an integer");
  const defaultTTL = validTtl(seed.defaultTTL, 'defaultTTL');
  const maxTTL = seed.maxTTL === undefined || seed.maxTTL === null ? null : validTtl(seed.maxTTL, 'maxTTL');
  return {
    id: randomUUID(),
    projectId,
    environment: seed.environment,
    path: folder.path,
    folderId: folder.id,
    name: seed.name.toLowerCase(),
    defaultTTL,
    maxTTL,
    inputs: { ...inputs },
    createdAt: now,
    updatedAt: now,
  };
}
