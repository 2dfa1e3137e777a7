/**
 * Secret reads — ports of secret-v2-bridge-service `getSecrets` / `getSecretByName` and
 * secret-import-fns `fnSecretsV2FromImports`, over the in-memory store, in the documented order
 * of checks (project → membership → any-read rule → folder → per-secret permission).
 */
import { forbidden, HttpError, notFound } from './errors.js';
import { normalizeFolderPath } from './paths.js';
import {
  assertAnySecretRead,
  assertCanDescribe,
  canReadEnvironment,
  getProjectPermission,
  type ProjectPermission,
} from './permissions.js';
import { expandSecretReferences, type ReferenceContext } from './references.js';
import {
  currentVersion,
  type ImportItem,
  type ImportSecretItem,
  type SecretItem,
  toImportSecretItem,
  toSecretItem,
} from './secret-shapes.js';
import type { IdentityRecord, ImportRecord, InfisicalStore, ProjectRecord, SecretRecord } from './store.js';

/** LEVEL_BREAK of the import resolver. */
const IMPORT_DEPTH_LIMIT = 10;

export interface ListSecretsInput {
  identity: IdentityRecord;
  projectId: string;
  environment: string;
  secretPath: string;
  recursive: boolean;
  includeImports: boolean;
  expandSecretReferences: boolean;
  viewSecretValue: boolean;
  tagSlugs: string[];
  metadataFilter?: { key?: string; value?: string }[];
}

export interface GetSecretInput {
  identity: IdentityRecord;
  projectId: string;
  environment: string;
  secretPath: string;
  secretName: string;
  version?: number;
  type: 'shared' | 'personal';
  includeImports: boolean;
  expandSecretReferences: boolean;
  viewSecretValue: boolean;
}

interface ResolvedImport {
  secretPath: string;
  environment: string;
  folderId?: string;
  secrets: { item: ImportSecretItem; record: SecretRecord }[];
}

type ImportExpander = (item: ImportSecretItem, environment: string, secretPath: string) => void;

export class SecretsService {
  constructor(private readonly store: InfisicalStore) {}

  /** projectBotService.getBotKey: the first thing the secret service does. */
  requireProject(projectId: string): ProjectRecord {
    const project = this.store.getProject(projectId);
    if (!project) {
      throw notFound(
        `Project with ID '${projectId}' not found during bot lookup. Are you sure you are using the correct project ID?`,
      );
    }
    return project;
  }

  private referenceContext(project: ProjectRecord, permission: ProjectPermission): ReferenceContext {
    return {
      fetchSecret: (environment, secretPath, key) => {
        const secret = this.store.findSecret(project, environment, secretPath, key);
        return secret ? { value: currentVersion(secret).value, exists: true } : { value: '', exists: false };
      },
      canExpand: (environment) => canReadEnvironment(permission, environment),
    };
  }

  // ---------------------------------------------------------------- list

