import { Inject } from '@nestjs/common';
import { INFISICAL_DYNAMIC_SECRET_TOKEN_PREFIX, INFISICAL_SECRET_GROUP_TOKEN_PREFIX, INFISICAL_SECRET_TOKEN_PREFIX } from './infisical.constants.js';

/** Injection token of a secret registered with `InfisicalModule.forFeature({ secrets: [key] })`. */
export function getSecretToken(key: string): string {
  return `${INFISICAL_SECRET_TOKEN_PREFIX}${key}`;
}

/** Injection token of a group registered with `InfisicalModule.forFeature({ groups: { [name]: keys } })`. */
export function getSecretGroupToken(name: string): string {
  return `${INFISICAL_SECRET_GROUP_TOKEN_PREFIX}${name}`;
}

/** Injection token of a dynamic secret's handle registered with `InfisicalModule.forFeature({ dynamicSecrets: [name] })`. */
export function getDynamicSecretToken(name: string): string {
  return `${INFISICAL_DYNAMIC_SECRET_TOKEN_PREFIX}${name}`;
}

/** Injects a {@link SecretRef} for `key`: `constructor(@InjectSecret('STRIPE_KEY') stripeKey: SecretRef)`. */
export const InjectSecret = (key: string): ParameterDecorator & PropertyDecorator => Inject(getSecretToken(key));

/** Injects a {@link SecretGroup}: `constructor(@InjectSecretGroup('payments') payments: SecretGroup)`. */
export const InjectSecretGroup = (name: string): ParameterDecorator & PropertyDecorator => Inject(getSecretGroupToken(name));

/**
 * Injects the `DynamicSecretHandle` of a dynamic secret listed in the `dynamicSecrets` option and provided with
 * `InfisicalModule.forFeature({ dynamicSecrets: [name] })`: `constructor(@InjectDynamicSecret('postgres-app') db: DynamicSecretHandle)`.
 * `InjectDynamicSecret.token(name)` is its injection token, for `inject: [...]` of an async factory (e.g. TypeORM's).
 */
export const InjectDynamicSecret = Object.assign((name: string): ParameterDecorator & PropertyDecorator => Inject(getDynamicSecretToken(name)), {
  /** The injection token of a dynamic secret's handle, for `inject: [...]` of an async factory. */
  token: getDynamicSecretToken,
});
