/**
 * docs/getting-started.md, followed word for word by a newcomer's two terminals:
 *
 * - terminal 1 is the repository (test/consumers/run.sh has already run its `npm ci` and built and packed the
 *   package: the guide's "Build the package" block is checked, not run) where the guide's `npm run infisical:local`
 *   command runs as it is;
 * - terminal 2 is one bash process that reads the guide's other bash blocks, in order, from the directory holding
 *   the tarball, with the `export` lines terminal 1 printed pasted in; the named files (`<!-- file: … -->`) are
 *   written where that terminal stands when the guide shows them.
 *
 * Then the outcome is checked: healthy `/health/infisical` after a keyless (GCP ID token) login, values from both
 * folders, the other module's factory and the namespace, a signed webhook delivery accepted and refreshing at once,
 * a clean exit 0 on SIGTERM, and the guide's main.ts giving one paragraph and exit 1 on a bad configuration.
 *
 * Run through test/consumers/run.sh (`bash test/consumers/run.sh docs-app`): it provides the tarball (in the parent
 * directory), NESTJS_INFISICAL_REPO and INFISICAL_SEED_FILE (the demo seed the guide's server starts with). Uses the
 * npm registry.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const GUIDE = 'docs/getting-started.md';
const seedFile = process.env.INFISICAL_SEED_FILE;
if (!seedFile) throw new Error('INFISICAL_SEED_FILE is not set: run this suite through test/consumers/run.sh');
// The repository (terminal 1): NESTJS_INFISICAL_REPO, else where the demo seed lives (test/support/fixtures/).
const repo = process.env.NESTJS_INFISICAL_REPO ?? resolve(dirname(seedFile), '../../..');
const { codeBlocks } = await import(pathToFileURL(join(repo, 'scripts/doc-blocks.mjs')).href);
const blocks = codeBlocks(readFileSync(join(repo, GUIDE), 'utf8'), GUIDE);
const seed = JSON.parse(readFileSync(seedFile, 'utf8'));

/** The demo seed's value of a key in environment dev (folder "/" unless given). */
const seeded = (key, path = '/') => {
  const secret = seed.projects[0].secrets.find((s) => s.environment === 'dev' && (s.path ?? '/') === path && s.key === key);
  assert.ok(secret, `the demo seed has ${key} in dev ${path}`);
  return secret.value;
};
/** Credentials the output must never show: seeded credential values and client secrets. */
const credentials = [
  ...seed.projects.flatMap((p) => p.secrets.filter((s) => (s.tags ?? []).includes('credentials')).map((s) => s.value)),
  ...seed.identities.flatMap((i) => i.clientSecrets.map((c) => c.secret)),
];
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

const where = (block) => `${block.file}:${block.line}`;
const firstLine = (block) => block.code.split('\n')[0];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What each bash block of the guide is, from its text; every bash block must be one of these. */
function kindOf(block) {
  if (/\bnpm pack\b/.test(block.code)) return 'build-package';
  if (/\bnpm run infisical:local\b/.test(block.code)) return 'local-server';
  return 'terminal-2';
}

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** The environment of a fresh terminal: this process's, without INFISICAL_* (run.sh's Universal Auth) and npm's own. */
function freshEnvironment() {
  const fixtureBin = join(process.cwd(), 'node_modules', '.bin');
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name.startsWith('INFISICAL_') || /^npm_/i.test(name) || name === 'INIT_CWD') continue;
    env[name] = value;
  }
  env.PATH = (process.env.PATH ?? '').split(':').filter((dir) => dir !== fixtureBin && !dir.endsWith('/node-gyp-bin')).join(':');
  return env;
}

/** One bash process reading commands from stdin, as a terminal does: cd, export and background jobs persist. */
class Terminal {
  output = '';
  #count = 0;

