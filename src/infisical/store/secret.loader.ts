import type { InfisicalApi } from '../api/infisical-api.js';
import type { ParsedList } from '../api/list-response.parser.js';
import type { AccessTokenSession } from '../auth/access-token.session.js';
import type { ConfigValidator, SourcedSecret } from '../config/config-validator.js';
import { diagnoseMissingKeys, findReadableEnvironments } from '../diagnostics/missing-keys.diagnosis.js';
import { explainNotFound } from '../diagnostics/not-found.diagnosis.js';
import { InfisicalSecretPathNotFoundError } from '../errors/access.errors.js';
import { describeTarget } from '../errors/describe-target.js';
import { InfisicalConfigValidationError } from '../errors/configuration.errors.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import type { ResolvedSource } from '../options/resolved-options.interface.js';
import type { SecretRedactor } from '../redaction/secret-redactor.js';
import { sanitizeServerText } from '../redaction/server-text.js';
import { SecretSnapshot, type AnswerSecret } from './secret-snapshot.js';
import { EVENT_LOOP_STEPS, type WorkSteps } from './work-steps.js';

export interface SecretLoaderDependencies {
  api: Pick<InfisicalApi, 'listSecrets' | 'getProject' | 'listFolders'>;
  session: Pick<AccessTokenSession, 'withToken'>;
  sources: readonly ResolvedSource[];
  expandSecretReferences: boolean;
  validator: Pick<ConfigValidator, 'validate'>;
  redactor: Pick<SecretRedactor, 'replace'>;
  clock: InfisicalClock;
  /** The operator's environment (read at each validation), without the `process.env` mirror's writes. */
  env: NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv);
  /** The snapshot being served: its values stay masked while a candidate is checked. */
  current: () => SecretSnapshot | undefined;
  /** Reports something worth a look in an answer (a duplicate key), by name only. */
  warn: (message: string) => void;
  /** How a large answer's validation is split (default: 2,000 keys per step, `setImmediate` between steps). */
  steps?: WorkSteps;
}

/**
 * The data path from Infisical to a snapshot: lists every source in parallel (one login shared by all), merges
 * them — a later source wins a key clash — and validates the result with the bootstrap rules. With `diagnose`
 * (bootstrap), a failure is explained with extra look-ups: an unknown environment or folder, an environment the
 * identity cannot read.
 */
export class SecretLoader {
  constructor(private readonly deps: SecretLoaderDependencies) {}

  /** Reads every source and validates the merged answer; throws the named error of the first failure. */
  async load(signal: AbortSignal, options: { diagnose: boolean }): Promise<SecretSnapshot> {
    const { sources } = this.deps;
    const lists = await Promise.all(sources.map((source) => this.#list(source, signal, options.diagnose)));
    // a large answer: the event loop turns between reading the lists and merging them
    const steps = this.deps.steps ?? EVENT_LOOP_STEPS;
    if (lists.reduce((sum, list) => sum + list.secrets.length, 0) > steps.keysPerStep) await steps.pause();
    const answer = mergeSources(lists, sources, (message) => this.deps.warn(message));
    try {
      return await this.#validate(answer, 'infisical', this.deps.clock.now());
    } catch (error) {
      if (!(error instanceof InfisicalConfigValidationError)) throw error;
      const listings = lists.map((list, i) => ({ target: sources[i]!, ownCount: list.secrets.filter((s) => !s.imported).length, hiddenKeys: list.hiddenKeys }));
      const probe = options.diagnose
        ? (target: InfisicalTarget) => this.deps.session.withToken(signal, (token) => findReadableEnvironments(this.deps.api, token, target, signal))
        : undefined;
      throw await diagnoseMissingKeys(error, listings, probe);
    }
  }

  /** Validates an answer kept elsewhere (the last-known-good file, a fleet snapshot) like a fresh one. */
  fromAnswer(answer: readonly AnswerSecret[], source: 'infisical' | 'cache', confirmedAt: number): Promise<SecretSnapshot> {
    return this.#validate(answer, source, confirmedAt);
  }

  async #list(source: ResolvedSource, signal: AbortSignal, diagnose: boolean): Promise<ParsedList> {
    const { api, session, expandSecretReferences } = this.deps;
    try {
      return await session.withToken(signal, (token) => api.listSecrets(token, { ...source, expandSecretReferences }, source, signal));
    } catch (error) {
      if (!(error instanceof InfisicalSecretPathNotFoundError) || !diagnose || signal.aborted) throw error;
      throw await session.withToken(signal, (token) => explainNotFound(api, token, source, signal));
    }
  }

  /**
   * Validates `answer` into a snapshot. A large answer (more keys than one step) is worked through with the event
   * loop turning between the stages — reading it, each stage of the validation, building the snapshot — so that a
   * refresh of thousands of keys never holds the loop for all of them at once.
   */
  async #validate(answer: readonly AnswerSecret[], source: 'infisical' | 'cache', confirmedAt: number): Promise<SecretSnapshot> {
    const steps = this.deps.steps ?? EVENT_LOOP_STEPS;
    const pause = answer.length > steps.keysPerStep ? () => steps.pause() : undefined;
    if (pause) await pause();
    const current = this.deps.current();
    this.deps.redactor.replace('secrets', [...answer.map((s) => s.value), ...(current?.answer ?? []).map((s) => s.value)]);
    const secrets = new Map<string, SourcedSecret>(answer.map(({ key, ...rest }) => [key, rest]));
    if (pause) await pause();
    const { env } = this.deps;
    const config = await this.deps.validator.validate({ secrets, secretsSource: source, env: typeof env === 'function' ? env() : env }, pause);
    if (pause) await pause();
    return new SecretSnapshot(config, source, confirmedAt, answer);
  }
}

/**
 * Merges the lists of the sources in order: a later source wins a key clash, and each key keeps the coordinates of
 * the source that won it. Duplicate and dropped keys are reported through `warn`, by name.
 */
export function mergeSources(lists: readonly ParsedList[], sources: readonly ResolvedSource[], warn: (message: string) => void): AnswerSecret[] {
  const merged = new Map<string, AnswerSecret>();
  lists.forEach((list, i) => {
    const source = sources[i]!;
    for (const key of list.duplicateKeys) warn(`Infisical listed "${sanitizeServerText(key, 100)}" more than once in ${describeTarget(source)}; the first entry is used.`);
    for (const key of list.droppedKeys) warn(`Secret "${key}" in ${describeTarget(source)} is ignored: that name would reach object prototypes; rename it in Infisical.`);
    for (const s of list.secrets) {
      merged.delete(s.key);
      merged.set(s.key, { key: s.key, value: s.value, version: s.version, projectId: source.projectId, environment: s.environment, secretPath: s.secretPath });
    }
  });
  return [...merged.values()];
}
