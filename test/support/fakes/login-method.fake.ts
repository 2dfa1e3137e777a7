import type { InfisicalApi } from '../../../src/infisical/api/infisical-api.js';
import type { LoginAnswer } from '../../../src/infisical/api/login-response.parser.js';
import type { LoginMethod } from '../../../src/infisical/auth/login-method.interface.js';
import type { InfisicalTarget } from '../../../src/infisical/interfaces/infisical-source.interface.js';
import { loginAnswer } from './infisical-api.fake.js';

/** One login the session asked for, with what it was given. */
export interface FakeLogin {
  api: InfisicalApi;
  target: InfisicalTarget;
  signal: AbortSignal;
}

/**
 * A login method that answers from `answer(n)` (the n-th login, from 1; by default `token-n` valid for an hour,
 * max TTL a day) and records every login. `platformSecrets(n)` is what it registers for masking before answering.
 */
export class FakeLoginMethod implements LoginMethod {
  readonly label = 'Fake Auth';
  readonly logins: FakeLogin[] = [];
  answer: (n: number) => Promise<LoginAnswer> = async (n) => loginAnswer(`token-${n}`, 3600, 86_400);
  platformSecrets: ((n: number) => string[]) | undefined;

  constructor(
    readonly canLogIn = true,
    readonly secrets: readonly string[] = [],
  ) {}

  login(api: InfisicalApi, target: InfisicalTarget, signal: AbortSignal, mask: (secrets: string[]) => void): Promise<LoginAnswer> {
    this.logins.push({ api, target, signal });
    const n = this.logins.length;
    if (this.platformSecrets) mask(this.platformSecrets(n));
    return this.answer(n);
  }
}
