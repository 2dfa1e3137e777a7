/**
 * v3 raw secret reads — GET /api/v3/secrets/raw and GET /api/v3/secrets/raw/:secretName
 * (what @infisical/sdk v5 and the CLI call). Query parsing mirrors the zod schemas of
 * Infisical's deprecated-secret-router.ts; unknown query params are ignored.
 */
import { badRequest, notFound, type ValidationIssue, validationFailure } from '../errors.js';
import type { RequestContext } from '../http-context.js';
import type { RouteDeps, Router } from '../router.js';
import { SecretsService } from '../secrets-service.js';
import type { InfisicalStore } from '../store.js';
import { removeTrailingSlash, Validator } from '../validation.js';

/** project-service extractProjectIdFromSlug */
export function extractProjectId(store: InfisicalStore, projectId: string | undefined, projectSlug: string | undefined): string {
  if (projectId) return projectId;
  if (!projectSlug) throw badRequest('You must provide projectSlug or workspaceId');
  const project = store.getProjectBySlug(projectSlug);
  if (!project) throw notFound(`No project found with slug ${projectSlug}`);
  return project.id;
}

/** `metadataFilter=key=k,value=v|key=k2,value=v2` */
function parseMetadataFilter(raw: string | undefined): { key?: string; value?: string }[] | undefined {
  if (!raw) return undefined;
  const result: { key?: string; value?: string }[] = [];
  for (const pair of raw.split('|')) {
    const entry: { key?: string; value?: string } = {};
    const parts = pair.split(/[,=]/);
    for (let i = 0; i < parts.length; i += 2) {
      const identifier = parts[i]!.trim().toLowerCase();
      const value = parts[i + 1]?.trim();
      if (identifier === 'key' && value) entry.key = value;
      else if (identifier === 'value' && value) entry.value = value;
    }
    if (entry.key && entry.value) result.push(entry);
  }
  if (result.length > 10) {
    const issue: ValidationIssue = { code: 'custom', path: ['metadataFilter'], message: 'You can only filter by up to 10 metadata fields' };
    throw validationFailure([issue]);
  }
  return result.length > 0 ? result : undefined;
}

export function registerSecretsRoutes(router: Router, deps: RouteDeps): void {
  const service = new SecretsService(deps.store);

  router.add('GET', '/api/v3/secrets/raw', (ctx: RequestContext) => {
    const q = new Validator(ctx.query);
    const metadataFilter = q.optionalString('metadataFilter');
    const workspaceId = q.optionalString('workspaceId');
    const workspaceSlug = q.optionalString('workspaceSlug');
    const environment = q.optionalString('environment');
    const secretPath = removeTrailingSlash(q.optionalString('secretPath') ?? '/');
    const viewSecretValue = q.booleanString('viewSecretValue', true);
    const expandSecretReferences = q.booleanString('expandSecretReferences', false);
    const recursive = q.booleanString('recursive', false);
    const includeImports = q.booleanString('include_imports', false);
    const tagSlugs = q.optionalString('tagSlugs');
    q.done();
    const parsedMetadataFilter = parseMetadataFilter(metadataFilter);

    const projectId = extractProjectId(deps.store, workspaceId, workspaceSlug);
    if (!projectId || !environment) throw badRequest('Missing project id or environment');

    const result = service.list({
      identity: ctx.identity!,
      projectId,
      environment,
      secretPath,
      recursive,
      includeImports,
      expandSecretReferences,
      viewSecretValue,
      tagSlugs: tagSlugs ? tagSlugs.split(',').map((t) => t.trim()) : [],
      ...(parsedMetadataFilter ? { metadataFilter: parsedMetadataFilter } : {}),
    });
    ctx.sendJson(200, result);
  });

  router.add('GET', '/api/v3/secrets/raw/:secretName', (ctx: RequestContext) => {
    const secretName = (ctx.params['secretName'] ?? '').trim();
    const q = new Validator(ctx.query);
    const workspaceId = q.optionalString('workspaceId');
    const workspaceSlug = q.optionalString('workspaceSlug');
    const environment = q.optionalString('environment');
    const secretPath = removeTrailingSlash(q.optionalString('secretPath') ?? '/');
    const version = q.optionalCoercedNumber('version');
    const type = q.enumString('type', ['shared', 'personal'] as const, 'shared');
    const viewSecretValue = q.booleanString('viewSecretValue', true);
    const expandSecretReferences = q.booleanString('expandSecretReferences', false);
    const includeImports = q.booleanString('include_imports', false);
    q.done();

    const projectId = extractProjectId(deps.store, workspaceId, workspaceSlug);
    if (!environment) throw badRequest('Missing environment');

    const secret = service.getByName({
      identity: ctx.identity!,
      projectId,
      environment,
      secretPath,
      secretName,
      ...(version === undefined ? {} : { version }),
      type,
      includeImports,
      expandSecretReferences,
      viewSecretValue,
    });
    ctx.sendJson(200, { secret });
  });
}
