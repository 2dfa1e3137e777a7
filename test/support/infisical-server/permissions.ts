/**
 * Project permission model of the emulator: an identity is either not a member of a project,
 * a member without any secret-read rule, or a member who may read (describe + read value) the
 * secrets of some environments (all folders). Errors mirror Infisical's permission service.
 */
import { forbidden, permissionDenied } from './errors.js';
import type { IdentityRecord } from './store.js';

export interface ProjectPermission {
  /** Environments readable; '*' = all. */
  read: string[] | '*';
}

/** getProjectPermission: 403 when the identity is not a member of the project. */
export function getProjectPermission(identity: IdentityRecord, projectId: string): ProjectPermission {
  const read = identity.memberships.get(projectId);
  if (read === undefined) {
    throw forbidden(undefined, 'You are not member of this project');
  }
  return { read };
}

export function canReadEnvironment(permission: ProjectPermission, environment: string): boolean {
  return permission.read === '*' || permission.read.includes(environment);
}

/** CASL rules the emulator reports in `details` of PermissionDenied errors. */
function describeRules(permission: ProjectPermission): unknown[] {
  if (permission.read === '*') {
    return [
      { action: ['describeSecret', 'readValue'], inverted: false, subject: 'secrets' },
    ];
  }
  return permission.read.map((environment) => ({
    action: ['describeSecret', 'readValue'],
    inverted: false,
    subject: 'secrets',
    conditions: { environment },
  }));
}

/** throwIfMissingSecretReadValueOrDescribePermission without a subject: any read rule at all. */
export function assertAnySecretRead(permission: ProjectPermission): void {
  if (permission.read !== '*' && permission.read.length === 0) {
    throw permissionDenied('describeSecret', 'secrets', describeRules(permission));
  }
}

/** Same check, for a concrete environment. */
export function assertCanDescribe(permission: ProjectPermission, environment: string): void {
  if (!canReadEnvironment(permission, environment)) {
    throw permissionDenied('describeSecret', 'secrets', describeRules(permission));
  }
}
