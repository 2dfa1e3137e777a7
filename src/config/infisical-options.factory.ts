import { ConfigService } from '@nestjs/config';
import { infisicalOptionsFromEnv, type InfisicalModuleOptions } from '../infisical/index.js';
import { AppEnvironment } from './app-environment.js';

/**
 * The sample app's Infisical options: the conventional `INFISICAL_*` variables plus the app's schema. With
 * `INFISICAL_DYNAMIC_SECRETS=postgres-app[@/folder],…` the app also takes a lease of each dynamic secret at start-up
 * (an unknown name fails start-up naming it), lists each lease in /health/infisical and revokes it on SIGTERM.
 */
export function infisicalOptionsFromEnvironment(config: ConfigService): InfisicalModuleOptions {
  return { ...infisicalOptionsFromEnv(config), schema: AppEnvironment };
}
