/** How to log in, after validation: one login method with its settings (what the `auth` option reader returns). */
export type ResolvedAuth =
  | { method: 'universal-auth'; clientId: string; clientSecret: string }
  | { method: 'token'; accessToken: string }
  | { method: 'gcp-id-token'; identityId: string }
  | { method: 'kubernetes'; identityId: string; tokenPath: string }
  | { method: 'oidc' | 'jwt'; identityId: string; jwt: string | undefined; jwtFile: string | undefined }
  | { method: 'aws-iam'; identityId: string };
