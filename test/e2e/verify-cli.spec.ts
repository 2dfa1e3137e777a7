/**
 * `verify-infisical` against the local Infisical server: one fresh server per situation, every output scanned for
 * secrets. The situations run the CLI in this process (`runVerifyCli` with exactly the environment the bin would get,
 * its working directory and captured output); the sample app (`node dist/main.js`, built by `pretest`) runs as a
 * child process in the situations it shares with the CLI; the compiled bin itself runs as a child process in the
 * tests of its wiring (shebang, exit code, stdout).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join, relative, resolve } from 'node:path';
import { runVerifyCli } from '../../src/infisical/cli/verify-cli.js';
import {
  APP_DEV,
  APP_NO_READ,
  APP_OUTSIDER,
  APP_PROJECT_ID,
  APP_STAGING,
  appSeedSecrets,
  createAppSeed,
} from '../support/fixtures/app-seed.js';
import { runNode } from '../support/app-process.js';
import type { TestIdentity } from '../support/fixtures/test-seed.js';
import { freePort } from '../support/free-port.js';
import { closedPortUrl } from '../support/infisical-app.js';
import { LocalInfisicalServer, type RequestLogEntry, type SeedClientSecret, type SeedFile } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';

const ROOT = resolve(process.cwd());
const CLI = join(ROOT, 'dist/infisical/cli/verify-infisical.js');
const SCHEMA = join(ROOT, 'dist/config/app-environment.js');
const APP_ARGS = ['--schema', `${SCHEMA}#AppEnvironment`, '--credentials', 'gmail,gemini,notion'];
const LOGIN = '/api/v1/auth/universal-auth/login';
/** Any JWT (an access token) — none may ever be printed. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/** Identities added to the app seed for the authentication situations (each its own, so none affects another). */
const extra = (n: number, name: string, secret: string): TestIdentity => ({
  id: `b1000000-0000-4000-8000-00000000000${n}`,
  name,
  clientId: `d2000000-0000-4000-8000-00000000000${n}`,
  clientSecret: secret,
});
const WRONG_SECRET_ID = extra(1, 'wrong-secret', 'wrongsecret-identity-client-secret-3a9f1c');
const REVOKED = extra(2, 'revoked', 'revoked-identity-client-secret-5b8e2d7f');
const EXPIRING = extra(3, 'expiring', 'expiring-identity-client-secret-6c7d3e8a');
const USED_UP = extra(4, 'used-up', 'usedup-identity-client-secret-7d6c4f9b');
const LOCKED = extra(5, 'locked', 'locked-identity-client-secret-8e5b5a0c');
const EXTRA_IDENTITIES = [WRONG_SECRET_ID, REVOKED, EXPIRING, USED_UP, LOCKED];

function seed(): SeedFile {
  const base = createAppSeed();
  const secrets: Record<string, Omit<SeedClientSecret, 'secret'>> = {
    [EXPIRING.id]: { ttlSeconds: 60 },
    [USED_UP.id]: { numUsesLimit: 1 },
  };
  return {
    ...base,
    identities: [
      ...base.identities,
      ...EXTRA_IDENTITIES.map((i) => ({
        id: i.id,
        name: i.name,
        clientId: i.clientId,
        clientSecrets: [{ secret: i.clientSecret, ...secrets[i.id] }],
        projects: [{ projectId: APP_PROJECT_ID, read: ['dev'] }],
      })),
    ],
  };
}

/** Everything that must never appear in the CLI's output. */
const SECRETS = [...appSeedSecrets(), ...EXTRA_IDENTITIES.map((i) => i.clientSecret), createAppSeed().authSecret as string];

function connection(server: { url: string }, identity: { clientId: string; clientSecret: string }, environment = 'dev'): Record<string, string> {
  return {
    INFISICAL_SITE_URL: server.url,
    INFISICAL_CLIENT_ID: identity.clientId,
    INFISICAL_CLIENT_SECRET: identity.clientSecret,
    INFISICAL_PROJECT_ID: APP_PROJECT_ID,
    INFISICAL_ENVIRONMENT: environment,
  };
}

