import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { InfisicalModule, infisicalOptionsFromEnv } from '../../../src/infisical/index.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    InfisicalModule.forRootAsync({
      isGlobal: true,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        ...infisicalOptionsFromEnv(config), // site, identity, project and environment from INFISICAL_*
        // In precedence order: a later source wins a key clash. Each entry inherits what it leaves out.
        sources: [
          { secretPath: '/shared' }, // the organisation's common keys
          { secretPath: '/app' }, // this service's own folder
          { projectId: config.getOrThrow<string>('PLATFORM_PROJECT_ID'), secretPath: '/shared' }, // another project
        ],
      }),
    }),
  ],
})
export class AppModule {}
