/**
 * AWS credentials for AWS IAM Auth tests: a principal the local Infisical server's STS stand-in knows, and a loopback
 * container credentials endpoint (ECS / EKS Pod Identity style, optional `Authorization` token) serving it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Credentials and identity of the test role (AWS's documentation example keys). */
export const AWS_TEST_PRINCIPAL = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  arn: 'arn:aws:sts::123456789012:assumed-role/app-task-role/1a2b3c',
  account: '123456789012',
  userId: 'AROAEXAMPLEID:1a2b3c',
};

/** A second principal (temporary credentials with a session token), for the container endpoint. */
export const AWS_CONTAINER_PRINCIPAL = {
  accessKeyId: 'ASIAEXAMPLECONTAINER',
  secretAccessKey: 'containerSecretKeyExample0123456789abcdef',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN0123456789abcdefghij',
  arn: 'arn:aws:sts::123456789012:assumed-role/app-task-role/ecs-task',
  account: '123456789012',
  userId: 'AROAEXAMPLEID:ecs-task',
};

export class FakeAwsCredentialsServer {
  readonly requests: Array<{ path: string; authorization: string | undefined }> = [];

  private constructor(
    private readonly http: Server,
    readonly authorizationToken: string | undefined,
  ) {}

  static async start(authorizationToken?: string): Promise<FakeAwsCredentialsServer> {
    let self: FakeAwsCredentialsServer | undefined;
    const http = createServer((req, res) => {
      self!.requests.push({ path: req.url ?? '/', authorization: req.headers.authorization });
      if (authorizationToken && req.headers.authorization !== authorizationToken) return void res.writeHead(401).end('{"message":"unauthorized"}');
      const p = AWS_CONTAINER_PRINCIPAL;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ AccessKeyId: p.accessKeyId, SecretAccessKey: p.secretAccessKey, Token: p.sessionToken, Expiration: '2099-01-01T00:00:00Z' }),
      );
    });
    self = new FakeAwsCredentialsServer(http, authorizationToken);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return self;
  }

  /** Value for `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/v2/credentials/test`;
  }

  close(): Promise<void> {
    this.http.closeAllConnections();
    return new Promise((resolve) => this.http.close(() => resolve()));
  }
}