async function login(server: LocalInfisicalServer, clientId: string, clientSecret: string): Promise<number> {
  const response = await fetch(`${server.url}${LOGIN}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, clientSecret }),
  });
  await response.arrayBuffer();
  return response.status;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in this process with exactly `env` (plus PATH, as the bin's child process gets) in `cwd` (an empty
 * directory unless given): what the bin does with `process.argv`, `process.env`, the working directory and its output.
 */
async function runCli(args: readonly string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runVerifyCli(args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

/** Runs the compiled bin (dist/) as a child process with exactly `env` (plus PATH) in `cwd`. */
function runCliProcess(args: readonly string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
  return runNode(CLI, args, env, cwd);
}

const MAIN = join(ROOT, 'dist/main.js');

/** Runs the sample app (`node dist/main.js`) with exactly `env` (plus PATH and a free PORT) in `cwd`; it must exit. */
async function runApp(env: Record<string, string>, cwd: string): Promise<CliRun> {
  return runNode(MAIN, [], { PORT: String(await freePort()), ...env }, cwd);
}

interface Situation {
  /** Connection variables (and any other environment) for the child, given the running server. */
  env: (server: LocalInfisicalServer) => Record<string, string> | Promise<Record<string, string>>;
  /** Arguments, given the working directory (default: the app's schema and credentials). */
  args?: (cwd: string) => string[];
  /** Prepares the server (admin API, raw requests) before the CLI runs. */
  setup?: (server: LocalInfisicalServer) => void | Promise<void>;
  /** Variables for a `.env` in the working directory (default: no `.env` at all). */
  dotenv?: (server: LocalInfisicalServer) => Record<string, string>;
  exit: number;
  says: Array<string | RegExp>;
  /**
   * Also start the sample app (`node dist/main.js`) in this situation, against a server prepared the same way, with
   * these extra variables (what the CLI gets as arguments): it must fail with the CLI's explanation.
   */
  app?: Record<string, string>;
}

interface Outcome extends CliRun {
  requests: RequestLogEntry[];
  /** The sample app's run in the same situation, when the situation has `app`. */
  app?: CliRun;
}

/** Working directory of the runs without a `.env`: empty, so no stray `.env` is read. */
const workDir = mkdtempSync(join(tmpdir(), 'verify-cli-'));

/** A loopback HTTP server that answers every request with an HTML page, like a web app at the wrong URL. */
async function htmlSite(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>Welcome</title><h1>Our shop</h1>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const htmlSites: Array<() => Promise<void>> = [];

const INVALID_CREDENTIALS = ['Invalid credentials', 'same answer for an unknown client ID and for a wrong, revoked or deleted client secret', 'No identity has it', 'One has it', 'Do not retry with guesses'];

const SITUATIONS: Record<string, Situation> = {
  'healthy configuration': {
    env: (s) => ({ ...connection(s, APP_DEV), PORT: '8080' }),
    exit: 0,
    says: [
      'OK: all 10 checks passed (exit code 0).',
      /access token TTL 30 d, max TTL 30 d/,
      /GEMINI_API_KEY\s+infisical\s+1\s+ok/,
      /NOTION_API_KEY\s+infisical\s+1\s+ok/,
      /PORT\s+env\s+–\s+ok/,
      /LOG_FORMAT\s+default\s+–\s+ok/,
      // without --app, the output says how to have the keys required in code checked
      'are checked only with --app <module>#<AppModule>, e.g. --app dist/app.module.js#AppModule (or list them with --require).',
    ],
  },
  'the credentials the app registers, read from its module (--app, no --credentials)': {
    env: (s) => connection(s, APP_DEV),
    args: () => ['--schema', `${SCHEMA}#AppEnvironment`, '--app', `${join(ROOT, 'dist/app.module.js')}#AppModule`],
    exit: 0,
    says: [/9\s+schema \+ credential rules\s+✓\s+AppEnvironment \(class-validator\); Gmail, Gemini, Notion credential rules: all pass/, /Read \S+app\.module\.js#AppModule \(\d+ modules\): no key required by forFeature or namespaces; credentials: Gmail, Gemini, Notion/],
  },
  'healthy configuration, --json': {
    env: (s) => connection(s, APP_DEV),
    args: () => [...APP_ARGS, '--json'],
    exit: 0,
    says: ['"ok": true'],
  },
  'usage: unknown flag': {
    env: (s) => connection(s, APP_DEV),
    args: () => ['--colour'],
    exit: 2,
    says: ['unknown argument "--colour"'],
  },
  'bad options: project ID not set': {
    env: (s) => {
      const { INFISICAL_PROJECT_ID: _omitted, ...rest } = connection(s, APP_DEV);
      return rest;
    },
    exit: 2,
    says: ['INFISICAL_PROJECT_ID (option projectId): is required'],
    app: {},
  },
  'malformed client ID': {
    env: (s) => ({ ...connection(s, APP_DEV), INFISICAL_CLIENT_ID: 'app-dev' }),
    exit: 2,
    says: ['INFISICAL_CLIENT_ID (option auth.universalAuth.clientId): is not a UUID', 'No login was attempted', "the identity's name or ID is not its client ID"],
    app: {},
  },
  'wrong site URL (nothing listens)': {
    env: async (s) => ({ ...connection(s, APP_DEV), INFISICAL_SITE_URL: await closedPortUrl() }),
    exit: 3,
    says: ['could not be used for environment "dev"', 'connection refused (ECONNREFUSED)', 'Fix: check siteUrl (INFISICAL_SITE_URL'],
    app: { INFISICAL_STARTUP_TIMEOUT_MS: '1000' },
  },
  'wrong site URL (not Infisical)': {
    env: async (s) => {
      const site = await htmlSite();
      htmlSites.push(site.close);
      return { ...connection(s, APP_DEV), INFISICAL_SITE_URL: site.url };
    },
    exit: 3,
    says: ['it answered with a body that is not JSON', 'set siteUrl (INFISICAL_SITE_URL) to the root URL'],
    app: { INFISICAL_STARTUP_TIMEOUT_MS: '1000' },
  },
  'unknown client ID': {
    env: (s) => ({ ...connection(s, APP_DEV), INFISICAL_CLIENT_ID: 'd9999999-0000-4000-8000-000000000000' }),
    exit: 4,
    says: INVALID_CREDENTIALS,
    app: {},
  },
  'wrong client secret': {
    env: (s) => ({ ...connection(s, WRONG_SECRET_ID), INFISICAL_CLIENT_SECRET: 'not-the-right-client-secret-0000' }),
    exit: 4,
    says: INVALID_CREDENTIALS,
    app: {},
  },
  'revoked client secret': {
    setup: (s) => s.revokeClientSecret(REVOKED.clientId, REVOKED.clientSecret),
    env: (s) => connection(s, REVOKED),
    exit: 4,
    says: INVALID_CREDENTIALS,
    app: {},
  },
  'expired client secret': {
    setup: (s) => s.advanceTime(61_000),
    env: (s) => connection(s, EXPIRING),
    exit: 4,
    says: ['the client secret has expired', 'create a new client secret', 'TTL 0'],
    app: {},
  },
  'used-up client secret': {
    setup: async (s) => {
      expect(await login(s, USED_UP.clientId, USED_UP.clientSecret)).toBe(200);
    },
    env: (s) => connection(s, USED_UP),
    exit: 4,
    says: ['the client secret reached its usage limit', 'max number of uses 0'],
    app: {},
  },
  'locked-out identity': {
    setup: async (s) => {
      for (let i = 0; i < 3; i++) expect(await login(s, LOCKED.clientId, `wrong-guess-${i}-for-the-locked-identity`)).toBe(401);
    },
    env: (s) => connection(s, LOCKED),
    exit: 5,
    says: ['temporarily locked Universal Auth for this machine identity', 'was not even checked'],
    app: {},
  },
  'wrong project ID': {
    env: (s) => ({ ...connection(s, APP_DEV), INFISICAL_PROJECT_ID: '00000000-0000-4000-8000-000000000000' }),
    exit: 6,
    says: ['Project 00000000-0000-4000-8000-000000000000 does not exist', 'Project Settings'],
    app: {},
  },
  'identity not a member of the project': {
    env: (s) => connection(s, APP_OUTSIDER),
    exit: 6,
    says: ['is not a member of project', 'Add'],
    app: {},
  },
  'identity without any read rule': {
    env: (s) => connection(s, APP_NO_READ),
    exit: 6,
    says: ['its project role may not read secrets', '"Read" on secrets in "dev"'],
    app: {},
  },
  'wrong environment slug': {
    env: (s) => connection(s, APP_DEV, 'stg'),
    exit: 7,
    says: ['environment "stg" was not found', 'Did you mean "staging"?', 'INFISICAL_ENVIRONMENT'],
    app: {},
  },
  'wrong secret path': {
    env: (s) => ({ ...connection(s, APP_DEV), INFISICAL_SECRET_PATH: '/backnd' }),
    exit: 8,
    says: ['folder "/backnd" was not found', 'Did you mean "/backend"?', 'INFISICAL_SECRET_PATH'],
    app: {},
  },
  'identity without read access to the environment': {
    env: (s) => connection(s, APP_STAGING, 'dev'),
    exit: 9,
    says: ['cannot read secrets in environment "dev"', 'can read "staging"', 'hides secrets the identity may not read'],
    app: {},
  },
  'missing required key (deleted in Infisical)': {
    setup: (s) => s.deleteSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'GEMINI_API_KEY' }),
    env: (s) => connection(s, APP_DEV),
    exit: 10,
    says: ['GEMINI_API_KEY: missing', 'Fix: add GEMINI_API_KEY to Infisical environment "dev"', 'Google AI Studio'],
    app: {},
  },
  'missing required key (--require, INFISICAL_REQUIRED_KEYS)': {
    env: (s) => connection(s, APP_DEV),
    args: () => [...APP_ARGS, '--require', 'STRIPE_API_KEY'],
    exit: 10,
    says: ['STRIPE_API_KEY: missing', 'Fix: add STRIPE_API_KEY'],
    app: { INFISICAL_REQUIRED_KEYS: 'STRIPE_API_KEY' },
  },
  'malformed key': {
    setup: (s) => {
      s.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', key: 'NOTION_API_KEY', value: 'Bearer not-a-notion-token-0000' });
    },
    env: (s) => connection(s, APP_DEV),
    exit: 11,
    says: ['NOTION_API_KEY (from Infisical, version 2): malformed', 'starting with "ntn_"'],
    app: {},
  },
  'Infisical answers 5xx at start-up': {
    setup: (s) => void s.injectFault({ kind: 'status', status: 503, message: 'Service temporarily unavailable' }),
    env: (s) => connection(s, APP_DEV),
    exit: 3,
    says: ['HTTP 503'],
    app: { INFISICAL_STARTUP_TIMEOUT_MS: '1000' },
  },
  'cache TTL out of range': {
    env: (s) => ({ ...connection(s, APP_DEV), INFISICAL_CACHE_TTL: '99999' }),
    exit: 2,
    says: ['INFISICAL_CACHE_TTL (option cacheTtlSeconds)'],
    app: {},
  },
  'https against an http server': {
    env: (s) => ({ ...connection(s, APP_DEV), INFISICAL_SITE_URL: s.url.replace('http://', 'https://') }),
    exit: 3,
    says: ['INFISICAL_SITE_URL'],
    app: { INFISICAL_STARTUP_TIMEOUT_MS: '1000' },
  },
  'several folders: healthy': {
    env: (s) => ({ ...connection(s, APP_DEV), INFISICAL_SECRET_PATHS: '/shared,/app' }),
    exit: 0,
    says: [
      `Infisical check for 2 sources at`,
      `#1 environment "dev", path "/shared" of project ${APP_PROJECT_ID}; #2 environment "dev", path "/app" of project ${APP_PROJECT_ID}`,
      /6\s+secret path exists\s+✓\s+#1 "\/shared" exists, #2 "\/app" exists/,
      /7\s+list secrets \(one call per source: 2\)\s+✓\s+#1 3 secrets \(3 in "\/shared", 0 imported\), #2 4 secrets \(4 in "\/app", 0 imported\)/,
      /APP_GREETING\s+infisical\s+1\s+dev:\/app\s+ok/,
      /GEMINI_API_KEY\s+infisical\s+1\s+dev:\/shared\s+ok/,
      'OK: all 10 checks passed',
    ],
  },
  'several folders: one of them does not exist': {
    env: (s) => ({ ...connection(s, APP_DEV), INFISICAL_SECRET_PATHS: '/shared,/ap' }),
    exit: 8,
    says: [`folder "/ap" was not found in environment "dev" of project ${APP_PROJECT_ID}`, 'Did you mean "/app"?', 'INFISICAL_SECRET_PATHS'],
  },
  'several folders: the list call of one fails': {
    setup: (s) => void s.injectFault({ kind: 'status', status: 500, path: '/api/v3/secrets/raw', query: { secretPath: '/app' } }),
    env: (s) => ({ ...connection(s, APP_DEV), INFISICAL_SECRET_PATHS: '/shared,/app' }),
    exit: 3,
    says: [`could not be used for environment "dev" (project ${APP_PROJECT_ID}, path "/app"): HTTP 500`],
  },
  'several folders: a required key is in none of them': {
    setup: (s) => s.deleteSecret({ projectId: APP_PROJECT_ID, environment: 'dev', path: '/shared', key: 'GEMINI_API_KEY' }),
    env: (s) => ({ ...connection(s, APP_DEV), INFISICAL_SECRET_PATHS: '/shared,/app' }),
    exit: 10,
    says: [
      'GEMINI_API_KEY: missing',
      `Fix: add GEMINI_API_KEY to Infisical sources #1 environment "dev" (project ${APP_PROJECT_ID}, path "/shared"), #2 environment "dev" (project ${APP_PROJECT_ID}, path "/app")`,
    ],
  },
  'several folders: a malformed key names the folder it came from': {
    setup: (s) => {
      s.setSecret({ projectId: APP_PROJECT_ID, environment: 'dev', path: '/app', key: 'GMAIL_CLIENT_ID', value: 'not-a-client-id-0000' });
    },
    env: (s) => ({ ...connection(s, APP_DEV), INFISICAL_SECRET_PATHS: '/shared,/app' }),
    exit: 11,
    says: [`Fix: correct GMAIL_CLIENT_ID in Infisical environment "dev" (project ${APP_PROJECT_ID}, path "/app") (the rejected value is version 2)`],
  },
  'several folders: the environment is not readable': {
    env: (s) => ({ ...connection(s, APP_STAGING), INFISICAL_SECRET_PATHS: '/shared,/app' }),
    exit: 9,
    says: [`cannot read secrets in environment "dev" (project ${APP_PROJECT_ID}, path "/shared")`, 'can read "staging"'],
  },
  'settings from .env (the environment wins)': {
    // The whole connection comes from .env, except a wrong environment there that the process environment overrides;
    // the schema path is relative to the working directory, as in `npm run verify:infisical`.
    dotenv: (s) => connection(s, APP_DEV, 'stg'),
    env: () => ({ INFISICAL_ENVIRONMENT: 'dev' }),
    args: (cwd) => ['--schema', `${relative(cwd, SCHEMA)}#AppEnvironment`, '--credentials', 'gmail,gemini,notion'],
    exit: 0,
    says: [/Loaded \S+\.env: 4 variable\(s\); already set in the environment, kept: INFISICAL_ENVIRONMENT/, 'OK: all 10 checks passed'],
  },
};

