/**
 * The commands of the model-based test (fast-check `AsyncCommand`s) and the model state they drive. After every
 * command the real system settles, the model reads what Infisical answered (the fake's log) and every view is
 * compared with the model (see {@link checkViews}).
 */
import fc from 'fast-check';
import {
  API_TOKEN,
  DATABASE_URL,
  ENV_VALUES,
  GEMINI,
  KEYS,
  MIRRORED,
  REQUIRABLE,
  SCHEMA_KEYS,
  SOURCES,
  VALUES,
  merge,
  policyViolations,
  rejections,
  servesRejected,
  type Key,
  type Merged,
  type Setup,
} from './composition.model.js';
import type { CompositionSystem } from './composition.system.js';
import type { ServerMode } from './model-infisical.fake.js';

/**
 * Rules whose assertions are skipped while the code that meets them has not landed (each one names the check it
 * turns off). Empty: every rule of the model is enforced.
 */
export const RULES_PENDING: ReadonlySet<PendingRule> = new Set<PendingRule>([]);
/** MODEL_ENFORCE=all (or a comma-separated list of rules) checks pending rules too, e.g. while fixing them. */
const ENFORCED = new Set((process.env.MODEL_ENFORCE ?? '').split(',').filter(Boolean));
const pending = (rule: PendingRule): boolean => RULES_PENDING.has(rule) && !ENFORCED.has('all') && !ENFORCED.has(rule);
export type PendingRule =
  /** Issue 22 item 1: an operator env value satisfies a key that forFeature / a namespace requires. */
  | 'env-satisfies-feature-requirement'
  /** Issue 22 item 2: a key deleted in Infisical falls back to the operator's value, in every view. */
  | 'delete-restores-operator-value'
  /** Issue 22 item 4: no trigger reaches Infisical during back-off, Retry-After or the pause after 401/403. */
  | 'policy-blocks-every-trigger'
  /** Issue 22: a trigger during back-off is remembered and served when back-off ends: not dropped, not twice. */
  | 'trigger-during-backoff-served-once';

/** Slack after the announced end of a back-off: Retry-After jitter (≤ 1 s) plus the webhook's 1 s spacing. */
const SERVE_WITHIN_MS = 2_000;

/** The model: what the system must show after each command. */
export class CompositionModel {
  readonly env: ReadonlySet<Key>;
  readonly declared: Set<Key>;
  readonly required: Set<Key>;
  readonly credentials: boolean;
  served: Merged;
  state: 'up' | 'degraded' = 'up';
  /** Keys made required at run time whose operator value reaches the views from the next accepted refresh. */
  readonly lenient = new Set<Key>();
  readonly refs = new Set<Key>();
  namespace = false;
  closed = false;
  /** A requirement was refused (the app would not boot): nothing more to run. */
  halted = false;
  mode: ServerMode = { kind: 'ok' };
  /** Announced ends of back-off (`status().nextRefreshAt`) during which a trigger arrived. */
  readonly owed: number[] = [];
  /** Requests sent before each trigger that came outside back-off (what it may start is its own refresh). */
  readonly freshTriggers: number[] = [];
  #answered = 0;
  #round = new Map<string, Readonly<Record<string, string>>>();

  constructor(readonly setup: Setup) {
    this.env = new Set(setup.env);
    this.credentials = setup.credentials;
    const features: Key[] = [...(setup.featureKeys ?? []), ...(setup.featureNamespace ? [DATABASE_URL as Key] : [])];
    this.required = new Set<Key>([...setup.requiredKeys, ...features, ...(setup.credentials ? [GEMINI as Key] : [])]);
    for (const key of setup.featureKeys ?? []) this.refs.add(key);
    this.namespace = setup.featureNamespace ?? false;
    this.declared = new Set([...SCHEMA_KEYS, ...this.required]);
    this.served = merge(
      SOURCES.map((path) => (setup.folders[path] ?? {}) as Record<string, string>),
      this.env,
      this.declared,
    );
  }

  /** Keys that reject the start-up configuration (empty: the app boots). */
  bootRejections(): Key[] {
    return rejections(this.served, this.required, this.credentials);
  }

  /** Whether a requirement of `key` is met now (Infisical, or the operator's environment). */
  canRequire(key: Key): boolean | 'either' {
    if (this.served.values[key] !== undefined) return true;
    if (!this.env.has(key)) return false;
    return pending('env-satisfies-feature-requirement') ? 'either' : true;
  }

  require(key: Key): void {
    this.required.add(key);
    this.declared.add(key);
    if (this.served.values[key] === undefined) this.lenient.add(key);
  }

