import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import type { ResolvedFleetOptions } from './fleet.option.js';
import type { ResolvedWebhookOptions } from './webhook.option.js';
import type { ConfigSchema } from '../interfaces/infisical-module-options.interface.js';
import type { ResolvedAuth } from './resolved-auth.interface.js';
import type { ResolvedDynamicSecret } from '../interfaces/dynamic-secret-options.interface.js';

/** One place to read, with every inherited value filled in. */
export interface ResolvedSource extends InfisicalTarget {
  recursive: boolean;
  includeImports: boolean;
}

/** How to log in, after validation (its own file, so that the `auth` and `fleet` readers need nothing else from here). */
export type { ResolvedAuth } from './resolved-auth.interface.js';

/** The options with every default applied, checked once at bootstrap. */
export interface ResolvedInfisicalOptions {
  enabled: boolean;
  siteUrl: string;
  /** In precedence order (a later source wins a key clash); at least one when enabled. */
  sources: ResolvedSource[];
  expandSecretReferences: boolean;
  /** Undefined when disabled. */
  auth: ResolvedAuth | undefined;
  cacheTtlSeconds: number;
  startupTimeoutMs: number;
  requestTimeoutMs: number;
  maxStaleSeconds: number;
  schema: ConfigSchema | undefined;
  requiredKeys: string[];
  /** Keys mirrored into `process.env` (opt-in; empty by default). */
  mirrorToProcessEnv: string[];
  persistentCache: { path: string; key: string } | undefined;
  revokeTokenOnShutdown: boolean;
  fetch: typeof fetch | undefined;
  healthMaxKeys: number;
  /** Seconds a replaced value stays readable as `previous` (0: none kept). */
  previousValueGraceSeconds: number;
  webhook: ResolvedWebhookOptions | undefined;
  fleet: ResolvedFleetOptions | undefined;
  /** Dynamic secrets to lease (empty when none, always empty when disabled). */
  dynamicSecrets: ResolvedDynamicSecret[];
}
