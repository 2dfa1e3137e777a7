import { ConfigService } from '@nestjs/config';
import { infisicalOptionsFromEnv, type InfisicalModuleOptions } from '../infisical/index.js';
import { AppEnvironment } from './app-environment.js';

/** The sample app's Infisical options: the conventional `INFISICAL_*` variables plus the app's schema. */
export function infisicalOptionsFromEnvironment(config: ConfigService): InfisicalModuleOptions {
  return { ...infisicalOptionsFromEnv(config), schema: AppEnvironment };
}
