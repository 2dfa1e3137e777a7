import { readFile } from 'node:fs/promises';
import { performRequest, type HttpSettings } from '../api/http-request.js';
import { InfisicalPlatformCredentialError, type KeylessLogin } from '../errors/keyless-login.errors.js';
import { AWS_CONTAINER_CREDENTIALS_HOST } from '../infisical.defaults.js';
import type { AwsCredentials } from './aws-sigv4.js';
import { platformFailure } from './platform-token.source.js';

/**
 * The standard AWS credential sources a workload has without configuration, in the SDK's order for them:
 * `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (/ `AWS_SESSION_TOKEN`), then the container credentials endpoint
 * (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on ECS, `AWS_CONTAINER_CREDENTIALS_FULL_URI` with
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)` on EKS Pod Identity and Lambda). Read at every login.
 */
export class AwsCredentialsSource {
  constructor(
    private readonly login: KeylessLogin,
    private readonly http: HttpSettings,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async credentials(signal: AbortSignal): Promise<AwsCredentials> {
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = this.env;
    if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    const relative = this.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
    const url = relative ? `${AWS_CONTAINER_CREDENTIALS_HOST}${relative}` : this.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
    if (!url) {
      const half = accessKeyId || secretAccessKey ? 'only one of AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY is set' : 'AWS_ACCESS_KEY_ID, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are all unset';
      throw new InfisicalPlatformCredentialError(this.login, 'aws-credentials-missing', { where: 'environment', detail: half });
    }
    const where = new URL(url).origin;
    const fail = (detail: string, transient = false) => new InfisicalPlatformCredentialError(this.login, 'aws-credentials-endpoint', { where, detail }, transient);
    const headers: Record<string, string> = {};
    const authFile = this.env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
    const auth = authFile ? await readFile(authFile, 'utf8').catch(() => undefined) : this.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
    if (authFile && auth === undefined) throw fail(`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${authFile} cannot be read`);
    if (auth) headers.authorization = auth.trim();
    let response;
    try {
      response = await performRequest({ method: 'GET', url, headers, signal }, this.http);
    } catch (error) {
      const failure = platformFailure(error);
      if (failure.cancelled) throw failure.cancelled;
      throw fail(failure.detail, failure.transient);
    }
    if (response.status !== 200) throw fail(`HTTP ${response.status}`, response.status >= 500);
    const body = response.body as { AccessKeyId?: unknown; SecretAccessKey?: unknown; Token?: unknown } | undefined;
    if (typeof body?.AccessKeyId !== 'string' || typeof body.SecretAccessKey !== 'string') throw fail('the answer has no AccessKeyId / SecretAccessKey');
    return { accessKeyId: body.AccessKeyId, secretAccessKey: body.SecretAccessKey, ...(typeof body.Token === 'string' ? { sessionToken: body.Token } : {}) };
  }
}
