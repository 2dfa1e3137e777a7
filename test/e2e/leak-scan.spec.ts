import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { inspect } from 'node:util';
import request from 'supertest';
import { AppEnvironment } from '../../src/config/app-environment.js';
import {
  GeminiCredentials,
  GmailCredentials,
  InfisicalModule,
  InjectSecret,
  InjectSecretGroup,
  NotionCredentials,
  registerSecretsAs,
  SecretGroup,
  SecretRef,
  SecretStore,
  type InfisicalAuthOptions,
  type InfisicalModuleOptions,
} from '../../src/infisical/index.js';
import { faultScenarios, MALFORMED_GEMINI_KEY, REQUEST_TIMEOUT_MS, TTL, TTL_MS } from '../support/fault-scenarios.js';
import { APP_DEV, APP_NO_READ, APP_OUTSIDER, APP_PROJECT_ID, APP_SHORT_TTL, APP_STAGING, appSeedSecrets, createAppSeed, credentialValues, PLATFORM_PROJECT_ID } from '../support/fixtures/app-seed.js';
import { ALL_CREDENTIALS, closedPortUrl, optionsFor, rejectionOf, startInfisicalApp, type TestApp } from '../support/infisical-app.js';
import { AWS_TEST_PRINCIPAL } from '../support/keyless/fake-aws-credentials.server.js';
import { startKeylessWorld } from '../support/keyless/keyless-world.js';
import { LocalInfisicalServer } from '../support/infisical-server/index.js';
import { findLeaks, LogCapture } from '../support/log-capture.js';
import { ManualClock } from '../support/manual-clock.js';
import { RedisServer } from '../support/redis-server.js';
import { waitFor } from '../support/wait-for.js';
import { deliver, infisicalWebhook, WEBHOOK_SECRET } from '../support/webhook-sender.js';

/** A namespace whose factory fails on the rotated key with an error that quotes it (JSON.parse of a non-JSON value). */
const ROTATED_GEMINI_KEY = credentialValues('dev', '9').GEMINI_API_KEY!;
const googleConfig = registerSecretsAs('google', (secrets) => ({
  key: secrets.GEMINI_API_KEY as string,
  parsed: secrets.GEMINI_API_KEY === ROTATED_GEMINI_KEY ? (JSON.parse(secrets.GEMINI_API_KEY as string) as unknown) : null,
}));

@Injectable()
class EverythingInjected {
  constructor(
    readonly gemini: GeminiCredentials,
    readonly gmail: GmailCredentials,
    readonly notion: NotionCredentials,
    readonly store: SecretStore,
    @InjectSecret('APP_GREETING') readonly greeting: SecretRef,
    @InjectSecretGroup('google') readonly google: SecretGroup,
  ) {}
}

/**
 * Runs the scenarios of the suites (healthy boot, rotation, every bootstrap failure, every mid-run fault) with all
 * output captured — Nest logs, anything written to stdout/stderr, errors with their stacks, health payloads and how
 * every injectable prints — then looks for every seeded secret value, rotated value, client secret and access token.
 */
