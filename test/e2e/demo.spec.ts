import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { SeedFile } from '../support/infisical-server/index.js';
import { DEMO_SEED_PATH } from '../support/infisical-server/index.js';
import { findLeaks } from '../support/log-capture.js';

describe('npm run demo', () => {
  it('starts the local server and the app, and reaches a healthy /health/infisical (dist built by pretest)', async () => {
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/demo.ts', '--check'], {
      env: { ...process.env, INFISICAL_LOCAL_PORT: '0', PORT: '0', LOG_FORMAT: 'text' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect({ code, tail: output.slice(-500) }).toMatchObject({ code: 0 });
    expect(output).toMatch(/Demo ready\. Readiness .*: http:\/\/127\.0\.0\.1:\d+\/health\/infisical/);
    expect(output).toContain('"status": "up"');
    const seed = JSON.parse(readFileSync(DEMO_SEED_PATH, 'utf8')) as SeedFile;
    const secrets = seed.projects.flatMap((p) => p.secrets.filter((s) => /KEY|SECRET|TOKEN/.test(s.key)).map((s) => s.value));
    secrets.push(...seed.identities.flatMap((i) => i.clientSecrets.map((c) => c.secret)));
    expect(findLeaks(output, secrets)).toEqual([]);
  }, 60_000);
});
