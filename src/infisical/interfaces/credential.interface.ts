/** Format rule of one credential key. */
export interface CredentialKeyRule {
  /** Configuration key, e.g. `GEMINI_API_KEY`. */
  key: string;
  /** What a well-formed value looks like. */
  pattern: RegExp;
  /** Human description of the pattern, used in validation reports (never the value). */
  expectation: string;
  /** Where a correct value comes from. */
  source: string;
}

/** A typed group of credential keys (Gmail, Gemini, Notion, or your own). */
export interface CredentialDefinition {
  /** Display name, e.g. `Gmail`. */
  name: string;
  /** The keys of the group, each with its format rule. */
  keys: readonly CredentialKeyRule[];
}

/** A credential class: injectable, with a static definition of its keys and their format rules. */
export interface CredentialClass {
  new (...args: never[]): object;
  /** The group's name and its keys with their format rules. */
  readonly definition: CredentialDefinition;
}
