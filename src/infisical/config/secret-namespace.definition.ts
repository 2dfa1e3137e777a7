import type { SecretNamespace } from '../interfaces/secret-namespace.interface.js';

/** The namespace types live with the other public types (interfaces/); re-exported for the config code. */
export type { SecretNamespace, SecretValues } from '../interfaces/secret-namespace.interface.js';

/** One changed property of a namespace object (published as `ConfigService.set('<namespace>.<property>')`). */
export interface NamespaceChange {
  property: string;
  value: unknown;
}

const MARK = Symbol.for('nestjs-infisical.secret-namespace');

/** Marks `factory` as made by `registerSecretsAs`. @internal */
export function markSecretNamespace(factory: object): void {
  Object.defineProperty(factory, MARK, { value: true });
}

/** Whether `value` was made by `registerSecretsAs`. */
export function isSecretNamespace(value: unknown): value is SecretNamespace {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[MARK] === true;
}
