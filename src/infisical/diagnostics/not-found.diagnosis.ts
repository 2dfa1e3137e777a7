import type { InfisicalApi } from '../api/infisical-api.js';
import { InfisicalEnvironmentNotFoundError, InfisicalProjectAccessError, InfisicalSecretPathNotFoundError } from '../errors/access.errors.js';
import type { InfisicalError } from '../errors/infisical.error.js';
import { InfisicalRequestError } from '../errors/transport.errors.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { closestMatch } from './closest-match.js';

const joinPath = (parent: string, name: string) => (parent === '/' ? `/${name}` : `${parent}/${name}`);

/** Infisical may refuse project or folder look-ups to an identity that can read secrets: that proves nothing. */
const isRefusal = (error: unknown) => error instanceof InfisicalProjectAccessError || error instanceof InfisicalRequestError;

/**
 * Explains a 404 on a list: an unknown environment slug (with the project's slugs and the closest one) or a missing
 * folder (with the folders that do exist at the deepest existing level and the closest one). Used by the app at
 * bootstrap and by `verify-infisical`, so both say the same.
 */
export async function explainNotFound(api: Pick<InfisicalApi, 'getProject' | 'listFolders'>, token: string, target: InfisicalTarget, signal: AbortSignal): Promise<InfisicalError> {
  let environments: string[] | undefined;
  try {
    environments = (await api.getProject(token, target, signal)).environments;
  } catch (error) {
    if (!isRefusal(error)) throw error;
  }
  if (environments && !environments.includes(target.environment)) {
    return new InfisicalEnvironmentNotFoundError(target, environments, closestMatch(target.environment, environments));
  }
  if (!environments && target.secretPath === '/') return new InfisicalEnvironmentNotFoundError(target, undefined, undefined);
  const folder = await checkFolder(api, token, target, signal);
  return folder instanceof InfisicalSecretPathNotFoundError ? folder : new InfisicalSecretPathNotFoundError(target);
}

/** Whether a folder exists: `exists`, the error naming the first missing segment, or `unknown` (listing refused). */
export type FolderCheck = 'exists' | 'unknown' | InfisicalSecretPathNotFoundError;

/** Walks `target.secretPath` from the root; the first segment that does not exist is the one reported. */
export async function checkFolder(api: Pick<InfisicalApi, 'listFolders'>, token: string, target: InfisicalTarget, signal: AbortSignal): Promise<FolderCheck> {
  let parent = '/';
  for (const segment of target.secretPath.split('/').filter(Boolean)) {
    let children: string[];
    try {
      children = await api.listFolders(token, target, parent, signal);
    } catch (error) {
      if (isRefusal(error)) return 'unknown';
      throw error;
    }
    if (!children.includes(segment)) {
      const suggestion = closestMatch(segment, children);
      return new InfisicalSecretPathNotFoundError(target, suggestion === undefined ? undefined : joinPath(parent, suggestion), { parent, folders: children });
    }
    parent = joinPath(parent, segment);
  }
  return 'exists';
}
