/** Public API of the local Infisical-compatible server. */
export { LocalInfisicalServer, loadSeed } from './local-infisical.server.js';
export { AdminInputError } from './store.js';
export type {
  Fault,
  FaultKind,
  LocalInfisicalServerOptions,
  RateLimitConfig,
  RequestLogEntry,
  SeedClientSecret,
  SeedDynamicSecret,
  SeedFile,
  SeedIdentity,
  SeedProject,
  SeedSecret,
  SqlDatabaseProviderInputs,
} from './seed.types.js';
export type { DynamicSecretsService, LeaseScope } from './dynamic-secrets.service.js';
export type { LeaseSummary } from './dynamic-secret.records.js';
export { POSTGRES_DEFAULT_STATEMENTS } from './sql-lease-provider.js';
export type { TokenResponse } from './auth-service.js';
export { MAX_IDENTITY_ACCESS_TOKEN_TTL } from './auth-service.js';
export { HIDDEN_VALUE_MASK } from './secret-shapes.js';
export { DEMO_SEED_PATH, DEFAULT_LOCAL_PORT, demoConnectionInfo, startDemoServer } from './demo-server.js';
export type { DemoConnectionInfo } from './demo-server.js';
