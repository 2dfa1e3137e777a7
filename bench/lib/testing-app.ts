import type { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { INFISICAL_CLOCK, InfisicalModule, SecretStore, type InfisicalClock, type InfisicalModuleOptions } from '../../src/infisical/index.js';
import { ALL_CREDENTIALS } from '../../test/support/infisical-app.js';
import type { LogCapture } from '../../test/support/log-capture.js';

/** An application context with `InfisicalModule.forRoot(options)` whose `INFISICAL_CLOCK` is replaced by `clock`. */
export async function startWithClock(
  options: InfisicalModuleOptions,
  clock: InfisicalClock,
  logs: LogCapture,
): Promise<{ app: INestApplicationContext; store: SecretStore }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
      InfisicalModule.forRoot({ ...options, isGlobal: true, credentials: ALL_CREDENTIALS }),
    ],
  })
    .overrideProvider(INFISICAL_CLOCK)
    .useValue(clock)
    .setLogger(logs)
    .compile();
  await moduleRef.init();
  return { app: moduleRef, store: moduleRef.get(SecretStore) };
}
