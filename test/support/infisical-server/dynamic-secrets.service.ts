/**
 * Dynamic secrets and their leases, as Infisical's dynamic-secret-lease service
 * (backend/src/ee/services/dynamic-secret-lease/dynamic-secret-lease-service.ts) answers them: project by slug (404),
 * membership (403), folder (404), dynamic secret or lease (404), the `lease` permission on `dynamic-secrets` (403),
 * TTL checks (400), then the provider (a real PostgreSQL role per lease). Expiry runs on the server clock: what is
 * due is revoked (role dropped, lease deleted → 404) before each lease request and by a background sweep, like
 * Infisical's revocation queue. Lease operations run one at a time.
 */
import { badRequest, notFound, permissionDenied } from './errors.js';
import {
  dynamicSecretRecord,
  dynamicSecretView,
  LEASE_FAILED_DELETION,
  type DynamicSecretRecord,
  type LeaseRecord,
  type LeaseSummary,
  leaseView,
} from './dynamic-secret.records.js';
import { parseDuration } from './ms-duration.js';
import { normalizeFolderPath } from './paths.js';
import { canReadEnvironment, getProjectPermission } from './permissions.js';
import type { SeedDynamicSecret } from './seed.types.js';
import { sqlLeaseProvider } from './sql-lease-provider.js';
import { AdminInputError, type FolderRecord, type IdentityRecord, type InfisicalStore, type ProjectRecord } from './store.js';
import { randomUUID } from 'node:crypto';

/** Where a lease request points: `projectSlug`, `environmentSlug` and the folder `path` (trailing `/` removed). */
export interface LeaseScope {
  projectSlug: string;
  environmentSlug: string;
  path: string;
}

/** Infisical re-queues a failed revocation every 4 h (± 20 %). */
const REVOCATION_RETRY_MS = 4 * 60 * 60 * 1000;