  constructor(cwd, env) {
    this.cwd = cwd;
    this.child = spawn('bash', ['--noprofile', '--norc', '-s'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child.stdout.on('data', (chunk) => (this.output += chunk));
    this.child.stderr.on('data', (chunk) => (this.output += chunk));
    // One stream, in order; every failing command is named.
    this.child.stdin.write(`exec 2>&1\ntrap 'echo "<<<docs-app error: status $? in: $BASH_COMMAND>>>"' ERR\n`);
  }

  /** Runs code; resolves with its output, the last command's status, the commands that failed and the last job's pid. */
  async run(code, timeoutMs = 60_000) {
    const id = ++this.#count;
    const start = this.output.length;
    const marker = new RegExp(`<<<docs-app done ${id}: status=(\\d+) job=(\\d*) cwd=(.*)>>>\\n`);
    // In braces (the current shell: cd, export and jobs persist), reading nothing of the script that follows.
    this.child.stdin.write(`{\n${code.endsWith('\n') ? code : `${code}\n`}} </dev/null\necho "<<<docs-app done ${id}: status=$? job=$! cwd=$PWD>>>"\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = marker.exec(this.output.slice(start));
      if (match) {
        const output = this.output.slice(start, start + match.index);
        this.cwd = match[3];
        const errors = [...output.matchAll(/<<<docs-app error: (.*)>>>/g)].map((m) => m[1]);
        return { output: output.replace(/<<<docs-app error: .*>>>\n/g, ''), status: Number(match[1]), job: match[2] ? Number(match[2]) : undefined, errors };
      }
      if (this.child.exitCode !== null) throw new Error(`the terminal exited (${this.child.exitCode}):\n${this.output.slice(start)}`);
      if (Date.now() > deadline) throw new Error(`no answer within ${timeoutMs / 1000} s:\n${this.output.slice(start).slice(-4000)}`);
      await sleep(100);
    }
  }

  /** Waits until the output since `from` matches `pattern`. */
  async waitFor(pattern, from, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output.slice(from))) {
      if (Date.now() > deadline) throw new Error(`${pattern} not seen within ${timeoutMs / 1000} s:\n${this.output.slice(from).slice(-4000)}`);
      await sleep(100);
    }
  }

  close() {
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Terminal 1's long-running command, in the repository. */
class LocalServer {
  output = '';

  constructor(code, env) {
    this.child = spawn('bash', ['-c', code], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child.stdout.on('data', (chunk) => (this.output += chunk));
    this.child.stderr.on('data', (chunk) => (this.output += chunk));
  }

  /** The `export` lines it printed, once printed (a block of them followed by a blank line). */
  async exports(timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.output.split('\n');
      const first = lines.findIndex((line) => /^ {2}export \w+=/.test(line));
      if (first >= 0) {
        const end = lines.findIndex((line, i) => i > first && !/^ {2}export \w+=/.test(line));
        if (end > first) return lines.slice(first, end).map((line) => line.trim());
      }
      if (this.child.exitCode !== null) throw new Error(`the local server exited (${this.child.exitCode}):\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`the local server printed no export lines within ${timeoutMs / 1000} s:\n${this.output}`);
      await sleep(100);
    }
  }

  close() {
    try {
      process.kill(-this.child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

const tarballs = readdirSync(resolve('..')).filter((name) => /^nestjs-infisical-.+\.tgz$/.test(name));
const workspace = mkdtempSync(join(tmpdir(), 'docs-app-'));
const env = { ...freshEnvironment(), PORT: String(await freePort()) };
const terminal = new Terminal(workspace, env);
let server;
/** What each terminal-2 block gave, by block. */
const results = new Map();
/** The environment terminal 1 printed: INFISICAL_SITE_URL and the others. */
const printed = {};
let app; // { pid, from } of the background application
let appExit; // its exit status after the guide stopped it
let failed = false;
/** The new value the guide's webhook delivery announces, once sent. */
let webhookSent;

after(() => {
  // The two terminals' transcripts, for a failed run (run.sh keeps them with KEEP_CONSUMER_WORKDIR=1).
  writeFileSync('terminal-1.log', server?.output ?? '');
  writeFileSync('terminal-2.log', terminal.output);
  terminal.close();
  server?.close();
  if (process.env.KEEP_CONSUMER_WORKDIR !== '1') rmSync(workspace, { recursive: true, force: true });
});

/** The result of the one terminal-2 block whose code matches `pattern`. */
function resultOf(pattern, which = 0) {
  const matching = blocks.filter((b) => b.lang === 'bash' && pattern.test(b.code));
  assert.ok(matching.length > which, `${GUIDE} has a bash block matching ${pattern}`);
  const result = results.get(matching[which]);
  assert.ok(result, `the block at ${where(matching[which])} ran`);
  return result;
}
/** The JSON lines of an output (the application's own log lines interleave with curl's answers). */
const jsonLines = (output) => output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));

describe(`${GUIDE}, followed word for word`, () => {
  it('has the steps this test follows: the package build, the local server, named files, terminal commands', () => {
    assert.equal(tarballs.length, 1, `one packed tarball in ${resolve('..')} (test/consumers/run.sh puts it there)`);
    const bash = blocks.filter((b) => b.lang === 'bash');
    assert.equal(bash.filter((b) => kindOf(b) === 'build-package').length, 1);
    assert.equal(bash.filter((b) => kindOf(b) === 'local-server').length, 1);
    const names = blocks.filter((b) => b.name).map((b) => b.name);
    for (const name of ['tsconfig.json', 'src/main.ts', 'src/app.module.ts']) assert.ok(names.includes(name), `${GUIDE} names ${name}`);
    // The guide installs the tarball by the name npm pack gives it.
    assert.ok(bash.some((b) => b.code.includes(`npm install ../${tarballs[0]} `)), `${GUIDE} installs ../${tarballs[0]}`);
  });

  for (const block of blocks.filter((b) => b.lang === 'bash' || b.name)) {
    it(`${where(block)}: ${block.name ?? firstLine(block)}`, async (t) => {
      if (failed) return t.skip('an earlier step failed');
      try {
        await follow(block);
      } catch (error) {
        failed = true;
        throw error;
      }
    });
  }

  it('boots healthy after a keyless GCP ID token login, with no client secret anywhere', async () => {
    const [health] = jsonLines(resultOf(/\/health\/infisical/).output);
    assert.equal(health.status, 'ok');
    assert.equal(health.info.infisical.status, 'up');
    assert.equal(health.info.infisical.stale, false);
    assert.equal(printed.INFISICAL_AUTH_METHOD, 'gcp-id-token');
    assert.equal(printed.INFISICAL_CLIENT_SECRET, undefined);
    const response = await fetch(`${printed.INFISICAL_SITE_URL}/__admin/requests`);
    const paths = (await response.json()).requests.map((r) => r.path);
    assert.ok(paths.includes('/api/v1/auth/gcp-auth/login'), `GCP ID token logins: ${paths.join(', ')}`);
    assert.ok(!paths.includes('/api/v1/auth/universal-auth/login'));
  });

  it('reads both folders: each key from the folder that holds it', () => {
    const [health] = jsonLines(resultOf(/\/health\/infisical/).output);
    const keys = health.info.infisical.keys;
    assert.equal(keys.APP_GREETING.secretPath, '/');
    assert.equal(keys.COMPANY_NAME.secretPath, '/shared');
    assert.equal(keys.SUPPORT_EMAIL.secretPath, '/shared');
  });

  it('gives the values: ConfigService, the namespace and the other module\'s factory', () => {
    const greeting = jsonLines(resultOf(/\/greeting"$/m, 0).output).find((answer) => 'greeting' in answer);
    assert.deepEqual(greeting, { greeting: seeded('APP_GREETING'), company: seeded('COMPANY_NAME', '/shared'), from: seeded('SUPPORT_EMAIL', '/shared') });
  });

  it('accepts a signed webhook delivery, which refreshes at once (long before the 60 s TTL)', () => {
    const changed = resultOf(/__admin\/secrets/);
    const value = /\\"value\\":\\"([^"\\]+)\\"/.exec(blocks.find((b) => b.lang === 'bash' && /__admin\/secrets/.test(b.code)).code)[1];
    assert.equal(jsonLines(changed.output).at(-1).greeting, seeded('APP_GREETING'), 'before the delivery, the old value');
    assert.deepEqual(jsonLines(resultOf(/x-infisical-signature/).output), [{ received: true }]);
    const refreshed = resultOf(/\/greeting"$/m, 2);
    assert.equal(jsonLines(refreshed.output).at(-1).greeting, value);
    // The first background refresh comes 54 s (60 s - 10 % jitter) after the start at the earliest.
    const seconds = (refreshed.at - app.listeningAt) / 1000;
    assert.ok(seconds < 50, `the new value was served ${seconds} s after the start: the webhook's refresh, not the TTL's`);
  });

  it('stops on SIGTERM with exit code 0', () => {
    assert.equal(appExit, 0);
    assert.match(terminal.output.slice(app.from), /SIGTERM received: shutting down/);
  });

  it("main.ts: a bad configuration gives one paragraph on stderr, no stack, no ExceptionHandler, and exit code 1", () => {
    const { output, status } = resultOf(/INFISICAL_REQUIRED_KEYS=/);
    assert.equal(status, 1);
    assert.equal(output.match(/Application failed to start/g)?.length, 1);
    const report = output.slice(output.indexOf('Application failed to start.')).trimEnd();
    assert.match(report, /^Application failed to start\.\nInfisical\w+Error: /);
    assert.equal(output.match(/STRIPE_API_KEY[^\n]*: missing/g)?.length, 1, 'the missing key named once');
    assert.doesNotMatch(report, /\n\s*\n/, 'one paragraph');
    assert.doesNotMatch(output, /ExceptionHandler/);
    assert.doesNotMatch(output, /^[ \t]+at /m, 'no stack trace');
  });

  it('never shows a credential, a client secret or a token', () => {
    const everything = terminal.output + (server?.output ?? '');
    assert.deepEqual(credentials.filter((value) => everything.includes(value)), []);
    assert.doesNotMatch(everything, JWT);
  });
});

/** Does what the guide says with one block. */
async function follow(block) {
  if (block.lang !== 'bash') {
    // A named file: written where terminal 2 stands.
    const path = join(terminal.cwd, block.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, block.code);
    return;
  }
  switch (kindOf(block)) {
    case 'build-package': {
      // Done by test/consumers/run.sh with these commands; the tarball goes where --pack-destination .. puts it.
      assert.match(block.code, /^npm run build:lib && npm pack \.\/dist-package --pack-destination \.\.$/m);
      copyFileSync(resolve('..', tarballs[0]), join(workspace, tarballs[0]));
      return;
    }
    case 'local-server': {
      // Port 8081 may be taken on this machine: the guide's own alternative, INFISICAL_LOCAL_PORT=0.
      server = new LocalServer(block.code, { ...freshEnvironment(), INFISICAL_LOCAL_PORT: '0' });
      const lines = await server.exports();
      for (const line of lines) {
        const [, name, value] = /^export (\w+)=(.*)$/.exec(line);
        printed[name] = value;
      }
      // "Copy the export lines it printed into terminal 2."
      const pasted = await terminal.run(lines.join('\n'));
      assert.deepEqual(pasted.errors, []);
      return;
    }
    default: {
      const from = terminal.output.length;
      let result = await terminal.run(block.code, 10 * 60_000);
      // After the webhook delivery, the guide's "a moment later": the refresh runs after the delivery's answer.
      for (let tries = 0; webhookSent && /\/greeting"$/m.test(block.code) && !result.output.includes(webhookSent) && tries < 20; tries++) {
        await sleep(250);
        result = await terminal.run(block.code);
      }
      result.at = Date.now();
      results.set(block, result);
      if (/INFISICAL_REQUIRED_KEYS=/.test(block.code)) return; // the failure the guide shows; checked above
      assert.deepEqual(result.errors, [], `${where(block)} ran without a failing command:\n${result.output.slice(-4000)}`);
      if (/^node dist\/main\.js &$/m.test(block.code)) {
        // Started in the background: the guide's next step comes once it listens.
        app = { pid: result.job, from };
        await terminal.waitFor(/Listening on port/, from);
        app.listeningAt = Date.now();
      }
      if (/x-infisical-signature/.test(block.code)) {
        webhookSent = /\\"value\\":\\"([^"\\]+)\\"/.exec(blocks.find((b) => b.lang === 'bash' && /__admin\/secrets/.test(b.code)).code)[1];
      }
      if (/^kill %1$/m.test(block.code)) {
        const waited = await terminal.run(`wait ${app.pid}`);
        appExit = waited.status;
      }
    }
  }
}
