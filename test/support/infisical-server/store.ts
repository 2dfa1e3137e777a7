/**
 * In-memory model of one Infisical organisation: projects, environments, folders, secrets
 * (with version history), imports, tags, identities with Universal Auth client secrets.
 * Built from a SeedFile; mutated by the admin API.
 */
import { randomUUID } from 'node:crypto';

import { folderLineage, folderName, normalizeFolderPath, parentFolderPath } from './paths.js';
import type { SeedFile, SeedIdentity, SeedProject, SeedSecret } from './seed.types.js';

export interface EnvironmentRecord {
  id: string;
  slug: string;
  name: string;
  position: number;
}

export interface FolderRecord {
  id: string;
  name: string;
  path: string;
  parentId: string | null;
  envId: string;
  createdAt: number;
  updatedAt: number;
}

export interface TagRecord {
  id: string;
  slug: string;
  name: string;
  color: string;
}

export interface SecretVersionRecord {
  version: number;
  value: string;
  comment: string;
  tagSlugs: string[];
  createdAt: number;
}

export interface SecretRecord {
  id: string;
  key: string;
  type: 'shared' | 'personal';
  environment: string;
  path: string;
  skipMultilineEncoding: boolean;
  metadata: { key: string; value: string }[];
  createdAt: number;
  updatedAt: number;
  /** Ascending; the last entry is the current version. */
  versions: SecretVersionRecord[];
}

export interface ImportRecord {
  id: string;
  environment: string;
  path: string;
  fromEnvironment: string;
  fromPath: string;
}

export interface ProjectRecord {
  id: string;
  name: string;
  slug: string;
  createdAt: number;
  environments: EnvironmentRecord[];
  /** env slug → normalized path → folder */
  folders: Map<string, Map<string, FolderRecord>>;
  secrets: SecretRecord[];
  /** In position order per importing folder. */
  imports: ImportRecord[];
  tags: Map<string, TagRecord>;
}

export interface ClientSecretRecord {
  id: string;
  secret: string;
  ttlSeconds: number;
  numUsesLimit: number;
  numUses: number;
  createdAt: number;
  revoked: boolean;
}

export interface LockoutSettings {
  enabled: boolean;
  threshold: number;
  durationSeconds: number;
  counterResetSeconds: number;
}

export interface IdentityRecord {
  id: string;
  name: string;
  clientId: string;
  clientSecrets: ClientSecretRecord[];
  accessTokenTTL: number;
  accessTokenMaxTTL: number;
  accessTokenNumUsesLimit: number;
  lockout: LockoutSettings;
  /** projectId → readable environments ('*' = all, [] = member without secret-read rule) */
  memberships: Map<string, string[] | '*'>;
  membershipId: string;
  deleted: boolean;
}

/** Secret coordinates used by the admin API. */
export interface SecretLocator {
  projectId: string;
  environment: string;
  path?: string;
  key: string;
}

export class AdminInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'AdminInputError';
  }
}

const TAG_COLORS = ['#bec2c8', '#95a2b3', '#5e6ad2', '#26b5ce', '#4cb782', '#f2c94c', '#f2994a', '#eb5757'];

export const ORG_ID = 'a7f3c2d1-0b4e-4c8a-9f21-5d6e7f8a9b0c';
export const ORG_NAME = 'Local Infisical';
/** Synthetic actor stamped on seeded / admin-written secrets. */
export const SEED_ACTOR = {
  actorType: 'platform',
  actorId: null,
  name: 'local-infisical-seed',
  membershipId: null,
  groupId: null,
} as const;

export class InfisicalStore {
  readonly projects = new Map<string, ProjectRecord>();
  readonly identities = new Map<string, IdentityRecord>();

  constructor(
    seed: SeedFile,
    private readonly now: () => number,
  ) {
    for (const project of seed.projects ?? []) this.addProject(project);
    for (const identity of seed.identities ?? []) this.addIdentity(identity);
  }

  // ---------------------------------------------------------------- projects & folders

  private addProject(seed: SeedProject): void {
    if (this.projects.has(seed.id)) throw new AdminInputError(`Duplicate project id ${seed.id}`);
    const createdAt = this.now();
    const project: ProjectRecord = {
      id: seed.id,
      name: seed.name,
      slug: seed.slug,
      createdAt,
      environments: seed.environments.map((env, i) => ({ id: randomUUID(), slug: env.slug, name: env.name, position: i + 1 })),
      folders: new Map(),
      secrets: [],
      imports: [],
      tags: new Map(),
    };
    this.projects.set(project.id, project);
    for (const env of project.environments) this.ensureFolder(project, env.slug, '/');
    for (const folder of seed.folders ?? []) this.ensureFolder(project, folder.environment, folder.path);
    for (const secret of seed.secrets ?? []) this.seedSecret(project, secret);
    for (const imp of seed.imports ?? []) {
      const path = normalizeFolderPath(imp.path);
      const fromPath = normalizeFolderPath(imp.fromPath);
      this.ensureFolder(project, imp.environment, path);
      this.requireEnvironment(project, imp.fromEnvironment);
      project.imports.push({ id: randomUUID(), environment: imp.environment, path, fromEnvironment: imp.fromEnvironment, fromPath });
    }
  }

