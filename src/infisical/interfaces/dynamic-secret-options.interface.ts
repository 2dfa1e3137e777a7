/**
 * One dynamic secret to lease (option `dynamicSecrets`, env `INFISICAL_DYNAMIC_SECRETS=name[@/folder],…`). Each
 * instance takes its own lease at start-up, renews it, replaces it before its max TTL and revokes it at shutdown.
 * Instead of an object, an entry may be the string `"name"` or `"name@/folder"`.
 */
export interface InfisicalDynamicSecretOptions {
  /** Name of the dynamic secret in Infisical (Infisical compares it lower-cased). */
  name: string;
  /** Environment slug of the dynamic secret. @default the top-level `environment` */
  environment?: string;
  /** Folder of the dynamic secret. @default the top-level `secretPath` ('/') */
  path?: string;
  /**
   * Lease TTL asked for on create and on each renewal, ms-style (`"10m"`, `"1h"`); Infisical requires at least
   * `"1m"` and at most the dynamic secret's max TTL. @default none: the dynamic secret's default TTL
   */
  ttl?: string;
  /**
   * How long the old lease stays usable after a hand-over to a new one (connections drain meanwhile), in ms; never
   * past the old lease's expiry. @default 30000
   */
  drainMs?: number;
}

/** A dynamic secret to lease, with every default applied. */
export interface ResolvedDynamicSecret {
  name: string;
  environment: string;
  path: string;
  /** Undefined: none sent (the dynamic secret's default TTL applies). */
  ttl: string | undefined;
  drainMs: number;
}
