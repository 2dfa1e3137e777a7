import type { InfisicalProjectInfo } from '../api/infisical-api.js';
import type { ParsedList } from '../api/list-response.parser.js';
import type { AccessTokenSession } from '../auth/access-token.session.js';
import { connectToInfisical, type InfisicalConnection } from '../auth/infisical-connection.js';
import { ConfigValidator, type ValidatedConfig } from '../config/config-validator.js';
import type { CredentialDefinition } from '../credentials/credential-rules.js';
import { describeTargets } from '../errors/describe-target.js';
import { InfisicalConfigValidationError } from '../errors/configuration.errors.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import type { InfisicalTarget } from '../interfaces/infisical-source.interface.js';
import type { ResolvedAuth, ResolvedInfisicalOptions, ResolvedSource } from '../options/resolved-options.interface.js';
import { SecretRedactor } from '../redaction/secret-redactor.js';
import { mergeSources } from '../store/secret.loader.js';
import type { AnswerSecret } from '../store/secret-snapshot.js';
import type { LoadedSchema } from './schema.loader.js';

/** What to verify: the same inputs the app's bootstrap uses. */
export interface VerifyInput {
  /** The process environment, with `.env` already merged in. `INFISICAL_*` configure the connection. */
  env: NodeJS.ProcessEnv;
  /** The configuration schema (`--schema`), loaded: a class-validator class or a Standard Schema. */
  schema?: LoadedSchema;
  /** Credential groups whose keys and format rules are checked (`--credentials`). */
  credentials: readonly CredentialDefinition[];
  /** Required keys on top of `INFISICAL_REQUIRED_KEYS` and the credential keys. */
  requiredKeys: readonly string[];
  /** The clock for timeouts and back-off; the real one by default (tests pass their own). */
  clock?: InfisicalClock;
}

export type Validation = { config?: ValidatedConfig; error?: InfisicalConfigValidationError };

/**
 * What the checks share: the resolved options, the connection (one login for the whole run), the projects and
 * the lists already fetched (each fetched once), the validation, the warnings, and every sensitive string met.
 */
export class VerifyContext {
  readonly redactor = new SecretRedactor();
  readonly signal: AbortSignal = new AbortController().signal;
  readonly warnings: string[] = [];
  readonly projects = new Map<string, InfisicalProjectInfo>();
  options: (ResolvedInfisicalOptions & { auth: ResolvedAuth }) | undefined;
  lists: ParsedList[] | undefined;
  answer: AnswerSecret[] | undefined;
  validator: ConfigValidator | undefined;
  validated: Validation | undefined;
  #connection: InfisicalConnection | undefined;
  #listing: Promise<ParsedList[]> | undefined;
  #validation: Promise<Validation> | undefined;

  constructor(
    readonly input: VerifyInput,
    readonly clock: InfisicalClock,
  ) {}

  connect(options: ResolvedInfisicalOptions & { auth: ResolvedAuth }): void {
    this.options = options;
    this.#connection = connectToInfisical(options, this.clock, this.redactor);
  }

  get connection(): InfisicalConnection {
    if (!this.#connection) throw new Error('options were not checked');
    return this.#connection;
  }

  get session(): AccessTokenSession {
    return this.connection.session;
  }

  get sources(): readonly ResolvedSource[] {
    return this.options?.sources ?? [];
  }

  /** Runs `call` with the session's token (the one login of the run). */
  withToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    return this.session.withToken(this.signal, call);
  }

  async project(target: InfisicalTarget): Promise<InfisicalProjectInfo> {
    const known = this.projects.get(target.projectId);
    if (known) return known;
    const project = await this.withToken((token) => this.connection.api.getProject(token, target, this.signal));
    this.projects.set(target.projectId, project);
    return project;
  }

  /** The one list call per source of the run (shared by the folder fallback and the list check). */
  async list(): Promise<ParsedList[]> {
    const options = this.options!;
    this.#listing ??= Promise.all(
      this.sources.map((source) =>
        this.withToken((token) => this.connection.api.listSecrets(token, { ...source, expandSecretReferences: options.expandSecretReferences }, source, this.signal)),
      ),
    );
    const lists = await this.#listing;
    this.lists = lists;
    this.answer ??= mergeSources(lists, this.sources, (warning) => this.warnings.push(warning));
    this.redactor.replace('secrets', this.answer.map((s) => s.value));
    return lists;
  }

  /** Validates Infisical's answer + the environment exactly like bootstrap does (once). */
  validate(): Promise<Validation> {
    this.#validation ??= (async () => {
      const options = this.options!;
      const validator = new ConfigValidator(options.schema, options.requiredKeys, this.input.credentials, describeTargets(options.sources), options.mirrorToProcessEnv);
      this.validator = validator;
      for (const key of validator.declaredKeys) this.redactor.add('secrets', this.input.env[key]);
      const secrets = new Map((this.answer ?? []).map(({ key, ...rest }) => [key, rest]));
      try {
        this.validated = { config: await validator.validate({ secrets, secretsSource: 'infisical', env: this.input.env }) };
      } catch (error) {
        if (!(error instanceof InfisicalConfigValidationError)) throw error;
        this.validated = { error };
      }
      return this.validated;
    })();
    return this.#validation;
  }

  /** Secrets each source returned of its own (not imported). */
  ownCounts(): number[] {
    return (this.lists ?? []).map((list) => list.secrets.filter((s) => !s.imported).length);
  }
}
