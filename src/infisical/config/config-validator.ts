import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, type ValidationError } from 'class-validator';
import type { CredentialDefinition } from '../credentials/credential-rules.js';
import { describeTarget } from '../errors/describe-target.js';
import { REDACTED } from '../infisical.defaults.js';
import { InfisicalConfigValidationError, type ConfigIssue } from '../errors/configuration.errors.js';
import type { ConfigSchema, ConfigSchemaClass } from '../interfaces/infisical-module-options.interface.js';
import type { StandardSchemaV1 } from '../interfaces/standard-schema.interface.js';
import type { KeyInfo, ValueSource } from '../interfaces/infisical-status.interface.js';
import { mergeConfig, type MergeIssue, type MergeResult, type SourcedSecret } from './config-merge.js';

export type { SourcedSecret } from './config-merge.js';

export interface ValidationInput {
  /** Infisical's values, or undefined when Infisical is disabled. */
  secrets: ReadonlyMap<string, SourcedSecret> | undefined;
  /** Whether `secrets` is a fresh answer or the last-known-good file. */
  secretsSource: Extract<ValueSource, 'infisical' | 'cache'>;
  /** The operator's environment, without the module's own writes (see {@link mergeConfig}). */
  env: NodeJS.ProcessEnv;
}

/** The merged, validated configuration: typed values plus where each key came from. */
export interface ValidatedConfig {
  values: Readonly<Record<string, unknown>>;
  keys: Readonly<Record<string, KeyInfo>>;
}

const REQUIRED = 'required but not set';

function isStandardSchema(schema: ConfigSchema): schema is StandardSchemaV1 {
  return typeof schema === 'object' && schema !== null && '~standard' in schema;
}

/**
 * Validates the configuration that {@link mergeConfig} merges (Infisical > process env / `.env` > schema defaults)
 * in one pass: the schema (class-validator + class-transformer, or a Standard Schema), then the merge model's rules
 * (required keys, credential formats, mirrored values). All problems are reported together, naming keys and
 * sources, never values.
 */
export class ConfigValidator {
  /** Keys the configuration declares (schema properties, required keys, credential keys, registered keys). */
  readonly declaredKeys = new Set<string>();
  /** Required key → why it is required (shown when it is missing). */
  readonly #required = new Map<string, string>();

  constructor(
    private readonly schema: ConfigSchema | undefined,
    requiredKeys: readonly string[],
    private readonly credentials: readonly CredentialDefinition[],
    /** `Infisical environment "dev" (project …, path "/")`, or undefined when Infisical is disabled. */
    private readonly where: string | undefined,
    /** Keys mirrored into `process.env` (`mirrorToProcessEnv`). */
    private readonly mirrored: readonly string[] = [],
  ) {
    this.require([...requiredKeys, ...credentials.flatMap((c) => c.keys.map((k) => k.key))], REQUIRED);
    for (const key of schema && !isStandardSchema(schema) ? schemaClassKeys(schema) : []) this.declaredKeys.add(key);
  }

