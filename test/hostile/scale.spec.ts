import { describe, expect, it } from '@jest/globals';
import { DEFAULT_HEALTH_MAX_KEYS, MASK_RETAINED_GENERATIONS, MAX_LOGGED_KEYS, MAX_RESPONSE_BYTES, REDACTED } from '../../src/infisical/infisical.defaults.js';
import { SecretRedactor } from '../../src/infisical/redaction/secret-redactor.js';
import { measureEventLoop } from '../support/event-loop-probe.js';
import {
  bootstrapFailure,
  exposedText,
  GOOD_SECRETS,
  type HostileApp,
  leaksIn,
  useHostileScenario,
} from '../support/hostile-server/index.js';

/**
 * Event-loop stall allowed while a hostile answer is handled. The requirement is a probe p99 under 100 ms (measured
 * figures are in docs/performance.md and docs/security.md); the assertion is looser so that a loaded 2-core CI machine does not fail it, while a
 * quadratic step (seconds of stall) still does; the depth guard itself is pinned by the error it reports.
 */
const STALL_LIMIT_MS = 1000;
const MANY = 10_000;

function manySecrets(count: number, prefix = 'https://svc.example.com/') {
  const secrets: Record<string, string> = {};
  for (let i = 0; i < count; i++) secrets[`KEY_${String(i).padStart(5, '0')}`] = `${prefix}${i}-${'v'.repeat(40)}`;
  return secrets;
}

/** Issue 16, Robustness: sizes are bounded and big answers do not stall the event loop. */
describe('big and deep answers', () => {
  const h = useHostileScenario();


  it('10,000 secrets mid-run: a short change log line, a bounded health payload, a responsive event loop', async () => {
    const app = await h.start();
    h.server.secrets = { ...GOOD_SECRETS, ...manySecrets(MANY) };
    const delay = await measureEventLoop('10,000 secrets refresh', () => app.nextRefresh());
    expect(app.store.keys()).toHaveLength(MANY + 2);
    expect(delay.p99).toBeLessThan(STALL_LIMIT_MS);

    const change = app.logs.find('log', /key\(s\) changed/);
    expect(change).toHaveLength(1);
    expect(change[0]).toContain(`${MANY} key(s) changed`);
    expect(change[0]).toContain(`… and ${(MANY - MAX_LOGGED_KEYS).toLocaleString('en-US')} more`);
    expect(change[0]!.length).toBeLessThan(2000);

    const health = app.health();
    expect(health).toMatchObject({ status: 'up', keyCount: MANY + 2, keysOmitted: MANY + 2 - DEFAULT_HEALTH_MAX_KEYS });
    expect(Object.keys(health.keys as object)).toHaveLength(DEFAULT_HEALTH_MAX_KEYS);
    expect(JSON.stringify(health).length).toBeLessThan(60_000);

    // a second rotation of every value: the redactor re-checks 10,000 values without stalling
    h.server.secrets = { ...GOOD_SECRETS, ...manySecrets(MANY, 'https://svc.example.com/rotated/') };
    const again = await measureEventLoop('10,000 secrets rotated', () => app.nextRefresh());
    expect(again.p99).toBeLessThan(STALL_LIMIT_MS);
    expect(app.store.get('KEY_09999')).toMatch(/rotated/);
    expect(leaksIn(exposedText(app, app.logs), h.server)).toEqual([]);
  });

  it('10,000 secrets at bootstrap, with healthMaxKeys: 20', async () => {
    h.server.secrets = manySecrets(MANY);
    let app: HostileApp | undefined;
    const delay = await measureEventLoop('10,000 secrets bootstrap', async () => (app = await h.start({ healthMaxKeys: 20 })));
    expect(delay.p99).toBeLessThan(STALL_LIMIT_MS);
    const health = app!.health();
    expect(health).toMatchObject({ status: 'up', keyCount: MANY, keysOmitted: MANY - 20 });
    expect(JSON.stringify(health).length).toBeLessThan(5000);
    for (const line of app!.logs.lines) expect(line.text.length).toBeLessThan(5000);
  });

  describe.each([
    ['arrays', () => Buffer.from('['.repeat(5_000_000) + ']'.repeat(5_000_000))],
    ['objects', () => Buffer.from('{"a":'.repeat(2_000_000) + '1' + '}'.repeat(2_000_000))],
  ])('a list body of JSON %s nested millions of levels (10 MB)', (_kind, body) => {
    const deep = body();

    it('mid-run: refused unparsed, the event loop stays responsive, the last good values stay', async () => {
      const app = await h.start();
      h.server.script('list', { body: deep });
      const delay = await measureEventLoop(`10 MB nested ${_kind}`, () => app.nextRefresh());
      expect(delay.p99).toBeLessThan(STALL_LIMIT_MS);
      expect(app.health()).toMatchObject({ status: 'degraded' });
      expect(app.health().lastError).toMatch(/nested deeper than \d+ levels/);
      expect(app.store.get('APP_GREETING')).toBe(GOOD_SECRETS.APP_GREETING);
      // transient: normal back-off, then recovery
      h.server.heal('list');
      await app.advance(5_000);
      expect(app.health()).toMatchObject({ status: 'up' });
    });

    it('at bootstrap: a transient "invalid response" error', async () => {
      h.server.script('list', { body: deep });
      const { error } = await bootstrapFailure(h.server);
      expect(error.message).toMatch(/nested deeper than \d+ levels/);
    });
  });

  it(`a body larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MB is refused (announced or streamed)`, async () => {
    const app = await h.start();
    const big = Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x20);
    h.server.script('list', { body: big, headers: { 'content-length': String(big.byteLength) } }, 1);
    // stop at the failed refresh: its retry (back-off from 100 ms) may fall inside one TTL step and succeed
    await app.advanceUntil(() => (app.health().consecutiveFailures as number) > 0, 2_000);
    expect(app.health().lastError).toContain(`an answer larger than ${MAX_RESPONSE_BYTES} bytes`);
    // without a content-length (chunked): counted while streaming
    h.server.script('list', { body: big });
    await app.advance(1_000);
    expect(app.health()).toMatchObject({ status: 'degraded' });
    expect((app.health().consecutiveFailures as number) > 1).toBe(true);
    expect(app.health().lastError).toContain(`an answer larger than ${MAX_RESPONSE_BYTES} bytes`);
    h.server.heal('list');
    await app.advance(10_000);
    expect(app.health()).toMatchObject({ status: 'up' });
    expect(app.store.get('APP_GREETING')).toBe(GOOD_SECRETS.APP_GREETING);
  });
});

