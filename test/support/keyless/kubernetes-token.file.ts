/** A pod's service-account token file, signed by a test "cluster" key, rewritten on `rotate()` like the kubelet does. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtIssuer } from './jwt-issuer.js';

export class KubernetesTokenFile {
  readonly cluster = new JwtIssuer('https://kubernetes.default.svc.cluster.local');
  readonly dir = mkdtempSync(join(tmpdir(), 'k8s-sa-'));
  readonly path = join(this.dir, 'token');

  constructor(
    private readonly now: () => number,
    readonly namespace = 'payments',
    readonly name = 'api',
  ) {
    this.rotate();
  }

  /** Writes a fresh token (1 h) for `system:serviceaccount:<namespace>:<name>`. */
  rotate(ttlSeconds = 3600): string {
    const jwt = this.cluster.sign({ sub: `system:serviceaccount:${this.namespace}:${this.name}`, aud: ['https://kubernetes.default.svc.cluster.local'] }, { now: this.now(), ttlSeconds });
    writeFileSync(this.path, `${jwt}\n`, { mode: 0o600 });
    return jwt;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
