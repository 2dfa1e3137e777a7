/**
 * Response shapes of secrets, as they survive Infisical's response-schema stripping
 * (secretRawSchema + extensions in the v3 raw router; import items per fnSecretsV2FromImports).
 */
import type { ProjectRecord, SecretRecord, SecretVersionRecord, TagRecord } from './store.js';
import { SEED_ACTOR } from './store.js';

/** INFISICAL_SECRET_VALUE_HIDDEN_MASK */
export const HIDDEN_VALUE_MASK = '<hidden-by-infisical>';

export interface SecretItem {
  id: string;
  _id: string;
  workspace: string;
  environment: string;
  version: number;
  type: string;
  secretKey: string;
  secretValue: string;
  secretComment: string;
  secretReminderNote: string | null;
  secretReminderRepeatDays: number | null;
  skipMultilineEncoding: boolean;
  createdAt: string;
  updatedAt: string;
  actor: typeof SEED_ACTOR;
  isRotatedSecret: boolean;
  rotationId: string | null;
  secretPath: string;
  secretValueHidden: boolean;
  secretMetadata: { key: string; value: string; isEncrypted: boolean }[];
  tags: { id: string; slug: string; name: string; color: string }[];
}

export interface ImportSecretItem {
  id: string;
  _id: string;
  workspace: string;
  environment: string;
  version: number;
  type: string;
  secretKey: string;
  secretValue: string;
  secretValueHidden: boolean;
  secretComment: string;
  skipMultilineEncoding: boolean;
  secretMetadata: { key: string; value: string; isEncrypted: boolean }[];
}

export interface ImportItem {
  secretPath: string;
  environment: string;
  folderId?: string;
  secrets: ImportSecretItem[];
}

export function currentVersion(secret: SecretRecord): SecretVersionRecord {
  return secret.versions[secret.versions.length - 1]!;
}

const iso = (ms: number): string => new Date(ms).toISOString();

const tagView = (tag: TagRecord): SecretItem['tags'][number] => ({ id: tag.id, slug: tag.slug, name: tag.name, color: tag.color });

const metadataView = (secret: SecretRecord): SecretItem['secretMetadata'] =>
  secret.metadata.map((m) => ({ key: m.key, value: m.value, isEncrypted: false }));

/** reshapeBridgeSecret: a list / get-by-name item. */
export function toSecretItem(
  project: ProjectRecord,
  secret: SecretRecord,
  version: SecretVersionRecord,
  view: { environment: string; secretPath: string; value: string; hidden: boolean },
): SecretItem {
  return {
    id: secret.id,
    _id: secret.id,
    workspace: project.id,
    environment: view.environment,
    version: version.version,
    type: secret.type,
    secretKey: secret.key,
    secretValue: view.hidden ? HIDDEN_VALUE_MASK : view.value,
    secretComment: version.comment,
    secretReminderNote: null,
    secretReminderRepeatDays: null,
    skipMultilineEncoding: secret.skipMultilineEncoding,
    createdAt: iso(secret.createdAt),
    updatedAt: iso(version.createdAt),
    actor: SEED_ACTOR,
    isRotatedSecret: false,
    rotationId: null,
    secretPath: view.secretPath,
    secretValueHidden: view.hidden,
    secretMetadata: metadataView(secret),
    tags: version.tagSlugs.map((slug) => project.tags.get(slug)).filter((t): t is TagRecord => t !== undefined).map(tagView),
  };
}

/** An element of `imports[].secrets` (no dates, tags or secretPath; workspace is ""). */
export function toImportSecretItem(secret: SecretRecord, environment: string, viewSecretValue: boolean): ImportSecretItem {
  const version = currentVersion(secret);
  return {
    id: secret.id,
    _id: secret.id,
    workspace: '',
    environment,
    version: version.version,
    type: secret.type,
    secretKey: secret.key,
    secretValue: viewSecretValue ? version.value : HIDDEN_VALUE_MASK,
    secretValueHidden: !viewSecretValue,
    secretComment: version.comment,
    skipMultilineEncoding: secret.skipMultilineEncoding,
    secretMetadata: metadataView(secret),
  };
}
