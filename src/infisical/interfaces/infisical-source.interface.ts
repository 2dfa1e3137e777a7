/** Where secrets are read from: enough to name the place in an error message (no credentials). */
export interface InfisicalTarget {
  /** The Infisical site, e.g. `https://app.infisical.com`. */
  siteUrl: string;
  /** Project ID. */
  projectId: string;
  /** Environment slug. */
  environment: string;
  /** Folder. */
  secretPath: string;
}

/**
 * One place to read secrets from. Every field left out is taken from the top-level option of the same name, so
 * `{ secretPath: '/payments' }` reads another folder of the same project and environment.
 */
export interface InfisicalSourceOptions {
  /** Project ID. @default the top-level `projectId` */
  projectId?: string;
  /** Environment slug. @default the top-level `environment` */
  environment?: string;
  /** Folder. @default the top-level `secretPath` ('/') */
  secretPath?: string;
  /** Also read sub-folders. @default the top-level `recursive` (false) */
  recursive?: boolean;
  /** Also read imported secrets. @default the top-level `includeImports` (true) */
  includeImports?: boolean;
}