/** Site URLs (the app's and the CLI's servers differ) replaced by a placeholder. */
const normalize = (text: string) => text.replace(/https?:\/\/127\.0\.0\.1:\d+/g, '<site>');
/** The CLI's explanation of a failure: stderr after the "✗ " mark. */
const cliReport = (run: CliRun) => run.stderr.trim().replace(/^✗ /, '');
/** The app's explanation of a failed start: what follows "Application failed to start.\n<ErrorName>: ". */
const appReport = (run: CliRun) => run.stderr.slice(run.stderr.indexOf('Application failed to start.')).replace(/^Application failed to start\.\n(Infisical\w*Error: )?/, '').trim();

/** `| situation | app: error class | CLI exit code | the message's first line, shortened |` (docs/health-and-errors.md, "Misconfigurations"). */
function misconfigurationRow(name: string, situation: Situation, outcome: Outcome): string {
  const app = outcome.app as CliRun;
  const errorName = /Application failed to start\.\n(\w+):/.exec(app.stderr)?.[1] ?? '?';
  // the first line, or the first problem of a report; without the "Infisical at … could not be used for …:" preamble
  const [head, next] = normalize(appReport(app)).split('\n');
  const first = (head!.endsWith(':') && next ? next.replace(/^\s*- /, '') : head!)
    .replace(/^Infisical at <site> could not be used for [^:]*\): /, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '…');
  const short = first.length > 120 ? `${first.slice(0, 119).trimEnd()}…` : first;
  return `| ${name} | \`${errorName}\` | ${situation.exit} | ${short.replace(/\|/g, '\\|')} |`;
}

