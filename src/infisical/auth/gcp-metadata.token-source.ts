import { performRequest, type HttpSettings } from '../api/http-request.js';
import { InfisicalPlatformCredentialError, type KeylessLogin } from '../errors/keyless-login.errors.js';
import { DEFAULT_GCE_METADATA_HOST } from '../infisical.defaults.js';
import { platformFailure, type PlatformTokenSource } from './platform-token.source.js';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * A Google-signed ID token from the GCP metadata server (Cloud Run, GCE, GKE Workload Identity):
 * `GET http://<host>/computeMetadata/v1/instance/service-accounts/default/identity?audience=<identityId>&format=full`
 * with `Metadata-Flavor: Google`. The audience is the identity ID (Infisical checks it); `format=full` makes the
 * token carry the service account's `email`. `GCE_METADATA_HOST` (host[:port]) replaces the host, as in Google's
 * client libraries.
 */
export class GcpMetadataTokenSource implements PlatformTokenSource {
  constructor(
    private readonly login: KeylessLogin,
    private readonly http: HttpSettings,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The metadata host this source asks (read at each login). */
  get host(): string {
    return this.env.GCE_METADATA_HOST?.trim() || DEFAULT_GCE_METADATA_HOST;
  }

  async token(signal: AbortSignal): Promise<string> {
    const host = this.host;
    const query = new URLSearchParams({ audience: this.login.identityId, format: 'full' });
    const url = `http://${host}/computeMetadata/v1/instance/service-accounts/default/identity?${query}`;
    const where = `http://${host} (GCE_METADATA_HOST${this.env.GCE_METADATA_HOST ? '' : ' not set, default'})`;
    let response;
    try {
      response = await performRequest({ method: 'GET', url, headers: { 'metadata-flavor': 'Google', accept: 'text/plain' }, signal, text: true }, this.http);
    } catch (error) {
      const failure = platformFailure(error);
      if (failure.cancelled) throw failure.cancelled;
      throw new InfisicalPlatformCredentialError(this.login, 'metadata-unreachable', { where, detail: failure.detail }, failure.transient);
    }
    const jwt = response.text?.trim() ?? '';
    if (response.status !== 200) {
      throw new InfisicalPlatformCredentialError(this.login, 'metadata-refused', { where, detail: `HTTP ${response.status}` }, response.status >= 500);
    }
    if (!JWT.test(jwt)) throw new InfisicalPlatformCredentialError(this.login, 'metadata-refused', { where, detail: 'the answer is not a JWT' });
    return jwt;
  }
}
