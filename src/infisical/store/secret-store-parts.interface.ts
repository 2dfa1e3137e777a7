import type { AccessTokenSession } from '../auth/access-token.session.js';
import type { ConfigPublisher } from '../config/config.publisher.js';
import type { ConfigValidator } from '../config/config-validator.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalFleetStatus } from '../interfaces/infisical-status.interface.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import type { SecretRedactor } from '../redaction/secret-redactor.js';
import type { LastKnownGoodCache } from './last-known-good.cache.js';
import type { RefreshScheduler } from './refresh.scheduler.js';
import type { StoreLogger } from './store.logger.js';
import type { StoreStateOwner } from './store-state.js';
import type { WorkSteps } from './work-steps.js';

/** The parts a store is made of (assembled by `createSecretStore`). */
export interface SecretStoreParts {
  options: ResolvedInfisicalOptions;
  /** The store's state; the store installs snapshots and closes it, readers get `state.view`. */
  state: StoreStateOwner;
  /** Undefined when Infisical is disabled. */
  scheduler: RefreshScheduler | undefined;
  session: AccessTokenSession | undefined;
  publisher: ConfigPublisher;
  validator: ConfigValidator;
  cache: LastKnownGoodCache | undefined;
  clock: InfisicalClock;
  redactor: SecretRedactor;
  logger: StoreLogger;
  /** The operator's process environment / `.env`, without the `process.env` mirror's writes (default: none). */
  operatorEnv?: () => NodeJS.ProcessEnv;
  /** How a large refresh is split (default: 2,000 keys per step, `setImmediate` between steps). */
  steps?: WorkSteps;
  /** `Infisical environment "dev" (project …, path "/")` or `the process environment`. */
  where: string;
  /** The fleet's status for health, with the `fleet` option only (default: none). */
  fleetStatus?: () => InfisicalFleetStatus;
}
