import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';

/** `environment "dev" (project 6f0c…, path "/")` — names the place without any credential. */
export function describeTarget(target: Pick<InfisicalTarget, 'projectId' | 'environment' | 'secretPath'>): string {
  return `environment "${target.environment}" (project ${target.projectId}, path "${target.secretPath}")`;
}

/** `Infisical environment "dev" (project …, path "/")`, or every source in order when there are several. */
export function describeTargets(targets: ReadonlyArray<Pick<InfisicalTarget, 'projectId' | 'environment' | 'secretPath'>>): string {
  if (targets.length === 1) return `Infisical ${describeTarget(targets[0]!)}`;
  return `Infisical sources ${targets.map((t, i) => `#${i + 1} ${describeTarget(t)}`).join(', ')}`;
}
