import type { SecretLoader } from '../../../src/infisical/store/secret.loader.js';
import type { AnswerSecret, SecretSnapshot } from '../../../src/infisical/store/secret-snapshot.js';

/** A load whose answer the test gives later (`resolve` / `reject`); it rejects with the signal's reason on abort. */
export interface PendingLoad {
  readonly signal: AbortSignal;
  resolve(snapshot: SecretSnapshot): void;
  reject(error: unknown): void;
}

type Step = SecretSnapshot | Error | 'hang';

/**
 * A loader that answers from a script: each `load` takes the next step (a snapshot, an error to throw, or `'hang'`:
 * a pending load the test settles through `pending`); once the script is used up it repeats the last step.
 */
export class ScriptedLoader {
  readonly signals: AbortSignal[] = [];
  readonly options: Array<{ diagnose: boolean } | undefined> = [];
  readonly pending: PendingLoad[] = [];
  readonly fromAnswerCalls: Array<{ answer: readonly AnswerSecret[]; source: string; confirmedAt: number }> = [];
  #steps: Step[];
  #last: Step | undefined;
  /** What `fromAnswer` returns (or throws). */
  cached: SecretSnapshot | Error | undefined;

  constructor(...steps: Step[]) {
    this.#steps = steps;
  }

  get calls(): number {
    return this.signals.length;
  }

  then(...steps: Step[]): this {
    this.#steps.push(...steps);
    return this;
  }

  readonly load = (signal: AbortSignal, options?: { diagnose: boolean }): Promise<SecretSnapshot> => {
    this.signals.push(signal);
    this.options.push(options);
    const step = this.#steps.shift() ?? this.#last;
    this.#last = step;
    if (step === undefined) return Promise.reject(new Error('ScriptedLoader: no step left'));
    if (step === 'hang') {
      return new Promise<SecretSnapshot>((resolve, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        this.pending.push({ signal, resolve, reject });
      });
    }
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
  };

  readonly fromAnswer = async (answer: readonly AnswerSecret[], source: 'infisical' | 'cache', confirmedAt: number): Promise<SecretSnapshot> => {
    this.fromAnswerCalls.push({ answer, source, confirmedAt });
    if (this.cached === undefined) throw new Error('ScriptedLoader: no cached answer');
    if (this.cached instanceof Error) throw this.cached;
    return this.cached;
  };

  /** This fake where a `SecretLoader` is expected. */
  get asLoader(): SecretLoader {
    return this as unknown as SecretLoader;
  }
}
