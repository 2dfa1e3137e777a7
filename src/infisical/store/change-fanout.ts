import type { ConfigPublisher } from '../config/config.publisher.js';
import { describeFailure, type NamespaceRegistry } from '../config/namespace.registry.js';
import type { SecretSnapshot } from './secret-snapshot.js';
import { StoreLogger } from './store.logger.js';

/** Receives the names of the keys whose value changed in a refresh. */
export type SecretChangeListener = (changedKeys: ReadonlySet<string>) => void;

/**
 * Hands the keys a refresh changed to everything that follows them, in order: the log line (names and versions);
 * `ConfigService` and the `registerSecretsAs` namespaces, written together and only then announced on `changes$`
 * (one event per key, then one per changed namespace property), so no subscriber reads a mix of old and new values;
 * then the `onChange` listeners. A listener or a namespace factory that throws is logged and does not stop the others.
 */
export class ChangeFanout {
  readonly #listeners = new Set<SecretChangeListener>();

  constructor(
    private readonly publisher: ConfigPublisher,
    private readonly namespaces: NamespaceRegistry,
    private readonly logger: StoreLogger,
  ) {}

  /** Subscribes `listener`; returns the unsubscribe function. */
  subscribe(listener: SecretChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  announce(changed: ReadonlySet<string>, snapshot: SecretSnapshot): void {
    const keys = snapshot.keys;
    const label = (k: string) => `${k} (${keys[k]?.version !== undefined ? `v${keys[k]!.version}` : (keys[k]?.source ?? 'removed')})`;
    this.logger.log(`Infisical refresh: ${changed.size} key(s) changed: ${StoreLogger.listKeys([...changed].sort(), label)}`);
    this.publisher.batch(() => {
      this.publisher.publishChanges(changed, snapshot.values);
      this.namespaces.update(snapshot.values, (namespace, error) =>
        this.logger.write('error', `registerSecretsAs('${namespace}') threw ${describeFailure(error)} on the refreshed values; it keeps its last object.`),
      );
    });
    for (const listener of this.#listeners) {
      try {
        listener(changed);
      } catch (error) {
        this.logger.write('error', `A rotation listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
