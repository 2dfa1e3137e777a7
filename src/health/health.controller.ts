import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { InfisicalHealthIndicator } from '../infisical/index.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly infisical: InfisicalHealthIndicator,
  ) {}

  /** Liveness: the process answers. Never fails because Infisical is down. */
  @Get()
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }

  /** Readiness / startup probe: the secret snapshot is usable (names, sources and versions, never values). */
  @Get('infisical')
  @HealthCheck()
  readiness() {
    return this.health.check([() => this.infisical.isHealthy('infisical')]);
  }
}