  getProject(projectId: string): ProjectRecord | undefined {
    return this.projects.get(projectId);
  }

  getProjectBySlug(slug: string): ProjectRecord | undefined {
    for (const project of this.projects.values()) if (project.slug === slug) return project;
    return undefined;
  }

  requireProject(projectId: string): ProjectRecord {
    const project = this.projects.get(projectId);
    if (!project) throw new AdminInputError(`Unknown project '${projectId}'`, 404);
    return project;
  }

  findEnvironment(project: ProjectRecord, slug: string): EnvironmentRecord | undefined {
    return project.environments.find((e) => e.slug === slug);
  }

  private requireEnvironment(project: ProjectRecord, slug: string): EnvironmentRecord {
    const env = this.findEnvironment(project, slug);
    if (!env) throw new AdminInputError(`Unknown environment '${slug}' in project '${project.slug}'`, 404);
    return env;
  }

  /** Creates the folder and its parents if missing; returns the folder. */
  ensureFolder(project: ProjectRecord, envSlug: string, rawPath: string): FolderRecord {
    const env = this.requireEnvironment(project, envSlug);
    let byPath = project.folders.get(envSlug);
    if (!byPath) {
      byPath = new Map();
      project.folders.set(envSlug, byPath);
    }
    let folder: FolderRecord | undefined;
    for (const path of folderLineage(normalizeFolderPath(rawPath))) {
      const existing = byPath.get(path);
      if (existing) {
        folder = existing;
        continue;
      }
      const parent = parentFolderPath(path);
      const now = this.now();
      folder = {
        id: randomUUID(),
        name: folderName(path),
        path,
        parentId: parent === null ? null : byPath.get(parent)!.id,
        envId: env.id,
        createdAt: now,
        updatedAt: now,
      };
      byPath.set(path, folder);
    }
    return folder!;
  }

  findFolder(project: ProjectRecord, envSlug: string, path: string): FolderRecord | undefined {
    return project.folders.get(envSlug)?.get(normalizeFolderPath(path));
  }

  childFolders(project: ProjectRecord, envSlug: string, path: string): FolderRecord[] {
    const parent = this.findFolder(project, envSlug, path);
    if (!parent) return [];
    return [...(project.folders.get(envSlug)?.values() ?? [])].filter((f) => f.parentId === parent.id);
  }

  /** The folder and all its descendants, parents before children. */
  folderTree(project: ProjectRecord, envSlug: string, path: string): FolderRecord[] {
    const root = this.findFolder(project, envSlug, path);
    if (!root) return [];
    const result: FolderRecord[] = [];
    const queue = [root];
    while (queue.length > 0) {
      const folder = queue.shift()!;
      result.push(folder);
      queue.push(...this.childFolders(project, envSlug, folder.path));
    }
    return result;
  }

  // ---------------------------------------------------------------- secrets

  private ensureTags(project: ProjectRecord, slugs: string[]): void {
    for (const slug of slugs) {
      if (!project.tags.has(slug)) {
        project.tags.set(slug, { id: randomUUID(), slug, name: slug, color: TAG_COLORS[project.tags.size % TAG_COLORS.length]! });
      }
    }
  }

  private seedSecret(project: ProjectRecord, seed: SeedSecret): void {
    const path = normalizeFolderPath(seed.path);
    this.ensureFolder(project, seed.environment, path);
    const type = seed.type ?? 'shared';
    if (this.findSecret(project, seed.environment, path, seed.key, type)) {
      throw new AdminInputError(`Duplicate seed secret ${seed.environment}:${path}:${seed.key}`);
    }
    const tags = seed.tags ?? [];
    this.ensureTags(project, tags);
    const now = this.now();
    project.secrets.push({
      id: randomUUID(),
      key: seed.key,
      type,
      environment: seed.environment,
      path,
      skipMultilineEncoding: seed.skipMultilineEncoding ?? false,
      metadata: seed.metadata ?? [],
      createdAt: now,
      updatedAt: now,
      versions: [{ version: 1, value: seed.value, comment: seed.comment ?? '', tagSlugs: tags, createdAt: now }],
    });
  }

  findSecret(
    project: ProjectRecord,
    envSlug: string,
    path: string,
    key: string,
    type: 'shared' | 'personal' = 'shared',
  ): SecretRecord | undefined {
    const normalized = normalizeFolderPath(path);
    return project.secrets.find((s) => s.environment === envSlug && s.path === normalized && s.key === key && s.type === type);
  }

  /** Shared secrets of one folder, in creation order. */
  sharedSecretsIn(project: ProjectRecord, envSlug: string, path: string): SecretRecord[] {
    const normalized = normalizeFolderPath(path);
    return project.secrets.filter((s) => s.environment === envSlug && s.path === normalized && s.type === 'shared');
  }