  list(input: ListSecretsInput): { secrets: SecretItem[]; imports: ImportItem[] } {
    const project = this.requireProject(input.projectId);
    const permission = getProjectPermission(input.identity, project.id);
    assertAnySecretRead(permission);

    const env = this.store.findEnvironment(project, input.environment);
    const folderMissing = (): HttpError =>
      notFound(
        `Folder with path '${input.secretPath}' in environment '${input.environment}' was not found. Please ensure the environment slug and secret path is correct.`,
        'SecretPathNotFound',
      );
    let folderPaths: string[];
    if (input.recursive) {
      if (!env) {
        throw notFound(`Environment with slug '${input.environment}' in project with ID ${project.id} not found`);
      }
      const tree = this.store.folderTree(project, input.environment, input.secretPath);
      if (tree.length === 0) throw folderMissing();
      folderPaths = tree.map((f) => f.path);
    } else {
      const folder = env ? this.store.findFolder(project, input.environment, input.secretPath) : undefined;
      if (!folder) throw folderMissing();
      folderPaths = [folder.path];
    }

    const canRead = canReadEnvironment(permission, input.environment);
    const tagFilter = input.tagSlugs.filter((t) => t.length > 0);
    const items: SecretItem[] = [];
    for (const path of folderPaths) {
      for (const secret of this.store.sharedSecretsIn(project, input.environment, path)) {
        const version = currentVersion(secret);
        if (tagFilter.length > 0 && !version.tagSlugs.some((t) => tagFilter.includes(t))) continue;
        if (input.metadataFilter && !this.matchesMetadata(secret, input.metadataFilter)) continue;
        if (!canRead) continue; // describe + read value are one rule per environment here
        items.push(
          toSecretItem(project, secret, version, {
            environment: input.environment,
            // the requested path is echoed as given; sub-folders (recursive) carry their own path
            secretPath: path === normalizeFolderPath(input.secretPath) ? input.secretPath : path,
            value: version.value,
            hidden: !input.viewSecretValue,
          }),
        );
      }
    }

    const ctx = this.referenceContext(project, permission);
    if (input.expandSecretReferences) {
      const errors: string[] = [];
      for (const item of items) {
        if (item.secretValueHidden) continue;
        try {
          item.secretValue = expandSecretReferences(
            {
              value: item.secretValue,
              environment: input.environment,
              secretPath: item.secretPath,
              secretKey: item.secretKey,
              skipMultilineEncoding: item.skipMultilineEncoding,
            },
            ctx,
          );
        } catch (err) {
          const reason = err instanceof HttpError ? `${err.error}: ${err.message}` : String(err);
          errors.push(`Failed to expand secret reference: ${reason}`);
        }
      }
      if (errors.length > 0) throw forbidden('Failed to expand one or more secret references', 'ForbiddenError', errors);
    }

    if (!input.includeImports) return { secrets: items, imports: [] };

    const rootImports = folderPaths.flatMap((path) => this.store.importsOf(project, input.environment, path));
    // Quirk kept from the server: imported values are always run through reference expansion
    // on the list route (failures are swallowed and the raw value kept).
    const expander: ImportExpander = (item, environment, secretPath) => {
      try {
        item.secretValue = expandSecretReferences(
          { value: item.secretValue, environment, secretPath, secretKey: item.secretKey, skipMultilineEncoding: item.skipMultilineEncoding },
          ctx,
        );
      } catch {
        /* keep the raw value */
      }
    };
    const imports = this.resolveImports(project, rootImports, permission, input.viewSecretValue, expander);
    return {
      secrets: items,
      imports: imports.map((imp) => ({
        secretPath: imp.secretPath,
        environment: imp.environment,
        ...(imp.folderId ? { folderId: imp.folderId } : {}),
        secrets: imp.secrets.map((s) => s.item),
      })),
    };
  }

  private matchesMetadata(secret: SecretRecord, filter: { key?: string; value?: string }[]): boolean {
    return filter.every((f) =>
      secret.metadata.some((m) => (f.key === undefined || m.key === f.key) && (f.value === undefined || m.value === f.value)),
    );
  }

  /**
   * fnSecretsV2FromImports: resolves imports level by level; nested imports are flattened into
   * the top-level import they came through; cycles and depth > 10 are cut; only shared secrets
   * the caller may read are included.
   */
  private resolveImports(
    project: ProjectRecord,
    rootImports: ImportRecord[],
    permission: ProjectPermission,
    viewSecretValue: boolean,
    expander?: ImportExpander,
  ): ResolvedImport[] {
    const cyclic = new Set<string>();
    const processed: ResolvedImport[] = [];
    const stack: { imports: ImportRecord[]; depth: number; parent: ResolvedImport['secrets'] }[] = [
      { imports: rootImports, depth: 0, parent: [] },
    ];
    while (stack.length > 0) {
      const { imports, depth, parent } = stack.pop()!;
      if (depth > IMPORT_DEPTH_LIMIT) continue;
      const sanitized = imports.filter((i) => !cyclic.has(`${i.fromEnvironment}=${i.fromPath}`));
      if (sanitized.length === 0) continue;
      const isFirstIteration = processed.length === 0;
      for (const imp of sanitized) cyclic.add(`${imp.fromEnvironment}=${imp.fromPath}`);
      for (const imp of sanitized) {
        const folder = this.store.findFolder(project, imp.fromEnvironment, imp.fromPath);
        const secrets = folder
          ? this.store
              .sharedSecretsIn(project, imp.fromEnvironment, imp.fromPath)
              .filter(() => canReadEnvironment(permission, imp.fromEnvironment))
              .map((record) => ({ item: toImportSecretItem(record, imp.fromEnvironment, viewSecretValue), record }))
          : [];
        const deeper = folder ? this.store.importsOf(project, imp.fromEnvironment, imp.fromPath) : [];
        if (deeper.length > 0) stack.push({ imports: deeper, depth: depth + 1, parent: secrets });
        if (isFirstIteration) {
          processed.push({
            secretPath: imp.fromPath,
            environment: imp.fromEnvironment,
            ...(folder ? { folderId: folder.id } : {}),
            secrets,
          });
        } else {
          parent.push(...secrets);
        }
      }
    }
    if (expander) {
      for (const imp of processed) {
        const seen = new Set<string>();
        imp.secrets = imp.secrets.filter((s) => (seen.has(s.item.secretKey) ? false : (seen.add(s.item.secretKey), true)));
        for (const s of imp.secrets) if (!s.item.secretValueHidden) expander(s.item, imp.environment, imp.secretPath);
      }
    }
    return processed;
  }

