import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { GeminiCredentials, InfisicalHealthIndicator, InfisicalModule, infisicalConfigLoader, infisicalOptionsFromEnv } from 'nestjs-infisical';

@Injectable()
export class GeminiClient {
  constructor(private readonly gemini: GeminiCredentials) {}

  /** Headers of a Gemini API call. The key is read on every call, so a rotated key is used without a restart. */
  headers(): Record<string, string> {
    return { 'x-goog-api-key': this.gemini.apiKey };
  }
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly infisical: InfisicalHealthIndicator,
  ) {}

  /** Readiness: the secret snapshot is usable. Details name keys, sources and versions, never values. */
  @Get('infisical')
  @HealthCheck()
  readiness() {
    return this.health.check([() => this.infisical.isHealthy('infisical')]);
  }
}

const infisical = InfisicalModule.forRootAsync({
  isGlobal: true,
  credentials: [GeminiCredentials],
  imports: [ConfigModule],
  inject: [ConfigService],
  // INFISICAL_SITE_URL, INFISICAL_CLIENT_ID, INFISICAL_CLIENT_SECRET, INFISICAL_PROJECT_ID, INFISICAL_ENVIRONMENT, …
  useFactory: (config: ConfigService) => infisicalOptionsFromEnv(config),
});

@Module({
  imports: [
    // The README's recipe: ConfigService waits for the Infisical values, so inject: [ConfigService] alone works elsewhere.
    ConfigModule.forRoot({ isGlobal: true, load: [infisicalConfigLoader(infisical)] }),
    infisical,
    TerminusModule,
  ],
  providers: [GeminiClient],
  controllers: [HealthController],
})
export class AppModule {}
