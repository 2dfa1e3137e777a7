import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';

/** The parts of an Infisical webhook payload this module acts on (`project.workspaceId` on older servers). */
export interface WebhookEvent {
  event: string;
  projectId: string;
  environment: string;
  secretPath: string | undefined;
}

/**
 * Reads `{ event, project: { projectId | workspaceId, environment, secretPath }, timestamp }` (the "general"
 * webhook type); undefined for anything else. Pure.
 */
export function parseWebhookEvent(body: unknown): WebhookEvent | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { event, project } = body as { event?: unknown; project?: Record<string, unknown> };
  if (typeof event !== 'string' || typeof project !== 'object' || project === null) return undefined;
  const projectId = project.projectId ?? project.workspaceId;
  const { environment, secretPath } = project;
  if (typeof projectId !== 'string' || typeof environment !== 'string') return undefined;
  return { event, projectId, environment, secretPath: typeof secretPath === 'string' ? secretPath : undefined };
}

/** Events after which the values may have changed. */
const CHANGE_EVENTS = new Set(['secrets.modified']);

/** A folder without its trailing slashes (`/app/` → `/app`); the root, however written, is `/`. */
const normalize = (path: string) => path.replace(/\/+$/, '') || '/';

/**
 * Whether `event` concerns what the application reads: a change in one of its sources' project and environment, in
 * the source's folder (or below it for a recursive source). Without a folder in the payload, the environment
 * decides. Pure.
 */
export function concernsSources(event: WebhookEvent, sources: ReadonlyArray<Omit<InfisicalTarget, 'siteUrl'> & { recursive?: boolean }>): boolean {
  if (!CHANGE_EVENTS.has(event.event)) return false;
  return sources.some((source) => {
    if (source.projectId !== event.projectId || source.environment !== event.environment) return false;
    if (event.secretPath === undefined) return true;
    const folder = normalize(source.secretPath);
    const changed = normalize(event.secretPath);
    if (changed === folder) return true;
    return source.recursive === true && (folder === '/' || changed.startsWith(`${folder}/`));
  });
}
