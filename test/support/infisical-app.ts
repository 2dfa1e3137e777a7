import type { DynamicModule, INestApplication, Provider, Type } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { HealthController } from '../../src/health/health.controller.js';
import {
  GeminiCredentials,
  GmailCredentials,
  INFISICAL_CLOCK,
  InfisicalModule,
  NotionCredentials,
  SecretStore,
  type InfisicalClock,
  type InfisicalModuleOptions,
} from '../../src/infisical/index.js';
import type { CredentialClass } from '../../src/infisical/interfaces/credential.interface.js';
import { APP_PROJECT_ID } from './fixtures/app-seed.js';
import { freePort } from './free-port.js';
import { LogCapture } from './log-capture.js';

export interface TestAppOptions {
  /** Module options (site URL, project, environment, credentials of the identity, …). */
  options: InfisicalModuleOptions;
  credentials?: CredentialClass[];
  /** Replaces the module's clock (TTLs, back-off, deadlines). */
  clock?: InfisicalClock;
  /** Also serve HTTP (the sample app's HealthController) on a random loopback port. */
  http?: boolean;
  /** Extra modules (e.g. `InfisicalModule.forFeature(...)`). */
  imports?: Array<DynamicModule | Type<unknown>>;
  providers?: Provider[];
  logs?: LogCapture;
  /** A `.env` file for `ConfigModule` to load (default: none). */
  envFile?: string;
  /** The HTTP adapter (default Express), e.g. `new FastifyAdapter()`. */
  httpAdapter?: AbstractHttpAdapter;
  /** Nest's `rawBody` application option. */
  rawBody?: boolean;
}

export interface TestApp {
  app: INestApplication;
  store: SecretStore;
  config: ConfigService;
  logs: LogCapture;
  /** Base URL when `http` was requested. */
  url: string;
  close(): Promise<void>;
}

/** Boots a real Nest application with `InfisicalModule.forRoot(options)` (bootstrap runs inside). */
export async function startInfisicalApp(o: TestAppOptions): Promise<TestApp> {
  const logs = o.logs ?? new LogCapture();
  let builder = Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ...(o.envFile ? { envFilePath: o.envFile } : { ignoreEnvFile: true }) }),
      InfisicalModule.forRoot({ ...o.options, isGlobal: true, credentials: o.credentials ?? [] }),
      TerminusModule,
      ...(o.imports ?? []),
    ],
    controllers: o.http ? [HealthController] : [],
    providers: o.providers ?? [],
  });
  if (o.clock) builder = builder.overrideProvider(INFISICAL_CLOCK).useValue(o.clock);
  const moduleRef = await builder.setLogger(logs).compile();
  const appOptions = { logger: logs, rawBody: o.rawBody };
  const app = o.httpAdapter ? moduleRef.createNestApplication(o.httpAdapter, appOptions) : moduleRef.createNestApplication(appOptions);
  let url = '';
  if (o.http) {
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  } else {
    await app.init();
  }
  return {
    app,
    store: app.get(SecretStore),
    config: app.get(ConfigService),
    logs,
    url,
    close: () => app.close(),
  };
}

/** Module options pointing at a local server as `identity`, reading `environment`. */
export function optionsFor(
  server: { url: string },
  identity: { clientId: string; clientSecret: string },
  environment: string,
  overrides: Partial<InfisicalModuleOptions> = {},
): InfisicalModuleOptions {
  return {
    siteUrl: server.url,
    projectId: APP_PROJECT_ID,
    environment,
    auth: { universalAuth: { clientId: identity.clientId, clientSecret: identity.clientSecret } },
    ...overrides,
  };
}

/** Every credential class of the module. */
export const ALL_CREDENTIALS: CredentialClass[] = [GmailCredentials, GeminiCredentials, NotionCredentials];

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected a rejection');
  return outcome;
}

/** A loopback URL nothing listens on (a port that was free a moment ago). */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
