import type { InfisicalApi } from '../api/infisical-api.js';
import type { LoginAnswer } from '../api/login-response.parser.js';
import type { KeylessLogin } from '../errors/keyless-login.errors.js';
import { DEFAULT_AWS_REGION } from '../infisical.defaults.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import type { AwsCredentialsSource } from './aws-credentials.source.js';
import { signAwsRequest } from './aws-sigv4.js';
import type { LoginMethod } from './login-method.interface.js';

const STS_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * AWS IAM Auth: `POST /api/v1/auth/aws-auth/login` with a SigV4-signed `sts:GetCallerIdentity` request (method,
 * base64 body, base64 JSON headers). Infisical replays it to `https://sts.<region>.amazonaws.com` (the region is read
 * from the signature's scope) and trusts the ARN STS answers with. The AWS secret key never leaves this process.
 */
export class AwsIamLogin implements LoginMethod {
  readonly canLogIn = true;
  readonly secrets: readonly string[] = [];

  constructor(
    readonly keyless: KeylessLogin,
    private readonly path: string,
    private readonly source: AwsCredentialsSource,
    private readonly clock: InfisicalClock,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get label(): string {
    return this.keyless.label;
  }

  async login(api: InfisicalApi, target: InfisicalTarget, signal: AbortSignal, mask: (secrets: string[]) => void): Promise<LoginAnswer> {
    const credentials = await this.source.credentials(signal);
    mask([credentials.secretAccessKey, ...(credentials.sessionToken ? [credentials.sessionToken] : [])]);
    const region = this.env.AWS_REGION?.trim() || this.env.AWS_DEFAULT_REGION?.trim() || DEFAULT_AWS_REGION;
    const headers = signAwsRequest({
      method: 'POST',
      host: `sts.${region}.amazonaws.com`,
      path: '/',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: STS_BODY,
      region,
      service: 'sts',
      credentials,
      date: new Date(this.clock.now()),
    });
    const body = { identityId: this.keyless.identityId, iamHttpRequestMethod: 'POST', iamRequestBody: b64(STS_BODY), iamRequestHeaders: b64(JSON.stringify(headers)) };
    return api.login(this.path, body, target, signal);
  }
}