  /**
   * Makes `keys` required from now on — at the next validation and every one after (e.g. keys registered with
   * `InfisicalModule.forFeature`, so a refresh that deletes one is rejected). `reason` is shown when one is missing.
   */
  require(keys: Iterable<string>, reason: string): void {
    for (const key of keys) {
      if (!this.#required.has(key)) this.#required.set(key, reason);
      this.declaredKeys.add(key);
    }
  }

  /**
   * The merge model's verdict on `keys` alone, with the rules that apply to them (a key required after bootstrap by
   * `forFeature` or a namespace): the same inputs give the same verdict as {@link validate}. Returns the keys'
   * values and sources; throws {@link InfisicalConfigValidationError} naming each key that breaks a rule.
   */
  check(keys: readonly string[], input: ValidationInput): ValidatedConfig {
    const only = new Set(keys);
    const secrets = input.secrets && new Map([...input.secrets].filter(([key]) => only.has(key)));
    const merged = mergeConfig({
      infisical: secrets,
      infisicalSource: input.secretsSource,
      operatorEnv: input.env,
      envKeys: only,
      required: new Map([...this.#required].filter(([key]) => only.has(key))),
      // The merged values hold only `keys`, so the format and mirror rules see no other key's value.
      credentials: this.credentials,
      mirrored: this.mirrored,
    });
    const issues = new Issues(merged, this.where);
    issues.add(merged.issues);
    issues.throwIfAny();
    return { values: merged.raw, keys: merged.keys };
  }

  /**
   * Merges and validates the whole configuration (throws naming every key that breaks a rule). With `pause` (a large
   * refresh) the event loop turns between the stages: merge, values kept, schema, sources; same result, by the rules
   * in force when it starts.
   */
  async validate(input: ValidationInput, pause?: () => Promise<void>): Promise<ValidatedConfig> {
    const { secrets, secretsSource, env } = input;
    const standard = this.schema && isStandardSchema(this.schema) ? this.schema : undefined;
    const merged = mergeConfig({
      infisical: secrets,
      infisicalSource: secretsSource,
      operatorEnv: env,
      envKeys: standard ? 'all' : this.declaredKeys,
      required: this.#required,
      credentials: this.credentials,
      mirrored: this.mirrored,
    });
    const { raw } = merged;
    const issues = new Issues(merged, this.where);
    const keys: Record<string, KeyInfo> = Object.create(null);
    if (pause) await pause();

    // Infisical's keys and the declared ones; the schema's output (typed values, defaults) on top.
    let values: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(raw)) if (secrets?.has(key) || this.declaredKeys.has(key) || !standard) values[key] = raw[key];
    if (pause) await pause();
    if (standard) {
      const result = await standard['~standard'].validate(raw);
      if (result.issues) {
        for (const issue of result.issues) {
          const first = issue.path?.[0];
          const key = String(typeof first === 'object' && first !== null ? first.key : (first ?? '(root)'));
          issues.report(key, raw[key] === undefined ? 'missing' : 'malformed', issue.message);
        }
      } else {
        values = Object.assign(values, result.value as object);
      }
    } else if (this.schema) {
      const declared = Object.fromEntries([...this.declaredKeys].filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]));
      const notBooleans = coerceBooleans(this.schema as ConfigSchemaClass, declared);
      const instance = plainToInstance(this.schema as ConfigSchemaClass, declared, {
        enableImplicitConversion: true,
        exposeDefaultValues: true,
      }) as Record<string, unknown>;
      for (const key of notBooleans) instance[key] = declared[key];
      const errors = await validate(instance, {
        validationError: { target: false, value: false },
        forbidUnknownValues: false,
      });
      for (const error of flatten(errors)) {
        for (const message of Object.values(error.constraints ?? {})) {
          issues.report(error.property, raw[error.property] === undefined ? 'missing' : 'malformed', message);
        }
      }
      for (const key of this.declaredKeys) if (instance[key] !== undefined) values[key] = instance[key];
    }
    issues.add(merged.issues);
    issues.throwIfAny();
    if (pause) await pause();

    for (const key of Object.keys(values)) keys[key] = merged.keys[key] ?? { source: 'default' };
    return { values, keys };
  }
}

/** The problems of one validation, by key: merged per key, then thrown as one error with a fix for each. */
class Issues {
  readonly #issues = new Map<string, ConfigIssue>();
  readonly #hints: Map<string, string | undefined>;
  readonly #places = new Map<string, string>();

  constructor(
    private readonly merged: MergeResult,
    private readonly where: string | undefined,
  ) {
    this.#hints = new Map(merged.hints);
  }

  add(issues: readonly MergeIssue[]): void {
    for (const issue of issues) this.report(issue.key, issue.kind, issue.message, issue.hint);
  }

