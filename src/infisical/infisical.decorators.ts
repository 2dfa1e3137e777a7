import { Inject } from '@nestjs/common';
import { INFISICAL_SECRET_GROUP_TOKEN_PREFIX, INFISICAL_SECRET_TOKEN_PREFIX } from './infisical.constants.js';

/** Injection token of a secret registered with `InfisicalModule.forFeature({ secrets: [key] })`. */
export function getSecretToken(key: string): string {
  return `${INFISICAL_SECRET_TOKEN_PREFIX}${key}`;
}

/** Injection token of a group registered with `InfisicalModule.forFeature({ groups: { [name]: keys } })`. */
export function getSecretGroupToken(name: string): string {
  return `${INFISICAL_SECRET_GROUP_TOKEN_PREFIX}${name}`;
}

/** Injects a {@link SecretRef} for `key`: `constructor(@InjectSecret('STRIPE_KEY') stripeKey: SecretRef)`. */
export const InjectSecret = (key: string): ParameterDecorator & PropertyDecorator => Inject(getSecretToken(key));

/** Injects a {@link SecretGroup}: `constructor(@InjectSecretGroup('payments') payments: SecretGroup)`. */
export const InjectSecretGroup = (name: string): ParameterDecorator & PropertyDecorator => Inject(getSecretGroupToken(name));