  /** Imports declared on one folder, in position order. */
  importsOf(project: ProjectRecord, envSlug: string, path: string): ImportRecord[] {
    const normalized = normalizeFolderPath(path);
    return project.imports.filter((i) => i.environment === envSlug && i.path === normalized);
  }

  tagsOf(project: ProjectRecord, slugs: string[]): TagRecord[] {
    return slugs.map((slug) => project.tags.get(slug)).filter((t): t is TagRecord => t !== undefined);
  }

  setSecret(input: SecretLocator & { value: string; comment?: string; tags?: string[] }): { version: number } {
    if (typeof input.key !== 'string' || input.key.length === 0) throw new AdminInputError('key is required');
    if (typeof input.value !== 'string') throw new AdminInputError('value must be a string');
    const project = this.requireProject(input.projectId);
    const path = normalizeFolderPath(input.path);
    this.ensureFolder(project, input.environment, path);
    const now = this.now();
    const existing = this.findSecret(project, input.environment, path, input.key);
    if (!existing) {
      const tags = input.tags ?? [];
      this.ensureTags(project, tags);
      project.secrets.push({
        id: randomUUID(),
        key: input.key,
        type: 'shared',
        environment: input.environment,
        path,
        skipMultilineEncoding: false,
        metadata: [],
        createdAt: now,
        updatedAt: now,
        versions: [{ version: 1, value: input.value, comment: input.comment ?? '', tagSlugs: tags, createdAt: now }],
      });
      return { version: 1 };
    }
    const current = existing.versions[existing.versions.length - 1]!;
    const tags = input.tags ?? current.tagSlugs;
    this.ensureTags(project, tags);
    const version = current.version + 1;
    existing.versions.push({ version, value: input.value, comment: input.comment ?? current.comment, tagSlugs: tags, createdAt: now });
    existing.updatedAt = now;
    return { version };
  }

  deleteSecret(input: SecretLocator): void {
    const project = this.requireProject(input.projectId);
    const secret = this.findSecret(project, input.environment, input.path ?? '/', input.key);
    if (!secret) {
      throw new AdminInputError(`Secret '${input.key}' not found in ${input.environment}:${normalizeFolderPath(input.path)}`, 404);
    }
    project.secrets.splice(project.secrets.indexOf(secret), 1);
  }

  getSecretVersion(input: SecretLocator): number | undefined {
    const project = this.projects.get(input.projectId);
    if (!project) return undefined;
    const secret = this.findSecret(project, input.environment, input.path ?? '/', input.key);
    return secret?.versions[secret.versions.length - 1]?.version;
  }

  createFolder(input: { projectId: string; environment: string; path: string }): void {
    this.ensureFolder(this.requireProject(input.projectId), input.environment, input.path);
  }

  // ---------------------------------------------------------------- identities

  private addIdentity(seed: SeedIdentity): void {
    if (this.identities.has(seed.id)) throw new AdminInputError(`Duplicate identity id ${seed.id}`);
    for (const other of this.identities.values()) {
      if (other.clientId === seed.clientId) throw new AdminInputError(`Duplicate clientId ${seed.clientId}`);
    }
    const createdAt = this.now();
    const identity: IdentityRecord = {
      id: seed.id,
      name: seed.name,
      clientId: seed.clientId,
      clientSecrets: seed.clientSecrets.map((cs) => ({
        id: cs.id ?? randomUUID(),
        secret: cs.secret,
        ttlSeconds: cs.ttlSeconds ?? 0,
        numUsesLimit: cs.numUsesLimit ?? 0,
        numUses: 0,
        createdAt,
        revoked: false,
      })),
      accessTokenTTL: seed.accessTokenTTL ?? 2592000,
      accessTokenMaxTTL: seed.accessTokenMaxTTL ?? 2592000,
      accessTokenNumUsesLimit: seed.accessTokenNumUsesLimit ?? 0,
      lockout: {
        enabled: seed.lockout?.enabled ?? true,
        threshold: seed.lockout?.threshold ?? 3,
        durationSeconds: seed.lockout?.durationSeconds ?? 300,
        counterResetSeconds: seed.lockout?.counterResetSeconds ?? 30,
      },
      memberships: new Map(seed.projects.map((p) => [p.projectId, p.read])),
      membershipId: randomUUID(),
      deleted: false,
    };
    this.identities.set(identity.id, identity);
  }

  findIdentityByClientId(clientId: string): IdentityRecord | undefined {
    for (const identity of this.identities.values()) if (identity.clientId === clientId && !identity.deleted) return identity;
    return undefined;
  }

  requireIdentity(identityId: string): IdentityRecord {
    const identity = this.identities.get(identityId);
    if (!identity) throw new AdminInputError(`Unknown identity '${identityId}'`, 404);
    return identity;
  }

  requireIdentityByClientId(clientId: string): IdentityRecord {
    for (const identity of this.identities.values()) if (identity.clientId === clientId) return identity;
    throw new AdminInputError(`Unknown clientId '${clientId}'`, 404);
  }
}
