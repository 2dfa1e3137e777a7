/**
 * Project metadata and folders — GET /api/v1/workspace/:workspaceId, GET /api/v1/projects/:projectId
 * and GET /api/v1/folders. Any project member may read them (no secret-read rule needed).
 */
import { notFound } from '../errors.js';
import type { RequestContext } from '../http-context.js';
import { getProjectPermission } from '../permissions.js';
import type { RouteDeps, Router } from '../router.js';
import { ORG_ID, type ProjectRecord } from '../store.js';
import { removeTrailingSlash, Validator } from '../validation.js';

function projectView(project: ProjectRecord): Record<string, unknown> {
  const iso = new Date(project.createdAt).toISOString();
  return {
    id: project.id,
    name: project.name,
    slug: project.slug,
    description: null,
    type: 'secret-manager',
    autoCapitalization: false,
    orgId: ORG_ID,
    createdAt: iso,
    updatedAt: iso,
    version: 3,
    upgradeStatus: null,
    pitVersionLimit: 10,
    kmsCertificateKeyId: null,
    auditLogsRetentionDays: null,
    hasDeleteProtection: false,
    environments: project.environments.map((env) => ({ id: env.id, name: env.name, slug: env.slug })),
  };
}

export function registerProjectRoutes(router: Router, deps: RouteDeps): void {
  const loadProject = (ctx: RequestContext, projectId: string): ProjectRecord => {
    const project = deps.store.getProject(projectId);
    if (!project) throw notFound(`Project with ID '${projectId}' not found`);
    getProjectPermission(ctx.identity!, project.id);
    return project;
  };

  router.add('GET', '/api/v1/workspace/:workspaceId', (ctx) => {
    ctx.sendJson(200, { workspace: projectView(loadProject(ctx, (ctx.params['workspaceId'] ?? '').trim())) });
  });

  router.add('GET', '/api/v1/projects/:projectId', (ctx) => {
    ctx.sendJson(200, { project: projectView(loadProject(ctx, (ctx.params['projectId'] ?? '').trim())) });
  });

  router.add('GET', '/api/v1/folders', (ctx) => {
    const q = new Validator(ctx.query);
    const workspaceId = q.requiredString('workspaceId');
    const environment = q.requiredString('environment');
    const path = removeTrailingSlash(q.optionalString('path') || q.optionalString('directory') || '/');
    const recursive = q.optionalString('recursive') === 'true';
    q.done();

    const project = loadProject(ctx, workspaceId);
    if (!deps.store.findEnvironment(project, environment)) {
      throw notFound(`Environment with slug '${environment}' not found`);
    }
    const folders = recursive
      ? deps.store.folderTree(project, environment, path).slice(1)
      : deps.store.childFolders(project, environment, path);
    ctx.sendJson(200, {
      folders: folders.map((f) => ({
        id: f.id,
        name: f.name,
        version: 1,
        createdAt: new Date(f.createdAt).toISOString(),
        updatedAt: new Date(f.updatedAt).toISOString(),
        envId: f.envId,
        parentId: f.parentId,
        isReserved: false,
        description: null,
        lastSecretModified: null,
      })),
    });
  });
}
