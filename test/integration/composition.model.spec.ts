/**
 * The model-based test of issue 22 through a real Nest application (`Test.createTestingModule` via
 * startInfisicalApp): `InfisicalModule.forRoot` with `ConfigModule`, a feature module (`forFeature` secrets and the
 * namespace, chosen per sequence), the credential provider and the webhook receiver the module provides. Infisical is
 * the same scripted `fetch` as at unit level and time is a ManualClock: no sockets, no real time.
 *
 * A shorter run than the unit one (50 sequences; MODEL_RUNS overrides it), random seed, replayable with
 * MODEL_SEED=<seed> MODEL_PATH=<path>.
 */
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import { GeminiCredentials, InfisicalModule, type SecretRef } from '../../src/infisical/index.js';
import { INFISICAL_WEBHOOK } from '../../src/infisical/infisical.constants.js';
import { getSecretToken } from '../../src/infisical/infisical.decorators.js';
import type { WebhookReceiver } from '../../src/infisical/webhook/attach-webhook.js';
import { startInfisicalApp } from '../support/infisical-app.js';
import { LogCapture } from '../support/log-capture.js';
import type { ManualClock } from '../support/manual-clock.js';
import { commands, setups } from '../support/model/composition.commands.js';
import type { Setup } from '../support/model/composition.model.js';
import { assertModel, isolateModelWorld, runParameters, sequenceAgainst } from '../support/model/composition.run.js';
import { CompositionSystem, driveUntilSettled, moduleOptions, paymentsConfig } from '../support/model/composition.system.js';
import type { ModelInfisical } from '../support/model/model-infisical.fake.js';

const parameters = runParameters(50);
isolateModelWorld();

/** Boots the Nest app of one setup; the views are the providers it injects. */
async function startApp(setup: Setup, infisical: ModelInfisical, clock: ManualClock): Promise<CompositionSystem> {
  const feature = InfisicalModule.forFeature({ secrets: setup.featureKeys ?? [], namespaces: setup.featureNamespace ? [paymentsConfig] : [] });
  const started = startInfisicalApp({
    options: moduleOptions(setup, infisical),
    credentials: setup.credentials ? [GeminiCredentials] : [],
    clock,
    imports: [feature],
    logs: new LogCapture(false),
  });
  const test = await driveUntilSettled(started, clock);
  const system = CompositionSystem.ofApp(
    {
      store: test.store,
      configService: test.config,
      webhook: (test.app.get(INFISICAL_WEBHOOK) as WebhookReceiver | null) ?? undefined,
      credentials: setup.credentials ? test.app.get(GeminiCredentials) : undefined,
      close: () => test.close(),
    },
    infisical,
    clock,
  );
  for (const key of setup.featureKeys ?? []) system.refs.set(key, test.app.get<string, SecretRef>(getSecretToken(key), { strict: false }));
  if (setup.featureNamespace) system.namespace = test.app.get(paymentsConfig.KEY, { strict: false });
  return system;
}

describe('composition model through a Nest app: ConfigService, providers and the store follow the model', () => {
  it(`${parameters.numRuns} random sequences (MODEL_SEED=${parameters.seed}) against InfisicalModule.forRoot + forFeature`, async () => {
    const property = fc.asyncProperty(
      setups({ features: true }),
      fc.commands(commands({ runtimeRequirements: false }), { maxCommands: 25, size: '+1' }),
      sequenceAgainst(startApp),
    );
    await assertModel(property, parameters);
  }, 300_000);
});
