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
  SeedFile,
  SeedIdentity,
  SeedProject,
  SeedSecret,
} from './seed.types.js';
export type { TokenResponse } from './auth-service.js';
export { MAX_IDENTITY_ACCESS_TOKEN_TTL } from './auth-service.js';
export { HIDDEN_VALUE_MASK } from './secret-shapes.js';
export { DEMO_SEED_PATH, DEFAULT_LOCAL_PORT, demoConnectionInfo, startDemoServer } from './demo-server.js';
export type { DemoConnectionInfo } from './demo-server.js';
