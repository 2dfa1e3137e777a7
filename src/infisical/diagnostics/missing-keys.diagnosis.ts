import type { InfisicalApi } from '../api/infisical-api.js';
import { describeTarget } from '../errors/describe-target.js';
import { InfisicalPermissionError } from '../errors/access.errors.js';
import { InfisicalConfigValidationError } from '../errors/configuration.errors.js';
import type { InfisicalError } from '../errors/infisical.error.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';

/** What one source's list call returned, as far as a diagnosis needs it (counts and names, no values). */
export interface SourceListing {
  target: InfisicalTarget;
  /** Secrets of the folder itself (and sub-folders), not imported ones. */
  ownCount: number;
  hiddenKeys: readonly string[];
}

/** Environments (other than the target's) in which the identity can read something at the root, by name only. */
export type ReadableProbe = (target: InfisicalTarget) => Promise<string[]>;

/**
 * Why required keys are missing, when Infisical's answer suggests a permission problem rather than an absent key:
 * - the keys were listed with hidden values → the identity may not read values (`values-hidden`);
 * - a source returned nothing of its own while the identity reads other environments → that environment is not
 *   readable (Infisical filters unreadable secrets out of a list instead of refusing);
 * - a source returned nothing and nothing else is readable either → a note on the validation error.
 * Otherwise the validation error is returned as it is: the keys simply do not exist.
 */
export async function diagnoseMissingKeys(error: InfisicalConfigValidationError, listings: readonly SourceListing[], probe?: ReadableProbe): Promise<InfisicalError> {
  const missing = error.issues.filter((i) => i.kind === 'missing').map((i) => i.key);
  if (missing.length === 0) return error;
  for (const listing of listings) {
    const hidden = listing.hiddenKeys.filter((k) => missing.includes(k));
    if (hidden.length) return new InfisicalPermissionError(listing.target, hidden, [], 'values-hidden');
  }
  const empty = listings.filter((l) => l.ownCount === 0);
  for (const listing of probe ? empty : []) {
    const readable = await probe!(listing.target);
    if (readable.length) return new InfisicalPermissionError(listing.target, missing, readable);
  }
  if (!empty.length) return error;
  const note =
    `Infisical returned no secrets for ${empty.map((l) => describeTarget(l.target)).join(' nor for ')}: either the folder is ` +
    'empty, or this identity cannot read it (Infisical hides unreadable secrets instead of refusing).';
  return new InfisicalConfigValidationError(error.where, error.issues, note);
}

/**
 * Which environments of the target's project (other than its own, at most 5) the identity can read something in,
 * listing names only (values stay on the server).
 */
export async function findReadableEnvironments(api: Pick<InfisicalApi, 'getProject' | 'listSecrets'>, token: string, target: InfisicalTarget, signal: AbortSignal): Promise<string[]> {
  let environments: string[];
  try {
    environments = (await api.getProject(token, target, signal)).environments.filter((e) => e !== target.environment);
  } catch {
    return [];
  }
  const readable: string[] = [];
  for (const environment of environments.slice(0, 5)) {
    try {
      const query = { projectId: target.projectId, environment, secretPath: '/', recursive: false, includeImports: false, expandSecretReferences: false, viewSecretValue: false };
      const listed = await api.listSecrets(token, query, { ...target, environment, secretPath: '/' }, signal);
      if (listed.secrets.length + listed.hiddenKeys.length > 0) readable.push(environment);
    } catch {
      // not readable, or not reachable: either way no evidence of readability
    }
  }
  return readable;
}