  // ---------------------------------------------------------------- get by name

  getByName(input: GetSecretInput): SecretItem {
    const project = this.requireProject(input.projectId);
    const permission = getProjectPermission(input.identity, project.id);

    const env = this.store.findEnvironment(project, input.environment);
    const folder = env ? this.store.findFolder(project, input.environment, input.secretPath) : undefined;
    if (!folder) {
      throw notFound(
        `Folder with path '${input.secretPath}' in environment with slug '${input.environment}' not found`,
        'GetSecretByName',
      );
    }

    // Machine identities never own personal secrets.
    let secret: SecretRecord | undefined;
    let version = undefined as ReturnType<typeof currentVersion> | undefined;
    if (input.type === 'shared') {
      secret = this.store.findSecret(project, input.environment, folder.path, input.secretName);
      version = secret
        ? input.version === undefined
          ? currentVersion(secret)
          : secret.versions.find((v) => v.version === input.version)
        : undefined;
      if (!version) secret = undefined;
    }

    // Describe permission is checked before existence, so it hides 404s.
    assertCanDescribe(permission, input.environment);

    const ctx = this.referenceContext(project, permission);
    const shouldExpand = input.expandSecretReferences && input.viewSecretValue;

    if (!secret && input.includeImports) {
      const imports = this.resolveImports(
        project,
        this.store.importsOf(project, input.environment, folder.path),
        permission,
        input.viewSecretValue,
        shouldExpand
          ? (item, environment, secretPath) => {
              item.secretValue = expandSecretReferences(
                { value: item.secretValue, environment, secretPath, secretKey: item.secretKey, skipMultilineEncoding: item.skipMultilineEncoding },
                ctx,
              );
            }
          : undefined,
      );
      // The last-positioned import wins.
      for (let i = imports.length - 1; i >= 0; i -= 1) {
        const imp = imports[i]!;
        for (const { item, record } of imp.secrets) {
          if (item.secretKey !== input.secretName) continue;
          if (input.viewSecretValue && !canReadEnvironment(permission, imp.environment)) {
            throw forbidden(
              `You do not have permission to view secret import value on secret with name '${input.secretName}'`,
              'ForbiddenReadSecretError',
            );
          }
          return toSecretItem(project, record, currentVersion(record), {
            environment: imp.environment,
            secretPath: imp.secretPath,
            value: item.secretValue,
            hidden: !input.viewSecretValue,
          });
        }
      }
    }
    if (!secret || !version) throw notFound(`Secret with name '${input.secretName}' not found`);

    let value = version.value;
    if (shouldExpand && value) {
      value = expandSecretReferences(
        {
          value,
          environment: input.environment,
          secretPath: folder.path,
          secretKey: input.secretName,
          skipMultilineEncoding: secret.skipMultilineEncoding,
        },
        ctx,
      );
    }
    return toSecretItem(project, secret, version, {
      environment: input.environment,
      secretPath: input.secretPath,
      value,
      hidden: !input.viewSecretValue,
    });
  }
}

