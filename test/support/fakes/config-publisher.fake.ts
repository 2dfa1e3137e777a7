import type { ConfigPublisher } from '../../../src/infisical/config/config.publisher.js';
import type { NamespaceChange } from '../../../src/infisical/config/secret-namespace.definition.js';

/** A ConfigPublisher that records what it was asked to publish, in order. */
export class RecordingPublisher {
  readonly calls: Array<{ method: string; keys: string[]; values?: Readonly<Record<string, unknown>> }> = [];

  publishInitial(values: Readonly<Record<string, unknown>>): void {
    this.calls.push({ method: 'initial', keys: Object.keys(values), values });
  }
  /** Runs `publish` at once (the real publisher holds its events back until `publish` returns). */
  batch(publish: () => void): void {
    publish();
  }
  publishChanges(changed: Iterable<string>, values: Readonly<Record<string, unknown>>): void {
    this.calls.push({ method: 'changes', keys: [...changed], values });
  }
  publishNamespace(namespace: string, object: Record<string, unknown>): void {
    this.calls.push({ method: 'namespace', keys: [namespace], values: object });
  }
  publishNamespaceChanges(namespace: string, changes: readonly NamespaceChange[]): void {
    this.calls.push({ method: 'namespace-changes', keys: changes.map((c) => `${namespace}.${c.property}`) });
  }

  get asPublisher(): ConfigPublisher {
    return this as unknown as ConfigPublisher;
  }
}
