import { DEFAULT_INCLUDE_IMPORTS, DEFAULT_RECURSIVE, DEFAULT_SECRET_PATH } from '../infisical.defaults.js';
import type { InfisicalSourceOptions } from '../interfaces/infisical-source.interface.js';
import { describeValue, type OptionReader } from './option-readers.js';
import type { ResolvedSource } from './resolved-options.interface.js';

const SLUG = /^[A-Za-z0-9_-]+$/;
const SOURCE_FIELDS = new Set(['projectId', 'environment', 'secretPath', 'recursive', 'includeImports']);

/** `/a/b/` → `/a/b`; problems reported under `name`. */
function readPath(reader: OptionReader, name: string, value: unknown): string | undefined {
  const path = reader.text(name, false, 'a folder path such as "/" or "/backend"', value);
  if (path === undefined) return undefined;
  if (!path.startsWith('/')) {
    reader.bad(name, `must start with "/" (got ${describeValue(path)})`);
    return undefined;
  }
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/**
 * The sources to read, in precedence order: `sources` when given (each entry inheriting the top-level values it
 * leaves out), otherwise one source made of the top-level options.
 * @internal
 */
export function resolveSources(reader: OptionReader, options: Record<string, unknown>, siteUrl: string, required: boolean): ResolvedSource[] {
  const base = {
    projectId: reader.text('projectId', false, 'the project ID from Project Settings (INFISICAL_PROJECT_ID)'),
    environment: reader.text('environment', false, 'an environment slug such as "dev" or "prod" (INFISICAL_ENVIRONMENT)'),
    secretPath: readPath(reader, 'secretPath', options.secretPath),
    recursive: reader.boolean('recursive', DEFAULT_RECURSIVE),
    includeImports: reader.boolean('includeImports', DEFAULT_INCLUDE_IMPORTS),
  };
  let entries: Array<{ name: string; value: InfisicalSourceOptions }> = [{ name: '', value: {} }];
  if (options.sources !== undefined) {
    if (!Array.isArray(options.sources) || options.sources.length === 0) {
      reader.bad('sources', `must be a non-empty array of { projectId?, environment?, secretPath?, recursive?, includeImports? } (got ${describeValue(options.sources)})`);
      return [];
    }
    entries = options.sources.map((value, i) => ({ name: `sources[${i}].`, value: value as InfisicalSourceOptions }));
  }
  const resolved: ResolvedSource[] = [];
  for (const { name, value } of entries) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      reader.bad(name.slice(0, -1), `must be an object (got ${describeValue(value)})`);
      continue;
    }
    for (const key of Object.keys(value)) if (!SOURCE_FIELDS.has(key)) reader.bad(`${name}${key}`, 'is not a field of a source (check the spelling)');
    const own = value as Record<string, unknown>;
    const projectId = name ? (reader.text(`${name}projectId`, false, 'a project ID', own.projectId) ?? base.projectId) : base.projectId;
    const environment = name ? (reader.text(`${name}environment`, false, 'an environment slug', own.environment) ?? base.environment) : base.environment;
    const missing = (field: string, hint: string) => required && reader.bad(`${name}${field}`, `is required when Infisical is enabled — ${hint}`);
    if (projectId === undefined) missing('projectId', 'the project ID from Project Settings (INFISICAL_PROJECT_ID)');
    if (environment === undefined) missing('environment', 'an environment slug such as "dev" or "prod" (INFISICAL_ENVIRONMENT)');
    if (environment !== undefined && !SLUG.test(environment)) {
      reader.bad(`${name}environment`, `must be an environment slug (letters, digits, "-" or "_"), not a display name (got ${describeValue(environment)})`);
    }
    resolved.push({
      siteUrl,
      projectId: projectId ?? '',
      environment: environment ?? '',
      secretPath: (name ? readPath(reader, `${name}secretPath`, own.secretPath) : undefined) ?? base.secretPath ?? DEFAULT_SECRET_PATH,
      recursive: name ? reader.boolean(`${name}recursive`, base.recursive, own.recursive) : base.recursive,
      includeImports: name ? reader.boolean(`${name}includeImports`, base.includeImports, own.includeImports) : base.includeImports,
    });
  }
  return resolved;
}
