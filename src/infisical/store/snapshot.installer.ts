import type { ValidatedConfig } from '../config/config-validator.js';
import type { KeyInfo } from '../interfaces/infisical-status.interface.js';
import type { ChangeFanout } from './change-fanout.js';
import type { PreviousValues } from './previous-values.js';
import { SecretSnapshot } from './secret-snapshot.js';
import type { SecretStoreParts } from './secret-store-parts.interface.js';
import { EVENT_LOOP_STEPS, type WorkSteps } from './work-steps.js';

/**
 * How the store switches from one snapshot to the next: the first one at bootstrap; a refreshed one prepared in
 * steps and switched in one synchronous step, with the changed keys announced only then; the last-known-good file
 * written after each good answer from Infisical.
 */
export class SnapshotInstaller {
  /**
   * Keys required (`forFeature`, a namespace) while a refresh was under way: its candidate may have been validated
   * before, so it is held to them at its switch.
   */
  readonly #lateRequired = new Set<string>();

  constructor(
    private readonly parts: SecretStoreParts,
    private readonly changes: ChangeFanout,
    /** Makes `snapshot` the one served (state and the store's read path). */
    private readonly set: (snapshot: SecretSnapshot) => void,
    /** Where the values a refresh replaced are kept for their grace window. */
    private readonly previous: PreviousValues,
  ) {}

  /**
   * Requires `keys` from now on (`SecretStore.requireKeys`): the merge model decides on the snapshot served, and a
   * key it lacks that the operator's environment / `.env` supplies is added to it (published, no refresh needed).
   * Throws the validation error naming the keys that break a rule. The candidate of a refresh under way is held to
   * `keys` at its switch (it may have been validated before they were required).
   */
  require(keys: readonly string[], requiredBy: string): void {
    const { validator, state } = this.parts;
    validator.require(keys, `required by ${requiredBy}`);
    const snapshot = state.snapshot;
    // Only "missing" can be found here (the other rules were checked when the snapshot was accepted): the label of
    // the snapshot's source is never shown. Every key without a value that passes the check has one in the verdict.
    const verdict = this.#verdict(keys, snapshot);
    if (state.refreshStartedAt !== undefined) for (const key of keys) this.#lateRequired.add(key);
    const added = keys.filter((key) => !snapshot?.has(key));
    if (!snapshot || !added.length) return;
    const extended = withKeys(snapshot, added, verdict);
    this.set(extended);
    this.parts.publisher.publishChanges(added, extended.values);
  }

  /** Bootstrap: installs the first snapshot, published to `ConfigService` at once, without change events. */
  install(snapshot: SecretSnapshot): void {
    this.#lateRequired.clear();
    this.set(snapshot);
    this.parts.publisher.publishInitial(snapshot.values);
    this.#persist();
  }

  /**
   * Installs a refreshed snapshot, prepared in steps and switched in one: the mask index and the comparison with
   * the snapshot served are worked through at most `steps.keysPerStep` keys at a time, the event loop turning in
   * between (reads meanwhile see only the snapshot served); then, in one synchronous step, the store, `ConfigService`
   * and the namespaces switch to the new values, and only then are the changed keys logged by name, emitted on
   * `changes$` and handed to the listeners. A snapshot that fits one step is installed at once (no promise to await).
   * Throws (or rejects with) the validation error when the candidate lacks a key required meanwhile.
   */
  accept(snapshot: SecretSnapshot): Promise<void> | undefined {
    const { state, redactor } = this.parts;
    const steps = this.parts.steps ?? EVENT_LOOP_STEPS;
    const previous = state.snapshot;
    const size = Math.max(snapshot.size, previous?.size ?? 0);
    if (size + redactor.pending <= steps.keysPerStep) return void this.#switchTo(snapshot, snapshot.changedKeys(previous));
    return this.#acceptInSteps(snapshot, previous, steps);
  }

