import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { infisicalOptionsFromEnvironment } from './config/infisical-options.factory.js';
import { HealthController } from './health/health.controller.js';
import { GeminiCredentials, GmailCredentials, InfisicalModule, NotionCredentials } from './infisical/index.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    InfisicalModule.forRootAsync({
      isGlobal: true,
      credentials: [GmailCredentials, GeminiCredentials, NotionCredentials],
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: infisicalOptionsFromEnvironment,
    }),
    TerminusModule,
  ],
  controllers: [HealthController],
})
export class AppModule {}