describe('leak scan over all scenarios', () => {
  const captured: string[] = [];
  const logs = new LogCapture();
  const rotated = credentialValues('dev', '9');
  const tokens: string[] = [];
  const platformSecrets: string[] = [];
  const MALFORMED_NOTION_KEY = 'malformed-notion-value-123';
  const MALFORMED_GMAIL_SECRET = 'malformed-gmail-secret-456';
  let server: LocalInfisicalServer;
  const writes = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };

  beforeAll(async () => {
    for (const stream of ['stdout', 'stderr'] as const) {
      process[stream].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        captured.push(String(chunk));
        return (writes[stream] as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof process.stdout.write;
    }
  });
  afterAll(async () => {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    await server?.close();
  });

  function show(value: unknown) {
    captured.push(inspect(value, { depth: 6 }), String(value), JSON.stringify(value) ?? '');
  }

  it('a healthy boot, a rotation and every read path print no value', async () => {
    const clock = new ManualClock();
    server = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    const app = await startInfisicalApp({
      options: optionsFor(server, APP_DEV, 'dev', { schema: AppEnvironment, cacheTtlSeconds: TTL }),
      credentials: ALL_CREDENTIALS,
      clock,
      http: true,
      logs,
      imports: [InfisicalModule.forFeature({ secrets: ['APP_GREETING'], groups: { google: ['GEMINI_API_KEY', 'GMAIL_CLIENT_SECRET'] }, namespaces: [googleConfig] })],
      providers: [EverythingInjected],
    });
    const all = app.app.get(EverythingInjected);
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated.GEMINI_API_KEY! });
    await clock.advanceAsync(TTL_MS * 1.1 + 1, () => app.store.whenSettled());
    expect(all.gemini.apiKey).toBe(rotated.GEMINI_API_KEY);
    // the replaced value stays readable as `previous` (grace window): a seeded value, scanned for like the others
    expect(app.store.previous('GEMINI_API_KEY')).toBe(credentialValues('dev').GEMINI_API_KEY);
    // the factory's own message would quote the start of the value ("AIzaSy…" is not valid JSON): never shown
    const failure = logs.find('error', "registerSecretsAs('google')");
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatch(/^registerSecretsAs\('google'\) threw SyntaxError \(its message is not shown: it may quote a secret\) on the refreshed values; it keeps its last object\.( undefined)?$/);
    for (const injectable of [all.gemini, all.gmail, all.notion, all.store, all.greeting, all.google]) show(injectable);
    show(all);
    show(app.store.status());
    captured.push((await request(app.url).get('/health/infisical')).text, (await request(app.url).get('/health')).text);
    await app.close();
  });

  it('every bootstrap failure prints no value', async () => {
    const failures = [
      optionsFor(server, APP_DEV, 'dev', { requiredKeys: ['MISSING_KEY'] }),
      optionsFor(server, { ...APP_DEV, clientSecret: 'definitely-the-wrong-secret' }, 'dev'),
      optionsFor(server, APP_DEV, 'stg'),
      optionsFor(server, APP_DEV, 'dev', { secretPath: '/nowhere' }),
      optionsFor(server, APP_OUTSIDER, 'dev'),
      optionsFor(server, APP_NO_READ, 'dev'),
      optionsFor(server, APP_STAGING, 'dev'),
      optionsFor(server, APP_DEV, 'prod'),
      optionsFor({ url: await closedPortUrl() }, APP_DEV, 'dev', { startupTimeoutMs: 300 }),
      { ...optionsFor(server, APP_DEV, 'dev'), cacheTtlSeconds: 99_999 },
    ];
    server.setSecret({ projectId: APP_PROJECT_ID, environment: 'staging', key: 'NOTION_API_KEY', value: MALFORMED_NOTION_KEY });
    failures.push(optionsFor(server, APP_STAGING, 'staging'));
    for (const options of failures) {
      const error = await startInfisicalApp({ options, credentials: ALL_CREDENTIALS, logs }).then(
        async (app) => {
          await app.close();
          return new Error(`expected ${JSON.stringify(options.environment)} to fail`);
        },
        (e: Error) => e,
      );
      expect(error.name).toMatch(/^Infisical/);
      captured.push(error.message, error.stack ?? '', inspect(error));
    }
  });

  it('every mid-run fault prints no value', async () => {
    const clock = new ManualClock();
    const faulty = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    const app = await startInfisicalApp({
      options: optionsFor(faulty, APP_DEV, 'dev', { cacheTtlSeconds: TTL, requestTimeoutMs: REQUEST_TIMEOUT_MS, schema: AppEnvironment }),
      credentials: ALL_CREDENTIALS,
      clock,
      logs,
    });
    for (const scenario of faultScenarios) {
      scenario.breakIt(faulty);
      const before = faulty.requests.length;
      clock.advance(TTL_MS * 1.1 + 1);
      if (scenario.hangs) {
        await waitFor(() => faulty.requests.length > before, 'the refresh');
        clock.advance(REQUEST_TIMEOUT_MS);
      }
      await app.store.whenSettled();
      show(app.store.status());
      scenario.mend(faulty);
      await clock.advanceAsync(scenario.retryWithinMs, () => app.store.whenSettled());
      expect({ scenario: scenario.name, state: app.store.status().state }).toEqual({ scenario: scenario.name, state: 'up' });
    }
    await app.close();
    tokens.push(...faulty.issuedAccessTokens());
    await faulty.close();
  });

  it('several sources: a boot, a fault on one source, a malformed value in one folder and failures naming a source print no value', async () => {
    const clock = new ManualClock();
    const multi = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    const sources = [{ secretPath: '/shared' }, { secretPath: '/app' }, { projectId: PLATFORM_PROJECT_ID, secretPath: '/shared' }];
    const options = (extra: Partial<InfisicalModuleOptions> = {}) => optionsFor(multi, APP_DEV, 'dev', { sources, cacheTtlSeconds: TTL, schema: AppEnvironment, ...extra });
    const app = await startInfisicalApp({ options: options(), credentials: ALL_CREDENTIALS, clock, http: true, logs });
    multi.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', path: '/shared', key: 'GEMINI_API_KEY', value: rotated.GEMINI_API_KEY! });
    multi.injectFault({ kind: 'status', status: 500, path: '/api/v3/secrets/raw', query: { workspaceId: PLATFORM_PROJECT_ID } });
    await clock.advanceAsync(TTL_MS * 1.1 + 1, () => app.store.whenSettled());
    expect(app.store.status().state).toBe('degraded');
    show(app.store.status());
    show({ ...app.store.keyInfo() });
    captured.push((await request(app.url).get('/health/infisical')).text);
    multi.clearFaults();
    const refreshed = app.store.refresh(); // during the back-off: served by the retry at its end
    await clock.advanceAsync(Date.parse(app.store.status().nextRefreshAt!) + 1 - clock.now(), () => app.store.whenSettled());
    await refreshed;
    await app.close();

    multi.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', path: '/app', key: 'GMAIL_CLIENT_SECRET', value: MALFORMED_GMAIL_SECRET });
    const failures = [
      options(),
      options({ sources: [...sources.slice(0, 2), { projectId: PLATFORM_PROJECT_ID, secretPath: '/nowhere' }] }),
      options({ requiredKeys: ['MISSING_KEY'] }),
    ];
    for (const failing of failures) {
      const error = await rejectionOf(startInfisicalApp({ options: failing, credentials: ALL_CREDENTIALS, clock, logs }));
      expect(error.name).toMatch(/^Infisical/);
      captured.push(error.message, error.stack ?? '', inspect(error));
    }
    tokens.push(...multi.issuedAccessTokens());
    await multi.close();
  });

  it('the webhook receiver and the fleet on Redis (up, then down) print no value', async () => {
    const clock = new ManualClock();
    const redis = await RedisServer.start();
    const redisUrl = redis.url.replace('redis://', 'redis://default:redis-password-not-set-here@');
    const fleetKey = 'fleet-key-of-the-leak-scan-0123456789abcdef';
    const fleetApps: TestApp[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        fleetApps.push(
          await startInfisicalApp({
            options: optionsFor(server, APP_DEV, 'dev', { cacheTtlSeconds: TTL, webhook: { secret: WEBHOOK_SECRET }, fleet: { redisUrl: i === 0 ? redis.url : redisUrl, key: fleetKey } }),
            credentials: ALL_CREDENTIALS,
            clock,
            http: true,
            logs,
          }),
        );
      }
      server.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY', value: rotated.GEMINI_API_KEY! });
      const delivery = infisicalWebhook(clock.now());
      for (const d of [delivery, delivery, { ...delivery, signature: 'x' }]) captured.push(JSON.stringify(await deliver(fleetApps[0]!.url + '/webhooks/infisical', d)));
      await waitFor(() => fleetApps.every((a) => a.store.get('GEMINI_API_KEY') === rotated.GEMINI_API_KEY), 'the rotation');
      await redis.stop();
      await clock.advanceAsync(TTL_MS * 1.1 + 1, () => Promise.all(fleetApps.map((a) => a.store.whenSettled())));
      for (const a of fleetApps) show(a.store.status());
    } finally {
      for (const a of fleetApps) await a.close();
      await redis.stop();
    }
    expect(findLeaks([...captured, logs.text].join('\n'), [WEBHOOK_SECRET, 'redis-password-not-set-here', fleetKey])).toEqual([]);
  });

  it('keyless logins (every method, a lifecycle, every wrong set-up) print no platform credential', async () => {
    const clock = new ManualClock();
    const keylessServer = await LocalInfisicalServer.start({ seed: createAppSeed(), now: clock.now });
    const world = await startKeylessWorld(keylessServer, clock.now, APP_SHORT_TTL.id);
    const saved = { ...process.env };
    try {
      process.env.GCE_METADATA_HOST = world.metadata.host;
      process.env.AWS_ACCESS_KEY_ID = AWS_TEST_PRINCIPAL.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = AWS_TEST_PRINCIPAL.secretAccessKey;
      const id = APP_SHORT_TTL.id;
      const base = { siteUrl: keylessServer.url, projectId: APP_PROJECT_ID, environment: 'dev', cacheTtlSeconds: TTL };
      const methods: InfisicalAuthOptions[] = [
        { gcpIdToken: { identityId: id } },
        { kubernetes: { identityId: id, tokenPath: world.kubernetes.path } },
        { oidc: { identityId: id, jwt: world.ciToken(world.oidc, {}, 3600) } },
        { jwt: { identityId: id, jwt: world.ciToken(world.jwt, {}, 3600) } },
        { awsIam: { identityId: id } },
      ];
      for (const auth of methods) {
        const app = await startInfisicalApp({ options: { ...base, auth }, credentials: ALL_CREDENTIALS, clock, logs, http: true });
        await clock.advanceAsync(5 * 60 * 1000, () => app.store.whenSettled()); // renewals and fresh logins (TTL 60 s, max 120 s)
        show(app.store.status());
        captured.push((await request(app.url).get('/health/infisical')).text);
        await app.close();
      }
      const wrong: InfisicalAuthOptions[] = [
        { gcpIdToken: { identityId: APP_DEV.id } },
        { oidc: { identityId: id, jwt: world.ciToken(world.oidc, { aud: 'elsewhere' }, 3600) } },
        { jwt: { identityId: id, jwt: world.ciToken(world.oidc, {}, 3600) } },
        { kubernetes: { identityId: id, tokenPath: `${world.kubernetes.path}.missing` } },
      ];
      for (const auth of wrong) {
        const error = await rejectionOf(startInfisicalApp({ options: { ...base, auth }, credentials: ALL_CREDENTIALS, clock, logs }));
        captured.push(error.message, error.stack ?? '', inspect(error), JSON.stringify(error));
      }
      platformSecrets.push(...world.platformSecrets());
      tokens.push(...keylessServer.issuedAccessTokens());
      expect(world.metadata.issuedTokens.length).toBeGreaterThan(2);
    } finally {
      process.env = saved;
      await world.close();
      await keylessServer.close();
    }
  });

  it('found none of the seeded values, rotated values, client secrets or access tokens anywhere', () => {
    const output = [...captured, logs.text].join('\n');
    expect(output.length).toBeGreaterThan(10_000); // the scan really saw the scenarios' output
    const needles = [...platformSecrets, ...appSeedSecrets(), ...Object.values(rotated), MALFORMED_GEMINI_KEY, MALFORMED_NOTION_KEY, MALFORMED_GMAIL_SECRET, ...server.issuedAccessTokens(), ...tokens];
    expect(tokens.length + server.issuedAccessTokens().length).toBeGreaterThan(3);
    expect(findLeaks(output, needles)).toEqual([]);
  });
});
