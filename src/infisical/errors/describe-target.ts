import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';

/** `environment "dev" (project 6f0c…, path "/")` — names the place without any credential. */
export function describeTarget(target: Pick<InfisicalTarget, 'projectId' | 'environment' | 'secretPath'>): string {
  return `environment "${target.environment}" (project ${target.projectId}, path "${target.secretPath}")`;
}

/** `environment "dev" (project …, path "/")`, or `sources #1 environment …, #2 …` in order when there are several. */
export function describeSources(targets: ReadonlyArray<Pick<InfisicalTarget, 'projectId' | 'environment' | 'secretPath'>>): string {
  if (targets.length === 1) return describeTarget(targets[0]!);
  return `sources ${targets.map((t, i) => `#${i + 1} ${describeTarget(t)}`).join(', ')}`;
}

/** `Infisical environment "dev" (project …, path "/")`, or every source in order when there are several. */
export function describeTargets(targets: ReadonlyArray<Pick<InfisicalTarget, 'projectId' | 'environment' | 'secretPath'>>): string {
  return `Infisical ${describeSources(targets)}`;
}
