import { closestMatch } from '../closest-match.js';
import { ConfigValidator, schemaClassKeys, type ValidatedConfig } from '../config-validator.js';
import type { CredentialDefinition } from '../credentials/credential-rules.js';
import { InfisicalClient, type FetchedSecrets, type InfisicalProjectInfo } from '../infisical.client.js';
import { systemClock } from '../infisical.clock.js';
import {
  describeTarget,
  InfisicalConfigValidationError,
  InfisicalEnvironmentNotFoundError,
  InfisicalPermissionError,
  InfisicalProjectAccessError,
  InfisicalRequestError,
  InfisicalSecretPathNotFoundError,
} from '../infisical.errors.js';
import { infisicalOptionsFromEnv } from '../infisical-env.options.js';
import { resolveInfisicalOptions, type ResolvedInfisicalOptions } from '../infisical-options.resolver.js';
import type { InfisicalClock } from '../interfaces/infisical-clock.interface.js';
import { SecretRedactor } from '../secret-redactor.js';
import { formatDuration } from './duration.format.js';
import type { LoadedSchema } from './schema.loader.js';
import { toVerifyFailure, VerifyFailure } from './verify-failure.js';
import { VERIFY_EXIT } from './verify-exit-codes.js';
import { VERIFY_STEPS, type KeyReport, type StepReport, type VerificationReport, type VerifyStepId } from './verification-report.js';

/** What to verify: the same inputs the app's bootstrap uses. */
export interface VerifyInput {
  /** The process environment, with `.env` already merged in. `INFISICAL_*` configure the connection. */
  env: NodeJS.ProcessEnv;
  schema?: LoadedSchema;
  credentials: readonly CredentialDefinition[];
  /** Required keys on top of `INFISICAL_REQUIRED_KEYS` and the credential keys. */
  requiredKeys: readonly string[];
  clock?: InfisicalClock;
}

