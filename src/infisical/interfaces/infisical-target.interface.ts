/** Where secrets are read from: enough to name the place in an error message (no credentials). */
export interface InfisicalTarget {
  siteUrl: string;
  projectId: string;
  environment: string;
  secretPath: string;
}
