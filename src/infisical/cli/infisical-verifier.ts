import { schemaClassKeys } from '../config/config-validator.js';
import { systemClock } from '../infisical.clock.js';
import type { SecretRedactor } from '../redaction/secret-redactor.js';
import { StepFailure, VERIFY_CHECKS } from './verify-checks.js';
import { VerifyContext, type VerifyInput } from './verify-context.js';
import { toVerifyFailure, type VerifyFailure } from './verify-failure.js';
import { VERIFY_EXIT } from './verify-exit-codes.js';
import { listStepTitle, VERIFY_STEPS, type KeyReport, type StepReport, type VerificationReport, type VerifyStepId } from './verification-report.js';

export type { VerifyInput } from './verify-context.js';

/**
 * Runs the checks of `verify-infisical` one after the other with the module's own client and diagnostics (one
 * login, one list call per source, plus project / folder look-ups), stops at the first failure and explains it with
 * the message the app would print. The report carries key names, sources and versions, never a value;
 * {@link redactor} knows every sensitive string met on the way, for the printer.
 */
export class InfisicalVerifier {
  readonly #context: VerifyContext;

  constructor(input: VerifyInput) {
    this.#context = new VerifyContext(input, input.clock ?? systemClock);
  }

  /** Every secret value, credential and access token met during the run. */
  get redactor(): SecretRedactor {
    return this.#context.redactor;
  }

  /** Runs the checks in order, stopping at the first failure, and returns the report (never rejects for a failed check). */
  async run(): Promise<VerificationReport> {
    const ctx = this.#context;
    const steps: StepReport[] = VERIFY_STEPS.map((s, i) => ({ number: i + 1, id: s.id, title: s.title, status: 'skipped', detail: '' }));
    let failure: VerifyFailure | undefined;
    let failedStep: VerifyStepId | undefined;
    for (const step of steps) {
      if (failure) continue;
      try {
        step.detail = await VERIFY_CHECKS[step.id](ctx);
        step.status = 'passed';
      } catch (caught) {
        const stepFailure = caught instanceof StepFailure ? caught : undefined;
        failure = toVerifyFailure(stepFailure ? stepFailure.error : caught);
        failedStep = step.id;
        step.status = 'failed';
        step.detail = stepFailure?.summary ?? failure.summary;
        const root = stepFailure?.rootCause && steps.find((s) => s.id === stepFailure.rootCause!.step);
        if (root) {
          root.status = 'failed';
          root.detail = stepFailure!.rootCause!.summary;
          failedStep = root.id;
        }
      }
      if (step.id === 'options' && ctx.options) {
        const login = steps.find((s) => s.id === 'login')!;
        login.title = `login (${ctx.session.label})`;
        steps.find((s) => s.id === 'list')!.title = listStepTitle(ctx.sources.length);
      }
    }
    return {
      ok: !failure,
      exitCode: failure ? failure.exitCode : VERIFY_EXIT.ok,
      target: ctx.sources[0],
      sources: [...ctx.sources],
      steps,
      keys: this.#keyReports(),
      warnings: [...ctx.warnings],
      error: failure && { code: failure.code, reason: failure.reason, step: failedStep, message: failure.message },
    };
  }

  /** Every key the configuration declares or Infisical returned: source, version, verdict. Never a value. */
  #keyReports(): KeyReport[] {
    const ctx = this.#context;
    const answer = ctx.answer;
    const first = ctx.sources[0];
    if (!answer || !first) return [];
    const bySecret = new Map(answer.map((s) => [s.key, s]));
    const issues = new Map((ctx.validated?.error?.issues ?? []).map((i) => [i.key, i]));
    const validatedKeys = ctx.validated?.config?.keys ?? {};
    const defaults = this.#classDefaults();
    const names = new Set([...(ctx.validator?.declaredKeys ?? []), ...bySecret.keys(), ...issues.keys(), ...Object.keys(validatedKeys)]);
    return [...names].sort().map((key): KeyReport => {
      const secret = bySecret.get(key);
      const status = issues.get(key)?.kind ?? 'ok';
      if (secret) {
        const elsewhere = ctx.sources.length > 1 || secret.environment !== first.environment || secret.secretPath !== first.secretPath;
        const project = secret.projectId !== first.projectId ? `${secret.projectId}:` : '';
        return { key, source: 'infisical', version: secret.version, ...(elsewhere ? { from: `${project}${secret.environment}:${secret.secretPath}` } : {}), status };
      }
      if (ctx.input.env[key] !== undefined) return { key, source: 'env', status };
      const isDefault = status !== 'missing' && (validatedKeys[key]?.source === 'default' || defaults.has(key));
      return { key, source: isDefault ? 'default' : 'none', status };
    });
  }

  /** Keys a class schema initialises (its defaults). */
  #classDefaults(): Set<string> {
    const schema = this.#context.options?.schema;
    if (typeof schema !== 'function') return new Set();
    try {
      const instance = new schema() as Record<string, unknown>;
      return new Set(schemaClassKeys(schema).filter((k) => instance[k] !== undefined));
    } catch {
      return new Set();
    }
  }
}
