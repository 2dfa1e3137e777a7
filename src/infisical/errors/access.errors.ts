import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import { describeTarget } from './describe-target.js';
import { InfisicalError } from './infisical.error.js';

/** Why the project cannot be used: unknown project ID, the identity is not a member, or its role reads no secrets. */
export type InfisicalProjectAccessFailure = 'project-not-found' | 'not-a-member' | 'no-secret-access';

const quoted = (items: readonly string[]) => items.map((i) => `"${i}"`).join(', ');

/** The identity cannot use the project at all (unknown project ID, not a member, or no secret-read rule). */
export class InfisicalProjectAccessError extends InfisicalError {
  readonly code = 'INFISICAL_PROJECT_ACCESS';
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
    /** Which of the three it is. */
    readonly reason: InfisicalProjectAccessFailure,
  ) {
    const { projectId, environment, siteUrl } = target;
    const text = {
      'project-not-found': {
        problem: `Project ${projectId} does not exist on ${siteUrl}.`,
        fix:
          'copy the Project ID from Infisical → Project Settings into projectId (INFISICAL_PROJECT_ID) — a UUID, not the ' +
          "project's name or slug — and check that INFISICAL_SITE_URL is the instance (and region) that holds the project.",
      },
      'not-a-member': {
        problem: `The machine identity is not a member of project ${projectId} (or the project belongs to another organization).`,
        fix: 'add the identity to the project (Project → Access Control → Machine Identities → Add), or correct INFISICAL_PROJECT_ID.',
      },
      'no-secret-access': {
        problem: `The machine identity is a member of project ${projectId}, but its project role may not read secrets for ${describeTarget(target)}.`,
        fix: `give the identity a role with "Read" on secrets in "${environment}" (e.g. Viewer, or a custom role) under Project → Access Control → Machine Identities.`,
      },
    }[reason];
    super(text.problem, text.fix, { siteUrl, projectId, environment, secretPath: target.secretPath, reason });
  }
}

/** The environment slug does not exist in the project. */
export class InfisicalEnvironmentNotFoundError extends InfisicalError {
  readonly code = 'INFISICAL_ENVIRONMENT_NOT_FOUND';
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
    /** The environment slugs the project has, when the identity may list them. */
    readonly availableEnvironments: readonly string[] | undefined,
    /** The closest existing slug, when one is close (a likely typo). */
    readonly suggestion: string | undefined,
  ) {
    const known = availableEnvironments?.length ? ` The project's environments are: ${quoted(availableEnvironments)}.` : '';
    const didYouMean = suggestion ? ` Did you mean "${suggestion}"?` : '';
    super(
      `Infisical environment "${target.environment}" was not found in project ${target.projectId}.${didYouMean}${known}`,
      "set environment (INFISICAL_ENVIRONMENT) to the environment's slug, not its display name.",
      { projectId: target.projectId, environment: target.environment, availableEnvironments, suggestion },
    );
  }
}

/** The secret path (folder) does not exist in the environment. */
export class InfisicalSecretPathNotFoundError extends InfisicalError {
  readonly code = 'INFISICAL_SECRET_PATH_NOT_FOUND';
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
    /** The closest existing folder, when one is close. */
    readonly suggestion?: string,
    /** Folders that exist in the deepest existing parent, when known. */
    /** The folders that do exist next to the missing one: the nearest existing parent folder and its sub-folders. */
    readonly siblings?: {
      /** The nearest folder above the missing one that exists. */
      parent: string;
      /** The sub-folders of `parent`. */
      folders: readonly string[];
    },
  ) {
    const didYouMean = suggestion ? ` Did you mean "${suggestion}"?` : '';
    const known = siblings
      ? siblings.folders.length
        ? ` Folders in "${siblings.parent}": ${quoted(siblings.folders)}.`
        : ` "${siblings.parent}" has no sub-folders.`
      : '';
    super(
      `Infisical folder "${target.secretPath}" was not found in environment "${target.environment}" of project ${target.projectId}.${didYouMean}${known}`,
      'set secretPath (INFISICAL_SECRET_PATH) — or that entry of sources (INFISICAL_SECRET_PATHS) — to an existing folder; paths start with "/" and are case-sensitive. Or create the folder.',
      { projectId: target.projectId, environment: target.environment, secretPath: target.secretPath, suggestion },
    );
  }
}

/** How the identity is kept from the secrets: the environment is not readable, or values come back hidden. */
export type InfisicalPermissionFailure = 'environment-not-readable' | 'values-hidden';

/**
 * The identity reads the project but not these secrets: Infisical filters unreadable secrets out of a list instead
 * of refusing (`environment-not-readable`), or shows the keys with their values hidden (`values-hidden`).
 */
export class InfisicalPermissionError extends InfisicalError {
  readonly code = 'INFISICAL_ENVIRONMENT_NOT_READABLE';
  constructor(
    /** Where the failing request went: site, project, environment and folder (no credentials). */
    readonly target: InfisicalTarget,
    /** Required keys that are missing because of it. */
    readonly missingKeys: readonly string[],
    /** Environments of the project this identity can read, when known. */
    readonly readableEnvironments: readonly string[],
    /** Which of the two it is. */
    readonly reason: InfisicalPermissionFailure = 'environment-not-readable',
  ) {
    const text =
      reason === 'values-hidden'
        ? {
            problem:
              `Infisical returned ${missingKeys.join(', ')} for ${describeTarget(target)} but hid the values: the machine ` +
              `identity may see these keys but not read their values.`,
            fix: `give the identity's project role "Read Value" on secrets in "${target.environment}".`,
          }
        : {
            problem:
              `The machine identity cannot read secrets in ${describeTarget(target)}: Infisical returned none of ` +
              `${missingKeys.join(', ')} there, while the same identity can read ${quoted(readableEnvironments)}. ` +
              `Infisical hides secrets the identity may not read instead of refusing.`,
            fix:
              `give the identity's project role "Read" on secrets in "${target.environment}" (Project → Access Control), ` +
              'or point INFISICAL_ENVIRONMENT at an environment it may read.',
          };
    super(text.problem, text.fix, { ...target, missingKeys, readableEnvironments, reason });
  }
}