export class DynamicSecretsService {
  private readonly secrets = new Map<string, DynamicSecretRecord>();
  private readonly leaseRecords = new Map<string, LeaseRecord>();
  private tail: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: InfisicalStore,
    private readonly now: () => number,
    sweepIntervalMs = 1000,
    private readonly provider = sqlLeaseProvider,
  ) {
    if (sweepIntervalMs > 0) {
      this.timer = setInterval(() => void this.sweep().catch(() => undefined), sweepIntervalMs);
      this.timer.unref();
    }
  }

  // ---------------------------------------------------------------- admin

  /** Defines a dynamic secret (its folder is created if missing); returns it as Infisical shows it. */
  add(projectId: string, seed: SeedDynamicSecret): Record<string, unknown> {
    const project = this.store.requireProject(projectId);
    const folder = this.store.ensureFolder(project, seed.environment, normalizeFolderPath(seed.path));
    const record = dynamicSecretRecord(project.id, folder, seed, this.now());
    if (this.findSecret(folder, record.name)) {
      throw new AdminInputError(`Dynamic secret '${record.name}' already exists in ${seed.environment}:${folder.path}`);
    }
    this.secrets.set(record.id, record);
    return dynamicSecretView(record);
  }

  /** Deletes a dynamic secret after revoking its leases (revocation failures are ignored, as a forced delete). */
  remove(target: { projectId: string; environment: string; path?: string; name: string }): Promise<void> {
    return this.exclusive(async () => {
      const project = this.store.requireProject(target.projectId);
      const folder = this.store.findFolder(project, target.environment, normalizeFolderPath(target.path));
      const secret = folder && this.findSecret(folder, target.name.toLowerCase());
      if (!secret) throw new AdminInputError(`Unknown dynamic secret '${target.name}' in ${target.environment}:${normalizeFolderPath(target.path)}`, 404);
      for (const lease of [...this.leaseRecords.values()].filter((l) => l.dynamicSecretId === secret.id)) {
        await this.provider.revoke(secret.inputs, lease.externalEntityId).catch(() => undefined);
        this.leaseRecords.delete(lease.id);
      }
      this.secrets.delete(secret.id);
    });
  }

  /** Every lease the server holds (expired ones until the sweep revokes them), without credentials. */
  leases(): LeaseSummary[] {
    return [...this.leaseRecords.values()].map((lease) => {
      const secret = this.secrets.get(lease.dynamicSecretId)!;
      const { id, expireAt, createdAt, status, renewals } = lease;
      return { id, dynamicSecretName: secret.name, projectId: secret.projectId, environment: secret.environment, path: secret.path, username: lease.externalEntityId, expireAt, createdAt, status, renewals };
    });
  }

  /** Revokes every lease whose `expireAt` has passed on the server clock; resolves to how many were revoked. */
  sweep(): Promise<number> {
    return this.exclusive(() => this.revokeDue());
  }

  /** Stops the background sweep and waits for the lease operation in flight. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.tail;
  }

  // ---------------------------------------------------------------- routes

  create(identity: IdentityRecord, scope: LeaseScope & { name: string; ttl?: string; config?: unknown }) {
    return this.exclusive(async () => {
      await this.revokeDue();
      const { folder, project } = this.resolve(identity, scope, `Folder with path '${scope.path}' in environment with slug '${scope.environmentSlug}' not found`);
      const secret = this.findSecret(folder, scope.name);
      if (!secret) throw notFound(`Dynamic secret with name '${scope.name}' in folder with path '${scope.path}' not found`);
      this.assertCanLease(identity, project, scope.environmentSlug);
      const now = this.now();
      const expireAt = now + parseDuration(scope.ttl || secret.defaultTTL);
      if (secret.maxTTL && expireAt > now + parseDuration(secret.maxTTL)) throw badRequest('TTL cannot be larger than max TTL');
      const { entityId, data } = await this.provider.create(secret.inputs, expireAt);
      const lease: LeaseRecord = {
        id: randomUUID(),
        version: 1,
        externalEntityId: entityId,
        expireAt,
        status: null,
        statusDetails: null,
        dynamicSecretId: secret.id,
        createdAt: now,
        updatedAt: now,
        config: scope.config ?? null,
        renewals: 0,
      };
      this.leaseRecords.set(lease.id, lease);
      return { lease: leaseView(lease), dynamicSecret: dynamicSecretView(secret), data };
    });
  }

  renew(identity: IdentityRecord, leaseId: string, scope: LeaseScope & { ttl?: string }) {
    return this.exclusive(async () => {
      await this.revokeDue();
      const { lease, secret } = this.leaseInFolder(identity, leaseId, scope);
      const expireAt = lease.expireAt + parseDuration(scope.ttl || secret.defaultTTL);
      if (secret.maxTTL && expireAt > lease.createdAt + parseDuration(secret.maxTTL)) {
        throw badRequest('The requested renewal would exceed the maximum allowed lease duration. Please choose a shorter TTL');
      }
      await this.provider.renew(secret.inputs, lease.externalEntityId, expireAt);
      Object.assign(lease, { expireAt, updatedAt: this.now(), renewals: lease.renewals + 1 });
      return { lease: leaseView(lease) };
    });
  }

  revoke(identity: IdentityRecord, leaseId: string, scope: LeaseScope & { isForced: boolean }) {
    return this.exclusive(async () => {
      await this.revokeDue();
      const { lease, secret } = this.leaseInFolder(identity, leaseId, scope);
      try {
        await this.provider.revoke(secret.inputs, lease.externalEntityId);
      } catch (error) {
        if (!scope.isForced) {
          this.markFailed(lease, error);
          return { lease: leaseView(lease) };
        }
      }
      this.leaseRecords.delete(lease.id);
      return { lease: leaseView(lease) };
    });
  }

  get(identity: IdentityRecord, leaseId: string, scope: LeaseScope) {
    return this.exclusive(async () => {
      await this.revokeDue();
      const { project, folder } = this.resolve(identity, scope, `Folder with path '${scope.path}' not found`);
      const lease = this.leaseRecords.get(leaseId);
      if (!lease) throw notFound(`Dynamic secret lease with ID '${leaseId}' not found`);
      const secret = this.secrets.get(lease.dynamicSecretId);
      if (!secret || secret.folderId !== folder.id) throw notFound(`Dynamic secret with ID '${lease.dynamicSecretId}' not found`);
      this.assertCanLease(identity, project, scope.environmentSlug);
      return { lease: { ...leaseView(lease), dynamicSecret: dynamicSecretView(secret) } };
    });
  }

  // ---------------------------------------------------------------- internals

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.tail.then(operation);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private findSecret(folder: FolderRecord, name: string): DynamicSecretRecord | undefined {
    for (const secret of this.secrets.values()) if (secret.folderId === folder.id && secret.name === name) return secret;
    return undefined;
  }

  /** Project by slug (404), membership (403), folder (404) — the order of every lease route. */
  private resolve(identity: IdentityRecord, scope: LeaseScope, folderMissing: string): { project: ProjectRecord; folder: FolderRecord } {
    const project = this.store.getProjectBySlug(scope.projectSlug);
    if (!project) throw notFound(`Project with slug '${scope.projectSlug}' not found`);
    getProjectPermission(identity, project.id);
    const folder = this.store.findFolder(project, scope.environmentSlug, scope.path);
    if (!folder) throw notFound(folderMissing);
    return { project, folder };
  }

  /** Renew and revoke: the lease must belong to a dynamic secret of the folder named by the request. */
  private leaseInFolder(identity: IdentityRecord, leaseId: string, scope: LeaseScope): { lease: LeaseRecord; secret: DynamicSecretRecord } {
    const { project, folder } = this.resolve(identity, scope, `Folder with path '${scope.path}' in environment with slug '${scope.environmentSlug}' not found`);
    const lease = this.leaseRecords.get(leaseId);
    const secret = lease && this.secrets.get(lease.dynamicSecretId);
    if (!lease || !secret || secret.folderId !== folder.id) throw notFound(`Dynamic secret lease with ID '${leaseId}' not found`);
    this.assertCanLease(identity, project, scope.environmentSlug);
    return { lease, secret };
  }

  /** The CASL `lease` action on `dynamic-secrets`; here granted wherever the identity may read secrets. */
  private assertCanLease(identity: IdentityRecord, project: ProjectRecord, environment: string): void {
    const permission = getProjectPermission(identity, project.id);
    if (canReadEnvironment(permission, environment)) return;
    const environments = permission.read === '*' ? [] : permission.read;
    throw permissionDenied(
      'lease',
      'dynamic-secrets',
      environments.map((env) => ({ action: ['lease'], inverted: false, subject: 'dynamic-secrets', conditions: { environment: env } })),
    );
  }

  private markFailed(lease: LeaseRecord, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    Object.assign(lease, { status: LEASE_FAILED_DELETION, statusDetails: message.slice(0, 255), updatedAt: this.now(), retryAt: this.now() + REVOCATION_RETRY_MS });
  }

  private async revokeDue(): Promise<number> {
    const now = this.now();
    let revoked = 0;
    for (const lease of [...this.leaseRecords.values()]) {
      const due = (lease.expireAt <= now || lease.status === LEASE_FAILED_DELETION) && (lease.retryAt ?? 0) <= now;
      if (!due) continue;
      const secret = this.secrets.get(lease.dynamicSecretId)!;
      try {
        await this.provider.revoke(secret.inputs, lease.externalEntityId);
        this.leaseRecords.delete(lease.id);
        revoked += 1;
      } catch (error) {
        this.markFailed(lease, error);
      }
    }
    return revoked;
  }
}
