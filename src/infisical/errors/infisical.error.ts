import { inspect } from 'node:util';

/** Structured facts about a failure: names, IDs, statuses, counts — never a secret value. */
export type InfisicalErrorDetail = Readonly<Record<string, unknown>>;

/**
 * Base class of every error the module throws. The message is the problem followed by `Fix: …`; `fix` and `detail`
 * carry the same information as fields, so that the app, the health payload and `verify-infisical` present one
 * failure the same way without re-reading the message. Never contains a secret value, client secret or token.
 */
export abstract class InfisicalError extends Error {
  /** Stable machine-readable code, e.g. `INFISICAL_AUTH_FAILED`. */
  abstract readonly code: string;
  /** Whether a later attempt may succeed without a configuration change (network trouble, 5xx, 429, timeouts). */
  readonly transient: boolean = false;
  /** What went wrong, without the fix. */
  readonly problem: string;
  /** What to do about it. */
  readonly fix: string;
  /** Structured facts (names, IDs, statuses), for logs and tools. */
  readonly detail: InfisicalErrorDetail;

  protected constructor(problem: string, fix: string, detail: InfisicalErrorDetail = {}, options?: { cause?: unknown }) {
    super(fix ? `${problem} Fix: ${fix}` : problem, options);
    this.name = new.target.name;
    this.problem = problem;
    this.fix = fix;
    this.detail = detail;
  }

  /** Adds a line to the message (e.g. why a fallback did not help either) and returns the same error. */
  withNote(note: string): this {
    this.message = `${this.message}\n${note}`;
    if (this.stack) this.stack = `${this.name}: ${this.message}`;
    return this;
  }

  /** Prints as `Name: message` plus the stack, without dumping the error's fields. */
  [inspect.custom](): string {
    return this.stack ?? `${this.name}: ${this.message}`;
  }
}