/** The failure message (stderr) of a run, with client ID and site normalised so equal explanations compare equal. */
const explanation = (run: CliRun) =>
  run.stderr
    .trim()
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, '<site>');

describe('verify-infisical (the CLI in-process, the sample app and the compiled bin as child processes)', () => {
  const outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    const queue = Object.entries(SITUATIONS);
    const runOne = async ([name, situation]: [string, Situation]) => {
      const server = await LocalInfisicalServer.start({ seed: seed() });
      const cwd = situation.dotenv ? mkdtempSync(join(tmpdir(), 'verify-cli-env-')) : workDir;
      try {
        await situation.setup?.(server);
        if (situation.dotenv) {
          const lines = Object.entries(situation.dotenv(server)).map(([k, v]) => `${k}=${v}`);
          writeFileSync(join(cwd, '.env'), `# local settings\n${lines.join('\n')}\n`);
        }
        server.clearRequests();
        const run = await runCli(situation.args?.(cwd) ?? APP_ARGS, await situation.env(server), cwd);
        outcomes.set(name, { ...run, requests: [...server.requests] });
      } finally {
        await server.close();
        if (cwd !== workDir) rmSync(cwd, { recursive: true, force: true });
      }
      if (!situation.app) return;
      // the same situation on a fresh server, for the sample app
      const fresh = await LocalInfisicalServer.start({ seed: seed() });
      try {
        await situation.setup?.(fresh);
        const app = await runApp({ ...(await situation.env(fresh)), ...situation.app }, workDir);
        outcomes.get(name)!.app = app;
      } finally {
        await fresh.close();
      }
    };
    const workers = Array.from({ length: 4 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await runOne(next);
    });
    await Promise.all(workers);
    await Promise.all(htmlSites.map((close) => close()));
  }, 240_000);

  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it.each(Object.entries(SITUATIONS))('%s → exit code as documented, a message naming the fix, no secret', (name, situation) => {
    const run = outcomes.get(name) as Outcome;
    const output = `${run.stdout}\n${run.stderr}`;
    expect({ name, code: run.code }).toEqual({ name, code: situation.exit });
    for (const fragment of situation.says) {
      if (typeof fragment === 'string') expect(output).toContain(fragment);
      else expect(output).toMatch(fragment);
    }
    expect(findLeaks(output, SECRETS)).toEqual([]);
    expect(output).not.toMatch(JWT);
    if (situation.exit === 0) expect(run.stderr).toBe('');
  });

  const APP_SITUATIONS = Object.entries(SITUATIONS).filter(([, s]) => s.app);

  it.each(APP_SITUATIONS)('%s → the sample app (node dist/main.js) fails with the same message as the CLI', (name) => {
    const outcome = outcomes.get(name) as Outcome;
    const app = outcome.app as CliRun;
    expect({ name, code: app.code }).toEqual({ name, code: 1 });
    expect(app.stderr.match(/Application failed to start/g)).toHaveLength(1);
    const reported = appReport(app);
    expect(normalize(reported)).toBe(normalize(cliReport(outcome)));
    // a start-up failure never claims that values are kept when the process is about to exit
    expect(app.stderr).not.toMatch(/values are kept|is retried|serving the last/i);
    expect(findLeaks(`${app.stdout}\n${app.stderr}`, SECRETS)).toEqual([]);
    expect(`${app.stdout}\n${app.stderr}`).not.toMatch(JWT);
  });

  it("the misconfiguration table of docs/health-and-errors.md shows what the app and the CLI say in each (one row per situation)", () => {
    const rows = APP_SITUATIONS.map(([name, situation]) => misconfigurationRow(name, situation, outcomes.get(name) as Outcome));
    const guide = readFileSync(join(ROOT, 'docs/health-and-errors.md'), 'utf8');
    expect(rows.length).toBeGreaterThanOrEqual(15);
    expect(rows.filter((row) => !guide.includes(row))).toEqual([]);
  });

  it('gives every misconfiguration its own message, except the cases Infisical itself does not tell apart', () => {
    const failures = Object.entries(SITUATIONS).filter(([, s]) => s.exit > 1);
    const byMessage = new Map<string, string[]>();
    for (const [name] of failures) {
      const message = explanation(outcomes.get(name) as Outcome);
      expect(message).not.toBe('');
      byMessage.set(message, [...(byMessage.get(message) ?? []), name]);
    }
    const shared = [...byMessage.values()].filter((names) => names.length > 1);
    // Infisical answers "Invalid credentials" for all three; the one message says how to tell them apart.
    expect(shared).toEqual([['unknown client ID', 'wrong client secret', 'revoked client secret']]);
  });

  it('makes exactly one login attempt, so it can never lock an identity out', () => {
    for (const name of ['wrong client secret', 'unknown client ID', 'revoked client secret', 'healthy configuration']) {
      const logins = (outcomes.get(name) as Outcome).requests.filter((r) => r.path === LOGIN);
      expect({ name, logins: logins.length }).toEqual({ name, logins: 1 });
    }
    expect((outcomes.get('malformed client ID') as Outcome).requests).toEqual([]);
  });

  it('reads the folder with a single list call on the healthy path', () => {
    const lists = (outcomes.get('healthy configuration') as Outcome).requests.filter((r) => r.path === '/api/v3/secrets/raw');
    expect(lists).toHaveLength(1);
    expect(lists[0]?.query).toMatchObject({ workspaceId: APP_PROJECT_ID, environment: 'dev', secretPath: '/' });
  });

  it('prints the step table with every check, and skips the checks after a failure', () => {
    const healthy = (outcomes.get('healthy configuration') as Outcome).stdout;
    const rows = healthy.split('\n').filter((line) => /^\s*\d+\s{2}/.test(line));
    expect(rows).toHaveLength(10);
    expect(rows.every((row) => row.includes('✓'))).toBe(true);
    const failed = (outcomes.get('wrong environment slug') as Outcome).stdout;
    expect(failed).toMatch(/5\s+environment exists\s+✗\s+"stg" does not exist \(did you mean "staging"\?\)/);
    expect(failed).toMatch(/6\s+secret path exists\s+–/);
    expect(failed).toContain('FAILED at check 5, environment exists: exit code 7 (environment).');
  });

  it('--json prints one parseable object with steps, keys (sources and versions) and the exit code', () => {
    const run = outcomes.get('healthy configuration, --json') as Outcome;
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      exitCode: number;
      exitName: string;
      steps: Array<{ number: number; id: string; status: string }>;
      keys: Array<{ key: string; source: string; version?: number; status: string }>;
    };
    expect(report).toMatchObject({ ok: true, exitCode: 0, exitName: 'ok' });
    expect(report.steps.map((s) => s.status)).toEqual(Array(10).fill('passed'));
    expect(report.keys).toEqual(
      expect.arrayContaining([
        { key: 'GEMINI_API_KEY', source: 'infisical', version: 1, status: 'ok' },
        { key: 'GMAIL_REFRESH_TOKEN', source: 'infisical', version: 1, status: 'ok' },
        { key: 'LOG_FORMAT', source: 'default', status: 'ok' },
      ]),
    );
    expect(run.stderr).toBe('');
  });

  it('the compiled bin (child process) --json reports a failure with its code, the failed step and the same exit code', async () => {
    const server = await LocalInfisicalServer.start({ seed: seed() });
    try {
      const run = await runCliProcess([...APP_ARGS, '--json'], connection(server, APP_STAGING, 'dev'), workDir);
      const report = JSON.parse(run.stdout) as { exitCode: number; error: { code: string; step: string; message: string }; steps: Array<{ status: string }> };
      expect(run.code).toBe(9);
      expect(report.exitCode).toBe(9);
      expect(report.error).toMatchObject({ code: 'INFISICAL_ENVIRONMENT_NOT_READABLE', step: 'readable' });
      expect(report.steps.map((s) => s.status)).toEqual([...Array(7).fill('passed'), 'failed', 'skipped', 'failed']);
      expect(run.stderr).toBe('');
      expect(findLeaks(run.stdout, SECRETS)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('--app reads the keys that forFeature and namespaces require, where the run without it passed (compiled bin)', async () => {
    // An application module compiled to plain ESM: forFeature and a namespace require keys that Infisical lacks.
    const app = join(workDir, 'billing.module.mjs');
    writeFileSync(
      app,
      [
        "import { createRequire } from 'node:module';",
        `const { Module } = createRequire(${JSON.stringify(join(ROOT, 'package.json'))})('@nestjs/common');`,
        `const { InfisicalModule, registerSecretsAs } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/infisical/index.js')).href)});`,
        "const payments = registerSecretsAs('payments', (secrets) => ({ webhook: secrets.PAYMENTS_WEBHOOK_SECRET }));",
        'export class BillingModule {}',
        "Module({ imports: [InfisicalModule.forFeature({ secrets: ['STRIPE_API_KEY'], namespaces: [payments] })] })(BillingModule);",
        'export class AppModule {}',
        'Module({ imports: [BillingModule] })(AppModule);',
      ].join('\n'),
    );
    const server = await LocalInfisicalServer.start({ seed: seed() });
    try {
      const without = await runCliProcess(APP_ARGS, connection(server, APP_DEV), workDir);
      expect(without.code).toBe(0);
      expect(without.stdout).toContain('checked only with --app <module>#<AppModule>');
      const run = await runCliProcess([...APP_ARGS, '--app', 'billing.module.mjs#AppModule'], connection(server, APP_DEV), workDir);
      expect(run.code).toBe(10);
      expect(run.stdout).toMatch(/Read billing\.module\.mjs#AppModule \(\d+ modules\): requires STRIPE_API_KEY, PAYMENTS_WEBHOOK_SECRET/);
      expect(run.stdout).toMatch(/8\s+required keys present\s+✗\s+missing: STRIPE_API_KEY, PAYMENTS_WEBHOOK_SECRET/);
      expect(run.stderr).toContain('STRIPE_API_KEY: missing');
      const json = JSON.parse((await runCliProcess([...APP_ARGS, '--app', 'billing.module.mjs#AppModule', '--json'], connection(server, APP_DEV), workDir)).stdout) as { app: unknown };
      expect(json.app).toEqual({
        module: 'billing.module.mjs#AppModule',
        requires: { STRIPE_API_KEY: ["InfisicalModule.forFeature (@InjectSecret('STRIPE_API_KEY'))"], PAYMENTS_WEBHOOK_SECRET: ["registerSecretsAs('payments')"] },
        credentials: [],
      });
    } finally {
      rmSync(app, { force: true });
      await server.close();
    }
  });

  it('the compiled bin (child process, started through its shebang line) --help documents the checks and every exit code', async () => {
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const run = await runCliProcess(['--help'], {}, workDir);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    for (let code = 0; code <= 11; code++) expect(run.stdout).toMatch(new RegExp(`^\\s+${code}\\s+\\w+\\s+\\S`, 'm'));
    for (const check of ['options valid', 'site reachable', 'login', 'project reachable', 'environment exists', 'secret path exists', 'list secrets', 'required keys present', 'schema + credential rules', 'identity can read environment']) {
      expect(run.stdout).toContain(check);
    }
  });
});