/** A check failed: `summary` goes into the step table, `failure` decides the exit code and the full message. */
class StepFailure extends Error {
  constructor(
    readonly summary: string,
    readonly failure: unknown,
    /** When the real cause is what a later check verifies (e.g. missing keys because the environment is not readable). */
    readonly rootCause?: { step: VerifyStepId; summary: string },
  ) {
    super(summary);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const quoted = (items: readonly string[]) => items.map((i) => `"${i}"`).join(', ');
const joinPath = (parent: string, name: string) => (parent === '/' ? `/${name}` : `${parent}/${name}`);

/**
 * Runs the checks of `verify-infisical` one after the other with the real client (one login, one list call, plus
 * project / folder look-ups), stops at the first failure and explains it. The report carries key names, sources and
 * versions, never a value; {@link redactor} knows every sensitive string met on the way, for the printer.
 */
export class InfisicalVerifier {
  /** Every secret value, the client secret and the access token met during the run. */
  readonly redactor = new SecretRedactor();
  readonly #input: VerifyInput;
  readonly #clock: InfisicalClock;
  readonly #signal = new AbortController().signal;
  readonly #warnings: string[] = [];
  #options: ResolvedInfisicalOptions | undefined;
  #client: InfisicalClient | undefined;
  #project: InfisicalProjectInfo | undefined;
  #list: Promise<FetchedSecrets> | undefined;
  #fetched: FetchedSecrets | undefined;
  #validator: ConfigValidator | undefined;
  #validation: Promise<{ config?: ValidatedConfig; error?: InfisicalConfigValidationError }> | undefined;
  #validated: { config?: ValidatedConfig; error?: InfisicalConfigValidationError } | undefined;

  constructor(input: VerifyInput) {
    this.#input = input;
    this.#clock = input.clock ?? systemClock;
  }

  async run(): Promise<VerificationReport> {
    const steps: StepReport[] = VERIFY_STEPS.map((s, i) => ({ number: i + 1, id: s.id, title: s.title, status: 'skipped', detail: '' }));
    let failure: VerifyFailure | undefined;
    let failedStep: VerifyStepId | undefined;
    for (const step of steps) {
      if (failure) continue;
      try {
        step.detail = await this.#check(step.id);
        step.status = 'passed';
      } catch (caught) {
        const stepFailure = caught instanceof StepFailure ? caught : undefined;
        failure = toVerifyFailure(stepFailure ? stepFailure.failure : caught, this.#options?.clientId);
        failedStep = step.id;
        step.status = 'failed';
        step.detail = stepFailure?.summary ?? failure.summary;
        const rootCause = stepFailure?.rootCause;
        const root = rootCause && steps.find((s) => s.id === rootCause.step);
        if (rootCause && root) {
          root.status = 'failed';
          root.detail = rootCause.summary;
          failedStep = root.id;
        }
      }
    }
    const exitCode = failure ? failure.exitCode : VERIFY_EXIT.ok;
    return {
      ok: !failure,
      exitCode,
      target: this.#options?.target,
      steps,
      keys: this.#keyReports(),
      warnings: [...this.#warnings],
      error: failure && { code: failure.code, reason: failure.reason, step: failedStep, message: failure.message },
    };
  }

  #check(id: VerifyStepId): Promise<string> {
    switch (id) {
      case 'options':
        return this.#checkOptions();
      case 'site':
        return this.#checkSite();
      case 'login':
        return this.#checkLogin();
      case 'project':
        return this.#checkProject();
      case 'environment':
        return this.#checkEnvironment();
      case 'secretPath':
        return this.#checkSecretPath();
      case 'list':
        return this.#checkList();
      case 'requiredKeys':
        return this.#checkRequiredKeys();
      case 'rules':
        return this.#checkRules();
      case 'readable':
        return this.#checkReadable();
    }
  }

  // ------------------------------------------------------------------------------------------------- checks

  async #checkOptions(): Promise<string> {
    // Masked from the start, in case the secret was pasted into another variable that a message quotes.
    this.redactor.add(this.#input.env.INFISICAL_CLIENT_SECRET?.trim());
    const fromEnv = infisicalOptionsFromEnv(this.#input.env);
    if (fromEnv.enabled === false) {
      throw new StepFailure(
        'INFISICAL_ENABLED is false',
        new VerifyFailure(
          'usage',
          'INFISICAL_DISABLED',
          'infisical-disabled',
          'INFISICAL_ENABLED is false: the app then reads only the process environment / .env, so there is no Infisical ' +
            'connection to verify. Fix: unset INFISICAL_ENABLED (or set it to true) to check the Infisical settings.',
        ),
      );
    }
    const options = resolveInfisicalOptions({
      ...fromEnv,
      schema: this.#input.schema?.schema,
      requiredKeys: [...(fromEnv.requiredKeys ?? []), ...this.#input.requiredKeys],
    });
    this.redactor.add(options.clientSecret);
    if (!UUID.test(options.clientId)) {
      const swapped = UUID.test(options.clientSecret) ? ' INFISICAL_CLIENT_SECRET, on the other hand, looks like a UUID: the two may be swapped.' : '';
      throw new StepFailure(
        'INFISICAL_CLIENT_ID is not a UUID',
        new VerifyFailure(
          'usage',
          'INFISICAL_CLIENT_ID_MALFORMED',
          'client-id-malformed',
          `INFISICAL_CLIENT_ID is malformed: it is not a UUID (it has ${options.clientId.length} characters), and every ` +
            `Universal Auth client ID is one (like 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d).${swapped} No login was attempted. ` +
            `Fix: copy the Client ID from Infisical → Access Control → Machine Identities → <identity> → Universal Auth ` +
            `into INFISICAL_CLIENT_ID (the identity's name is not its client ID).`,
        ),
      );
    }
    this.#options = options;
    this.#client = new InfisicalClient(options, this.#clock, this.redactor);
    const { siteUrl, projectId, environment, secretPath } = options.target;
    return `site ${siteUrl}, project ${projectId}, environment "${environment}", path "${secretPath}", client ID ${options.clientId}`;
  }

  async #checkSite(): Promise<string> {
    const started = this.#clock.now();
    const status = await this.#requireClient().checkStatus(this.#signal);
    return `GET /api/status answered "${status.message || 'Ok'}" in ${this.#clock.now() - started} ms`;
  }

  async #checkLogin(): Promise<string> {
    const token = await this.#requireClient().login(this.#signal);
    const ttl = token.expiresAt === undefined ? 'no expiry' : formatDuration((token.expiresAt - token.issuedAt) / 1000);
    const maxTtl = token.maxExpiresAt === undefined ? 'none' : formatDuration((token.maxExpiresAt - token.issuedAt) / 1000);
    return `access token TTL ${ttl}, max TTL ${maxTtl}`;
  }

  async #checkProject(): Promise<string> {
    const project = await this.#requireClient().describeProject(this.#signal);
    this.#project = project;
    const name = project.name ? `"${project.name}" ` : '';
    return `${name}(${this.#requireOptions().target.projectId}), environments: ${project.environments.join(', ') || 'none'}`;
  }

  async #checkEnvironment(): Promise<string> {
    const { target } = this.#requireOptions();
    const environments = this.#project?.environments ?? [];
    if (!environments.includes(target.environment)) {
      const suggestion = closestMatch(target.environment, environments);
      throw new StepFailure(
        `"${target.environment}" does not exist${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        new InfisicalEnvironmentNotFoundError(target, environments, suggestion),
      );
    }
    return `"${target.environment}" exists`;
  }

  async #checkSecretPath(): Promise<string> {
    const { target } = this.#requireOptions();
    if (target.secretPath === '/') return '"/" (root folder)';
    const client = this.#requireClient();
    let parent = '/';
    for (const segment of target.secretPath.split('/').filter(Boolean)) {
      let children: string[];
      try {
        children = await client.listFolders(this.#signal, target.environment, parent);
      } catch (error) {
        // Listing folders is a separate permission in Infisical: without it, the list call decides.
        if (error instanceof InfisicalProjectAccessError || error instanceof InfisicalRequestError) return this.#secretPathFromList();
        throw error;
      }
      if (!children.includes(segment)) {
        const suggestion = closestMatch(segment, children);
        const suggested = suggestion === undefined ? undefined : joinPath(parent, suggestion);
        const known = children.length ? ` Folders in "${parent}": ${quoted(children)}.` : ` "${parent}" has no sub-folders.`;
        throw new StepFailure(
          `"${target.secretPath}" does not exist${suggested ? ` (did you mean "${suggested}"?)` : ''}`,
          new VerifyFailure(
            'secretPath',
            new InfisicalSecretPathNotFoundError(target).code,
            'secret-path-not-found',
            `Infisical folder "${target.secretPath}" was not found in environment "${target.environment}" of project ` +
              `${target.projectId}.${suggested ? ` Did you mean "${suggested}"?` : ''}${known} Fix: set ` +
              `INFISICAL_SECRET_PATH to an existing folder (paths start with "/" and are case-sensitive), or create the folder.`,
          ),
        );
      }
      parent = joinPath(parent, segment);
    }
    return `"${target.secretPath}" exists`;
  }

  async #secretPathFromList(): Promise<string> {
    try {
      await this.#listOnce();
      return `"${this.#requireOptions().target.secretPath}" exists (confirmed by the list call; this identity may not list folders)`;
    } catch (error) {
      if (error instanceof InfisicalSecretPathNotFoundError) throw error;
      return 'not checked here (this identity may not list folders): the list call decides';
    }
  }

  async #checkList(): Promise<string> {
    const fetched = await this.#listOnce();
    const { target } = this.#requireOptions();
    const imported = fetched.secrets.filter((s) => s.imported).length;
    const hidden = fetched.hiddenKeys.length ? `, ${fetched.hiddenKeys.length} with hidden values` : '';
    return `${plural(fetched.secrets.length, 'secret')} (${fetched.secrets.length - imported} in "${target.secretPath}", ${imported} imported)${hidden}`;
  }

  async #checkRequiredKeys(): Promise<string> {
    const { error } = await this.#validate();
    const missing = error?.issues.filter((i) => i.kind === 'missing') ?? [];
    const required = this.#requiredKeyNames();
    if (!missing.length) {
      return required.length
        ? `${plural(required.length, 'required key')} present: ${required.join(', ')}`
        : 'no required keys declared (--require, INFISICAL_REQUIRED_KEYS, --credentials or a schema declare them)';
    }
    const { target } = this.#requireOptions();
    const fetched = this.#fetched as FetchedSecrets;
    const missingKeys = missing.map((i) => i.key);
    const summary = `missing: ${missingKeys.join(', ')}`;
    const hidden = fetched.hiddenKeys.filter((k) => missingKeys.includes(k));
    if (hidden.length) {
      throw new StepFailure(
        `${summary} (see check 10)`,
        new VerifyFailure(
          'notReadable',
          'INFISICAL_ENVIRONMENT_NOT_READABLE',
          'values-hidden',
          `Infisical returned ${hidden.join(', ')} for ${describeTarget(target)} but hid the values: the machine identity ` +
            `may see these keys but not read their values. Fix: give the identity's project role "Read Value" on secrets in "${target.environment}".`,
        ),
        { step: 'readable', summary: `values of ${hidden.join(', ')} are hidden from this identity` },
      );
    }
    if (this.#ownCount() === 0) {
      const readable = await this.#readableElsewhere();
      if (readable.length) {
        throw new StepFailure(`${summary} (see check 10)`, new InfisicalPermissionError(target, missingKeys, readable), {
          step: 'readable',
          summary: `nothing returned for "${target.environment}", while this identity reads ${quoted(readable)}`,
        });
      }
    }
    const note =
      this.#ownCount() === 0
        ? `Infisical returned no secrets for ${describeTarget(target)}: either the folder is empty, or this identity ` +
          `cannot read it (Infisical hides unreadable secrets instead of refusing) and reads no other environment either.`
        : undefined;
    throw new StepFailure(summary, new InfisicalConfigValidationError((error as InfisicalConfigValidationError).where, missing, note));
  }