describe('redaction cost and memory', () => {
  it('10,000 values sharing a prefix register and re-check quickly (linear)', async () => {
    const redactor = new SecretRedactor();
    const values = Object.values(manySecrets(MANY));
    const delay = await measureEventLoop('redactor 10,000 shared-prefix values', async () => {
      redactor.replace('secrets', values);
      expect(redactor.redact(`x ${values[9_999]} y`)).toBe(`x ${REDACTED} y`);
      redactor.replace('secrets', values.map((v) => `${v}-2`));
      expect(redactor.redact(`x ${values[5]}-2 y`)).toBe(`x ${REDACTED} y`);
    });
    // synchronous work: its whole duration is what a probe would wait
    expect(delay.tookMs).toBeLessThan(STALL_LIMIT_MS);
  });

  it('masking a log line stays cheap when 10,000 values share its first characters', () => {
    const redactor = new SecretRedactor();
    const values = Object.values(manySecrets(MANY));
    redactor.replace('secrets', values);
    const line = 'Infisical at https://svc.example.com/ could not be used: https://svc.example.com/17-';
    expect(redactor.redact(`${line} ${values[17]}`)).toBe(`${line} ${REDACTED}`);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) redactor.redact(`${line} ${i}`);
    const tookMs = performance.now() - started;
    if (process.env.HOSTILE_METRICS === '1') process.stdout.write(`redact 1,000 lines sharing a prefix with 10,000 values: ${tookMs.toFixed(1)} ms\n`);
    // one comparison per value would take seconds here (about 2 ms a line)
    expect(tookMs).toBeLessThan(STALL_LIMIT_MS);
  });

  it(`a 256 KB value rotated 60 times: only the last ${MASK_RETAINED_GENERATIONS + 1} generations are kept`, () => {
    const redactor = new SecretRedactor();
    const values: string[] = [];
    for (let i = 0; i < 60; i++) {
      values.push(`${i}-${'x'.repeat(256 * 1024)}`);
      redactor.replace('secrets', [values[i]!]);
    }
    expect(redactor.size).toBe(MASK_RETAINED_GENERATIONS + 1);
    expect(redactor.redact(values[59]!)).toBe(REDACTED);
    expect(redactor.redact(values[0]!)).not.toBe(REDACTED);
  });
});
