import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, type ValidationError } from 'class-validator';
import type { CredentialDefinition } from '../credentials/credential-rules.js';
import { describeTarget } from '../errors/describe-target.js';
import { REDACTED } from '../infisical.defaults.js';
import { InfisicalConfigValidationError, type ConfigIssue } from '../errors/configuration.errors.js';
import type { ConfigSchema, ConfigSchemaClass } from '../interfaces/infisical-module-options.interface.js';
import type { StandardSchemaV1 } from '../interfaces/standard-schema.interface.js';
import type { KeyInfo, ValueSource } from '../interfaces/infisical-status.interface.js';

/** A value that came from Infisical (or from the last-known-good copy of an Infisical answer). */
export interface SourcedSecret {
  value: string;
  version: number;
  /** Where the value lives (reported per key by health). */
  projectId?: string;
  environment?: string;
  secretPath?: string;
}

export interface ValidationInput {
  /** Infisical's values, or undefined when Infisical is disabled. */
  secrets: ReadonlyMap<string, SourcedSecret> | undefined;
  /** Whether `secrets` is a fresh answer or the last-known-good file. */
  secretsSource: Extract<ValueSource, 'infisical' | 'cache'>;
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
 * Merges Infisical (fresh) > process env / `.env` > schema defaults and validates the result in one pass: the
 * schema (class-validator + class-transformer, or a Standard Schema), the required keys and the format rules of the
 * registered credentials. All problems are reported together, naming keys and sources, never values.
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

  async validate(input: ValidationInput): Promise<ValidatedConfig> {
    const { secrets, secretsSource, env } = input;
    // Own-property lookups only: a key named "toString" or "constructor" is never found on a prototype.
    const raw: Record<string, unknown> = Object.create(null);
    const keys: Record<string, KeyInfo> = Object.create(null);
    const sourceOf = (key: string): KeyInfo | undefined => {
      const secret = secrets?.get(key);
      if (secret) {
        const { value: _value, ...where } = secret;
        return { source: secretsSource, ...where };
      }
      if (env[key] !== undefined) return { source: 'env' };
      return undefined;
    };
    for (const [key, secret] of secrets ?? []) raw[key] = secret.value;
    const envKeys = this.schema && isStandardSchema(this.schema) ? Object.keys(env) : [...this.declaredKeys];
    for (const key of envKeys) if (raw[key] === undefined && env[key] !== undefined) raw[key] = env[key];

    const issues = new Map<string, ConfigIssue>();
    const report = (key: string, kind: ConfigIssue['kind'], rawMessage: string, hint?: string) => {
      const info = sourceOf(key);
      // Schema libraries may quote the rejected input in their messages: the report never carries it.
      const value = raw[key];
      const message = typeof value === 'string' && value.length >= 4 ? rawMessage.split(value).join(REDACTED) : rawMessage;
      const existing = issues.get(key);
      if (existing) {
        if (!existing.messages.includes(message)) existing.messages.push(message);
        if (kind === 'missing') existing.kind = 'missing';
        return;
      }
      issues.set(key, { key, kind, source: kind === 'missing' ? undefined : info?.source, version: info?.version, messages: [message], fix: '' });
      hints.set(key, hint);
      // The source that won the key (of several, or an import's folder): where a malformed value is corrected.
      if (info?.projectId !== undefined && info.environment !== undefined && info.secretPath !== undefined) {
        places.set(key, `Infisical ${describeTarget({ projectId: info.projectId, environment: info.environment, secretPath: info.secretPath })}`);
      }
    };
    const hints = new Map<string, string | undefined>();
    const places = new Map<string, string>();

    let values: Record<string, unknown> = Object.assign(Object.create(null), raw);
    if (this.schema && isStandardSchema(this.schema)) {
      const result = await this.schema['~standard'].validate(raw);
      if (result.issues) {
        for (const issue of result.issues) {
          const first = issue.path?.[0];
          const key = String(typeof first === 'object' && first !== null ? first.key : (first ?? '(root)'));
          report(key, raw[key] === undefined ? 'missing' : 'malformed', issue.message);
        }
      } else {
        values = Object.assign(Object.create(null), Object.fromEntries([...(secrets ?? [])].map(([k, s]) => [k, s.value])), result.value as object);
        for (const key of Object.keys(result.value as object)) this.noteDefault(key, raw, keys, sourceOf);
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
          report(error.property, raw[error.property] === undefined ? 'missing' : 'malformed', message);
        }
      }
      for (const key of this.declaredKeys) if (instance[key] !== undefined) values[key] = instance[key];
    }

    for (const [key, reason] of this.#required) {
      if (raw[key] === undefined || raw[key] === '') report(key, 'missing', reason);
    }
    for (const definition of this.credentials) {
      for (const rule of definition.keys) {
        const value = raw[rule.key];
        if (typeof value === 'string' && value !== '' && !rule.pattern.test(value)) {
          report(rule.key, 'malformed', `${rule.key} ${rule.expectation}`, `get the correct ${definition.name} value from ${rule.source}`);
        } else if (value === undefined || value === '') {
          hints.set(rule.key, `get it from ${rule.source}`);
        }
      }
    }

    if (issues.size) {
      for (const issue of issues.values()) {
        issue.fix = this.fixFor(issue, hints.get(issue.key), places.get(issue.key));
        if (issue.kind === 'missing') issue.messages = ['not set', ...issue.messages.filter((m) => m !== REQUIRED).map((m) => (m.startsWith('required by ') ? m : `expected: ${m}`))];
      }
      throw new InfisicalConfigValidationError(this.where ?? 'the process environment (Infisical disabled)', [...issues.values()]);
    }

    for (const key of Object.keys(values)) this.noteDefault(key, raw, keys, sourceOf);
    return { values, keys };
  }

  private noteDefault(key: string, raw: Record<string, unknown>, keys: Record<string, KeyInfo>, sourceOf: (k: string) => KeyInfo | undefined) {
    if (keys[key]) return;
    keys[key] = raw[key] === undefined ? { source: 'default' } : (sourceOf(key) ?? { source: 'default' });
  }

  private fixFor(issue: ConfigIssue, hint: string | undefined, place: string | undefined): string {
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