  async #checkRules(): Promise<string> {
    const { error } = await this.#validate();
    const malformed = error?.issues.filter((i) => i.kind === 'malformed') ?? [];
    if (malformed.length) {
      throw new StepFailure(
        `malformed: ${malformed.map((i) => i.key).join(', ')}`,
        new InfisicalConfigValidationError((error as InfisicalConfigValidationError).where, malformed),
      );
    }
    const credentials = this.#input.credentials.map((c) => c.name);
    const schema = this.#input.schema ? this.#input.schema.label : 'no schema';
    return `${schema}; ${credentials.length ? `${credentials.join(', ')} credential rules` : 'no credential rules'}: all pass`;
  }

  async #checkReadable(): Promise<string> {
    const { target } = this.#requireOptions();
    const own = this.#ownCount();
    if (own > 0) return `read ${plural(own, 'secret')} in "${target.environment}"`;
    const readable = await this.#readableElsewhere();
    if (readable.length) {
      this.#warnings.push(
        `Infisical returned no secrets for ${describeTarget(target)}, while this identity can read ${quoted(readable)}. ` +
          `Every required key came from the environment or a default, so the app would start; if "${target.environment}" ` +
          `should hold values, give the identity "Read" on secrets there.`,
      );
      return `nothing returned for "${target.environment}" (readable: ${quoted(readable)}) — see the warning`;
    }
    return `"${target.secretPath}" of "${target.environment}" returned no secrets (no sign of a read restriction)`;
  }

  // ---------------------------------------------------------------------------------------------- internals

  #requireOptions(): ResolvedInfisicalOptions {
    if (!this.#options) throw new Error('options were not checked');
    return this.#options;
  }

  #requireClient(): InfisicalClient {
    if (!this.#client) throw new Error('options were not checked');
    return this.#client;
  }

  /** The one list call of the run (shared by the folder fallback and the list check). */
  async #listOnce(): Promise<FetchedSecrets> {
    this.#list ??= this.#requireClient().fetchSecrets(this.#signal);
    const fetched = await this.#list;
    this.redactor.add(...fetched.secrets.map((s) => s.value));
    this.#fetched = fetched;
    return fetched;
  }

  #ownCount(): number {
    return (this.#fetched?.secrets ?? []).filter((s) => !s.imported).length;
  }

  async #readableElsewhere(): Promise<string[]> {
    const { target } = this.#requireOptions();
    const others = (this.#project?.environments ?? []).filter((e) => e !== target.environment);
    return others.length ? this.#requireClient().findReadableEnvironments(this.#signal, others) : [];
  }

  #requiredKeyNames(): string[] {
    const keys = [...this.#requireOptions().requiredKeys, ...this.#input.credentials.flatMap((c) => c.keys.map((k) => k.key))];
    return [...new Set(keys)].sort();
  }

  /** Validates Infisical's answer + the environment exactly like bootstrap does (once). */
  #validate(): Promise<{ config?: ValidatedConfig; error?: InfisicalConfigValidationError }> {
    this.#validation ??= (async () => {
      const options = this.#requireOptions();
      const fetched = this.#fetched as FetchedSecrets;
      const validator = new ConfigValidator(options.schema, options.requiredKeys, this.#input.credentials, `Infisical ${describeTarget(options.target)}`);
      this.#validator = validator;
      for (const key of validator.declaredKeys) this.redactor.add(this.#input.env[key]);
      const secrets = new Map(fetched.secrets.map((s) => [s.key, { value: s.value, version: s.version }]));
      try {
        this.#validated = { config: await validator.validate({ secrets, secretsSource: 'infisical', env: this.#input.env }) };
      } catch (error) {
        if (!(error instanceof InfisicalConfigValidationError)) throw error;
        this.#validated = { error };
      }
      return this.#validated;
    })();
    return this.#validation;
  }

  /** Every key the configuration declares or Infisical returned: source, version, verdict. Never a value. */
  #keyReports(): KeyReport[] {
    const fetched = this.#fetched;
    const options = this.#options;
    if (!fetched || !options) return [];
    const bySecret = new Map(fetched.secrets.map((s) => [s.key, s]));
    const issues = new Map((this.#validated?.error?.issues ?? []).map((i) => [i.key, i]));
    const validatedKeys = this.#validated?.config?.keys ?? {};
    const defaults = this.#classDefaults();
    const names = new Set([...(this.#validator?.declaredKeys ?? []), ...bySecret.keys(), ...issues.keys(), ...Object.keys(validatedKeys)]);
    return [...names].sort().map((key): KeyReport => {
      const secret = bySecret.get(key);
      const issue = issues.get(key);
      const status = issue?.kind ?? 'ok';
      if (secret) {
        const elsewhere = secret.environment !== options.target.environment || secret.secretPath !== options.target.secretPath;
        return { key, source: 'infisical', version: secret.version, ...(elsewhere ? { from: `${secret.environment}:${secret.secretPath}` } : {}), status };
      }
      if (this.#input.env[key] !== undefined) return { key, source: 'env', status };
      const isDefault = status !== 'missing' && (validatedKeys[key]?.source === 'default' || defaults.has(key));
      return { key, source: isDefault ? 'default' : 'none', status };
    });
  }

  /** Keys a class schema initialises (its defaults). */
  #classDefaults(): Set<string> {
    const schema = this.#options?.schema;
    if (typeof schema !== 'function') return new Set();
    try {
      const instance = new schema() as Record<string, unknown>;
      return new Set(schemaClassKeys(schema).filter((k) => instance[k] !== undefined));
    } catch {
      return new Set();
    }
  }
}
