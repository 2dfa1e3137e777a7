import { ConfigurableModuleBuilder } from '@nestjs/common';
import { INFISICAL_MODULE_OPTIONS } from './infisical.constants.js';
import { assembleInfisicalModule } from './infisical-core.module.js';
import type { InfisicalModuleExtras } from './interfaces/infisical-module-extras.interface.js';
import type { InfisicalModuleOptions } from './interfaces/infisical-module-options.interface.js';

export const {
  ConfigurableModuleClass: ConfigurableInfisicalModule,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE: INFISICAL_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: INFISICAL_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<InfisicalModuleOptions>({
  moduleName: 'Infisical',
  optionsInjectionToken: INFISICAL_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createInfisicalOptions')
  .setExtras<InfisicalModuleExtras>({ isGlobal: false, credentials: [], namespaces: [] }, assembleInfisicalModule)
  .build();