  /** Applies the refreshes Infisical answered since the last call, in answer order. */
  absorb(system: CompositionSystem): void {
    const answers = system.infisical.requests.filter((r) => r.answeredSeq !== undefined && r.answeredSeq > this.#answered);
    answers.sort((a, b) => a.answeredSeq! - b.answeredSeq!);
    for (const r of answers) {
      this.#answered = r.answeredSeq!;
      if (system.closed && r.answeredAt! >= 0 && this.closed) continue;
      if (r.failed) {
        this.state = 'degraded';
        this.#round.clear();
        continue;
      }
      if (r.route !== 'list') continue;
      this.#round.set(r.path!, r.values!);
      if (this.#round.size < SOURCES.length) continue;
      const candidate = merge(
        SOURCES.map((path) => this.#round.get(path)!),
        this.env,
        this.declared,
      );
      this.#round.clear();
      if (rejections(candidate, this.required, this.credentials).length > 0) {
        this.state = 'degraded';
      } else {
        this.served = candidate;
        this.state = 'up';
        this.lenient.clear();
      }
    }
  }

  /** What the operator's environment holds for `key` (undefined: unset). */
  operatorValue(key: Key): string | undefined {
    return this.env.has(key) ? ENV_VALUES[key] : undefined;
  }
}

type Real = CompositionSystem;
type Cmd = fc.AsyncCommand<CompositionModel, Real>;

/** After each command: the model absorbs what Infisical answered, and every view must equal it. */
async function step(model: CompositionModel, real: Real): Promise<void> {
  await real.settle();
  model.absorb(real);
  checkViews(model, real);
}

function fail(what: string, expected: unknown, actual: unknown): never {
  throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Every view equals the model; no view serves a rejected value; Infisical saw no more than the policy allows. */
export function checkViews(model: CompositionModel, real: Real): void {
  const { store, configService } = real;
  const deletionPending = pending('delete-restores-operator-value');
  for (const key of KEYS) {
    if (model.lenient.has(key)) continue;
    const expected = model.served.values[key];
    // Under the pending rule, a mirrored key or one whose model value comes from the operator is not compared.
    if (deletionPending && (model.served.sources[key] === 'env' || MIRRORED.includes(key))) continue;
    if (store.get(key) !== expected) fail(`store.get(${key})`, expected, store.get(key));
    if (store.configuration()[key] !== expected) fail(`store.configuration().${key}`, expected, store.configuration()[key]);
    const viaConfig = expected ?? model.operatorValue(key);
    if (configService.get(key) !== viaConfig) fail(`ConfigService.get(${key})`, viaConfig, configService.get(key));
    if (!model.closed && store.status().keys[key]?.source !== model.served.sources[key]) {
      fail(`status().keys.${key}.source`, model.served.sources[key], store.status().keys[key]?.source);
    }
    const ref = real.refs.get(key);
    if (ref && ref.value !== expected) fail(`SecretRef(${key}).value`, expected, ref.value);
    if (MIRRORED.includes(key)) {
      const mirrored = model.closed ? model.operatorValue(key) : (expected ?? model.operatorValue(key));
      if (process.env[key] !== mirrored) fail(`process.env.${key} (mirror)`, mirrored, process.env[key]);
    }
  }
  if (real.credentials && !model.lenient.has(GEMINI) && real.credentials.apiKey !== model.served.values[GEMINI]) {
    fail('GeminiCredentials.apiKey', model.served.values[GEMINI], real.credentials.apiKey);
  }
  if (real.namespace && !model.lenient.has(DATABASE_URL)) {
    const url = model.served.values[DATABASE_URL];
    if (real.namespace.url !== url) fail('namespace mbtPayments.url', url, real.namespace.url);
    if (configService.get('mbtPayments.url') !== url) fail("ConfigService.get('mbtPayments.url')", url, configService.get('mbtPayments.url'));
  }
  const views = { ...store.configuration(), ...(real.credentials ? { [GEMINI]: real.credentials.apiKey } : {}) };
  if (servesRejected(views as Partial<Record<Key, unknown>>, model.credentials)) fail('a view serves a value the rules reject', 'none', views[GEMINI]);
  if (!model.closed && store.status().state !== model.state) fail('status().state', model.state, store.status().state);
  if (!pending('policy-blocks-every-trigger')) {
    const violations = policyViolations(real.infisical.requests);
    if (violations.length) throw new Error(`refresh policy broken:\n  ${violations.slice(0, 5).join('\n  ')}`);
  }
  if (!pending('trigger-during-backoff-served-once')) checkOwed(model, real);
}

/** A trigger that arrived during back-off is served when back-off ends: one refresh then, neither none nor two. */
function checkOwed(model: CompositionModel, real: Real): void {
  const now = real.clock.now();
  for (const due of [...new Set(model.owed)]) {
    if (now < due + SERVE_WITHIN_MS) continue;
    model.owed.splice(0, model.owed.length, ...model.owed.filter((d) => d !== due));
    if (model.closed) continue;
    const sent = real.infisical.requests.filter((r) => r.at >= due && r.at <= due + SERVE_WITHIN_MS);
    if (sent.length === 0) throw new Error(`a trigger received during back-off was dropped: no request in the ${SERVE_WITHIN_MS} ms after back-off ended at t=${due}`);
    // Served twice: two refreshes started together when back-off ended (later ones follow answers, and the policy check holds them).
    // A trigger that came after back-off ended (a refreshNow at the same clock time) starts a refresh of its own.
    const first = real.infisical.requests.indexOf(sent[0]!);
    const cut = Math.min(...model.freshTriggers.filter((i) => i > first), Infinity);
    const rounds = sent.filter((r) => r.route === 'list' && r.path === SOURCES[0] && r.at === sent[0]!.at && real.infisical.requests.indexOf(r) < cut).length;
    if (rounds > 1) throw new Error(`a trigger received during back-off was served ${rounds} times when back-off ended at t=${due}`);
  }
}

const running = (m: CompositionModel) => !m.halted && !m.closed;

class SetSecret implements Cmd {
  constructor(
    readonly path: string,
    readonly key: Key,
    readonly value: string,
  ) {}
  check = running;
  async run(model: CompositionModel, real: Real): Promise<void> {
    real.infisical.set(this.path, this.key, this.value);
    await step(model, real);
  }
  toString = () => `set ${this.path}:${this.key}=${this.value}`;
}

class DeleteSecret implements Cmd {
  constructor(
    readonly path: string,
    readonly key: Key,
  ) {}
  check = running;
  async run(model: CompositionModel, real: Real): Promise<void> {
    real.infisical.delete(this.path, this.key);
    await step(model, real);
  }
  toString = () => `delete ${this.path}:${this.key}`;
}

class ServerAnswers implements Cmd {
  constructor(readonly mode: ServerMode) {}
  check = running;
  async run(model: CompositionModel, real: Real): Promise<void> {
    real.infisical.mode = this.mode;
    model.mode = this.mode;
    await step(model, real);
  }
  toString = () => `server ${this.mode.kind === '429' ? `429 Retry-After ${this.mode.retryAfterSeconds}` : this.mode.kind}`;
}

/** Notes a trigger that arrives while the store waits out a failure (the policy owes it a refresh at the end). */
function noteTrigger(model: CompositionModel, real: Real): void {
  const status = real.store.status();
  const due = status.nextRefreshAt === undefined ? undefined : Date.parse(status.nextRefreshAt);
  // Back-off follows a failed answer (a rejected configuration is retried at the TTL cadence, without back-off).
  const answered = real.infisical.requests.filter((r) => r.answeredSeq !== undefined);
  const last = answered.reduce<(typeof answered)[number] | undefined>((a, r) => (a && a.answeredSeq! > r.answeredSeq! ? a : r), undefined);
  if (last?.failed && status.consecutiveFailures > 0 && due !== undefined && due > real.clock.now() && status.refreshStartedAt === undefined) model.owed.push(due);
  else model.freshTriggers.push(real.infisical.requests.length);
}

class Webhook implements Cmd {
  check = running;
  async run(model: CompositionModel, real: Real): Promise<void> {
    noteTrigger(model, real);
    const status = real.deliverWebhook();
    if (status >= 300) fail('webhook reply status', '< 300', status);
    await step(model, real);
  }
  toString = () => 'webhook';
}

class RefreshNow implements Cmd {
  check = running;
  async run(model: CompositionModel, real: Real): Promise<void> {
    noteTrigger(model, real);
    void real.store.refreshNow();
    await step(model, real);
  }
  toString = () => 'refreshNow';
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check = running;
  async run(model: CompositionModel, real: Real): Promise<void> {
    await real.advance(this.ms);
    await step(model, real);
  }
  toString = () => `advance ${this.ms} ms`;
}

class RequireFeature implements Cmd {
  constructor(readonly key: Key) {}
  check = (m: CompositionModel) => running(m) && !m.refs.has(this.key);
  async run(model: CompositionModel, real: Real): Promise<void> {
    const allowed = model.canRequire(this.key);
    let error: unknown;
    try {
      real.requireFeature(this.key);
    } catch (caught) {
      error = caught;
    }
    if (allowed === true && error) fail(`forFeature(${this.key}) at run time`, 'accepted', String(error));
    if (allowed === false && !error) fail(`forFeature(${this.key}) with the key missing everywhere`, 'refused', 'accepted');
    if (error) {
      model.halted = true;
      return;
    }
    model.require(this.key);
    model.refs.add(this.key);
    await step(model, real);
  }
  toString = () => `forFeature(${this.key})`;
}

class RegisterNamespace implements Cmd {
  check = (m: CompositionModel) => running(m) && !m.namespace;
  async run(model: CompositionModel, real: Real): Promise<void> {
    const allowed = model.canRequire(DATABASE_URL);
    let error: unknown;
    try {
      real.registerNamespace();
    } catch (caught) {
      error = caught;
    }
    if (allowed === true && error) fail('namespace reading DATABASE_URL', 'accepted', String(error));
    if (allowed === false && !error) fail('namespace reading a key missing everywhere', 'refused', 'accepted');
    if (error) {
      model.halted = true;
      real.namespace = undefined;
      return;
    }
    model.require(DATABASE_URL);
    model.namespace = true;
    await step(model, real);
  }
  toString = () => 'registerSecretsAs(mbtPayments)';
}

class Shutdown implements Cmd {
  check = running;
  async run(model: CompositionModel, real: Real): Promise<void> {
    await real.shutdown();
    model.closed = true;
    const sent = real.infisical.requests.length;
    await real.advance(3_600_000);
    if (real.infisical.requests.length !== sent) fail('requests after shutdown', sent, real.infisical.requests.length);
    model.absorb(real);
    checkViews(model, real);
  }
  toString = () => 'shutdown';
}

const key = fc.constantFrom(...KEYS);
const path = fc.constantFrom(...SOURCES);

/** Every command, with weights that keep sequences busy with refreshes. */
export function commands(options: { runtimeRequirements: boolean } = { runtimeRequirements: true }): Array<fc.Arbitrary<Cmd>> {
  const mode: fc.Arbitrary<ServerMode> = fc.oneof(
    { weight: 5, arbitrary: fc.constant({ kind: 'ok' } as ServerMode) },
    { weight: 1, arbitrary: fc.constant({ kind: '5xx' } as ServerMode) },
    { weight: 1, arbitrary: fc.constantFrom(5, 120).map((retryAfterSeconds) => ({ kind: '429', retryAfterSeconds }) as ServerMode) },
    { weight: 1, arbitrary: fc.constant({ kind: '401' } as ServerMode) },
    { weight: 1, arbitrary: fc.constant({ kind: '403' } as ServerMode) },
    { weight: 1, arbitrary: fc.constant({ kind: 'hang' } as ServerMode) },
  );
  return [
    fc.tuple(path, key).chain(([p, k]) => fc.constantFrom(...VALUES[k]).map((v) => new SetSecret(p, k, v))),
    fc.tuple(path, key).map(([p, k]) => new DeleteSecret(p, k)),
    mode.map((m) => new ServerAnswers(m)),
    fc.constant(new Webhook()),
    fc.constant(new RefreshNow()),
    fc.constantFrom(500, 1_000, 5_000, 30_000, 61_000, 130_000, 301_000).map((ms) => new Advance(ms)),
    fc.constant(new Shutdown()),
    ...(options.runtimeRequirements ? [fc.constantFrom(...REQUIRABLE).map((k) => new RequireFeature(k)), fc.constant(new RegisterNamespace())] : []),
  ];
}

/** Start-up worlds: Infisical values per source, the operator's environment, required keys, credentials. */
export function setups(options: { features: boolean } = { features: false }): fc.Arbitrary<Setup> {
  const folder = fc.record(Object.fromEntries(KEYS.map((k) => [k, fc.constantFrom(...VALUES[k])])) as Record<Key, fc.Arbitrary<string>>, { requiredKeys: [] });
  return fc.record({
    folders: fc.record({ [SOURCES[0]]: folder, [SOURCES[1]]: folder }),
    env: fc.subarray([...KEYS]),
    requiredKeys: fc.subarray([DATABASE_URL, API_TOKEN] as Key[]),
    credentials: fc.boolean(),
    ...(options.features ? { featureKeys: fc.subarray([...REQUIRABLE]), featureNamespace: fc.boolean() } : {}),
  }) as fc.Arbitrary<Setup>;
}