  async #acceptInSteps(snapshot: SecretSnapshot, previous: SecretSnapshot | undefined, steps: WorkSteps): Promise<void> {
    const { state, redactor } = this.parts;
    const pause = () => steps.pause();
    await pause();
    await redactor.catchUp(steps.keysPerStep, pause);
    await pause();
    let changed = await snapshot.changedKeysInSteps(previous, steps.keysPerStep, pause);
    if (state.closed) return;
    // another snapshot was installed meanwhile (a key required late): compare with that one instead
    if (state.snapshot !== previous) changed = snapshot.changedKeys(state.snapshot);
    this.#switchTo(snapshot, changed);
  }

  #switchTo(candidate: SecretSnapshot, changed: Set<string>): void {
    const snapshot = this.#heldToLateRequirements(candidate, changed);
    this.#keepPrevious(changed);
    this.set(snapshot);
    this.#persist();
    if (changed.size > 0) this.changes.announce(changed, snapshot);
  }

  /**
   * `candidate` with the keys required during its refresh that it lacks, decided by the merge model as
   * `requireKeys` decides them (the operator's environment / `.env` may supply one); `changed` follows. Throws the
   * validation error naming a key that nothing supplies: the candidate is refused, the last good values stay.
   */
  #heldToLateRequirements(candidate: SecretSnapshot, changed: Set<string>): SecretSnapshot {
    const late = [...this.#lateRequired].filter((key) => !candidate.has(key));
    this.#lateRequired.clear();
    if (!late.length) return candidate;
    const held = withKeys(candidate, late, this.#verdict(late, candidate));
    for (const key of late) {
      if (held.get(key) === this.parts.state.snapshot?.get(key)) changed.delete(key);
      else changed.add(key);
    }
    return held;
  }

  /**
   * Keeps the values of the `changed` keys served until now as their previous values, and keeps every previous value
   * still readable masked (its own mask group: failed refreshes, which start new `secrets` generations, never push it
   * out).
   */
  #keepPrevious(changed: ReadonlySet<string>): void {
    const previous = this.previous;
    if (!previous.enabled) return;
    previous.record(changed, this.parts.state.snapshot);
    this.parts.redactor.replace('previous', previous.live());
  }

  /** The merge model's verdict on `keys` with Infisical's answer behind `snapshot` (throws naming a key it refuses). */
  #verdict(keys: readonly string[], snapshot: SecretSnapshot | undefined): ValidatedConfig {
    const { validator, operatorEnv } = this.parts;
    const secrets = new Map((snapshot?.answer ?? []).map(({ key, ...where }) => [key, where]));
    return validator.check(keys, { secrets, secretsSource: 'infisical', env: operatorEnv?.() ?? {} });
  }

  /** Writes the last-known-good file in the background after a good answer from Infisical. */
  #persist(): void {
    const { cache, state, clock, logger } = this.parts;
    const snapshot = state.snapshot;
    if (!cache || !snapshot || snapshot.source !== 'infisical' || snapshot.confirmedAt === undefined) return;
    cache.writeInBackground({ fetchedAt: snapshot.confirmedAt, secrets: [...snapshot.answer] }, clock.now(), (error) =>
      logger.warn(`Could not write the last-known-good snapshot ${cache.path}: ${error.message}`),
    );
  }
}

/** `snapshot` with the values and sources of `keys` taken from `verdict`. */
function withKeys(snapshot: SecretSnapshot, keys: readonly string[], verdict: ValidatedConfig): SecretSnapshot {
  const values: Record<string, unknown> = Object.assign(Object.create(null), snapshot.values);
  const info: Record<string, KeyInfo> = Object.assign(Object.create(null), snapshot.keys);
  for (const key of keys) [values[key], info[key]] = [verdict.values[key], verdict.keys[key]!];
  return new SecretSnapshot({ values, keys: info }, snapshot.source, snapshot.confirmedAt, snapshot.answer);
}