  report(key: string, kind: ConfigIssue['kind'], rawMessage: string, hint?: string): void {
    const info = Object.hasOwn(this.merged.keys, key) ? this.merged.keys[key] : undefined;
    // Schema libraries may quote the rejected input in their messages: the report never carries it.
    const value = this.merged.raw[key];
    const message = typeof value === 'string' && value.length >= 4 ? rawMessage.split(value).join(REDACTED) : rawMessage;
    if (hint !== undefined) this.#hints.set(key, hint);
    const existing = this.#issues.get(key);
    if (existing) {
      if (!existing.messages.includes(message)) existing.messages.push(message);
      if (kind === 'missing') existing.kind = 'missing';
      return;
    }
    this.#issues.set(key, { key, kind, source: kind === 'missing' ? undefined : info?.source, version: info?.version, messages: [message], fix: '' });
    // The source that won the key (of several, or an import's folder): where a malformed value is corrected.
    if (info?.projectId !== undefined && info.environment !== undefined && info.secretPath !== undefined) {
      this.#places.set(key, `Infisical ${describeTarget({ projectId: info.projectId, environment: info.environment, secretPath: info.secretPath })}`);
    }
  }

  throwIfAny(): void {
    if (!this.#issues.size) return;
    for (const issue of this.#issues.values()) {
      issue.fix = this.#fixFor(issue, this.#hints.get(issue.key), this.#places.get(issue.key));
      if (issue.kind === 'missing') issue.messages = ['not set', ...issue.messages.filter((m) => m !== REQUIRED).map((m) => (m.startsWith('required by ') ? m : `expected: ${m}`))];
    }
    throw new InfisicalConfigValidationError(this.where ?? 'the process environment (Infisical disabled)', [...this.#issues.values()]);
  }

  #fixFor(issue: ConfigIssue, hint: string | undefined, place: string | undefined): string {
    const extra = hint ? ` (${hint})` : '';
    if (issue.kind === 'missing') {
      return this.where
        ? `add ${issue.key} to ${this.where}, or set it in the process environment / .env${extra}`
        : `set ${issue.key} in the process environment or .env${extra}`;
    }
    if (issue.source === 'infisical' || issue.source === 'cache') {
      return `correct ${issue.key} in ${place ?? this.where}${issue.version !== undefined ? ` (the rejected value is version ${issue.version})` : ''}${extra}`;
    }
    return `correct ${issue.key} in the process environment / .env${extra}`;
  }
}

/**
 * Turns "true"/"false" (and "1"/"0") into booleans for properties typed `boolean`: class-transformer's implicit
 * conversion would make `Boolean("false")`, i.e. `true`. Returns the boolean-typed keys holding any other string,
 * which must reach the schema as they are (implicit conversion would turn them into `true` as well).
 */
function coerceBooleans(schema: ConfigSchemaClass, values: Record<string, unknown>): string[] {
  const typeOf = (key: string): unknown =>
    (Reflect as unknown as { getMetadata?: (k: string, t: object, p: string) => unknown }).getMetadata?.('design:type', schema.prototype, key);
  const notBooleans: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string' || typeOf(key) !== Boolean) continue;
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === '1') values[key] = true;
    else if (text === 'false' || text === '0') values[key] = false;
    else notBooleans.push(key);
  }
  return notBooleans;
}

function flatten(errors: ValidationError[]): ValidationError[] {
  return errors.flatMap((e) => [e, ...flatten(e.children ?? [])]);
}

/** Property names a class-validator schema declares (decorated or initialised). */
export function schemaClassKeys(schema: ConfigSchemaClass): string[] {
  const decorated = getMetadataStorage()
    .getTargetValidationMetadatas(schema, '', true, false)
    .map((m) => m.propertyName);
  let initialised: string[] = [];
  try {
    initialised = Object.keys(new schema());
  } catch {
    // a schema class whose constructor needs arguments declares its keys through decorators only
  }
  return [...new Set([...decorated, ...initialised])];
}
