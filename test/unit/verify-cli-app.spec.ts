import 'reflect-metadata';
import { afterEach, describe, expect, it } from '@jest/globals';
import { forwardRef, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { appLine, loadApp } from '../../src/infisical/cli/app.loader.js';
import { collectAppRequirements } from '../../src/infisical/cli/app-requirements.js';
import { parseVerifyArgs, VerifyUsageError } from '../../src/infisical/cli/verify-cli.args.js';
import { runVerifyCli } from '../../src/infisical/cli/verify-cli.js';
import { verifyHelpText } from '../../src/infisical/cli/verify-cli.help.js';
import { renderJson, renderText } from '../../src/infisical/cli/verification-report.printer.js';
import type { VerificationReport } from '../../src/infisical/cli/verification-report.js';
import { GeminiCredentials, GmailCredentials, InfisicalModule, registerSecretsAs } from '../../src/infisical/index.js';

const databaseConfig = registerSecretsAs('database', (secrets) => ({ url: new URL(secrets.DATABASE_URL as string).href, pool: secrets.DB_POOL }));
const stripeConfig = registerSecretsAs('stripe', (secrets) => ({ key: secrets.STRIPE_API_KEY }));

@Module({ imports: [InfisicalModule.forFeature({ secrets: ['STRIPE_API_KEY'], groups: { smtp: ['SMTP_USER', 'SMTP_PASSWORD'] }, namespaces: [stripeConfig] })] })
class BillingModule {}

@Module({ imports: [forwardRef(() => BillingModule)] })
class CycleModule {}

@Injectable()
class NotCalled {
  constructor() {
    throw new Error('an application provider must never be created');
  }
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [registerAs('app', () => ({ port: 1 }))] }),
    InfisicalModule.forRootAsync({ isGlobal: true, credentials: [GeminiCredentials, GmailCredentials], namespaces: [databaseConfig], inject: [ConfigService], useFactory: () => ({}) }),
    BillingModule,
    CycleModule,
  ],
  providers: [NotCalled, { provide: 'FACTORY', useFactory: () => { throw new Error('never called'); } }],
})
class AppModule {}

describe('collectAppRequirements (verify-infisical --app)', () => {
  it('finds the keys of forFeature secrets, groups and namespaces, root namespaces and the credential classes, creating no provider', async () => {
    const found = await collectAppRequirements(AppModule);
    expect(Object.fromEntries(found.keys)).toEqual({
      DATABASE_URL: ["registerSecretsAs('database')"],
      STRIPE_API_KEY: ["InfisicalModule.forFeature (@InjectSecret('STRIPE_API_KEY'))", "registerSecretsAs('stripe')"],
      SMTP_USER: ["InfisicalModule.forFeature (@InjectSecretGroup('smtp'))"],
      SMTP_PASSWORD: ["InfisicalModule.forFeature (@InjectSecretGroup('smtp'))"],
    });
    expect(found.credentials.map((c) => c.name)).toEqual(['Gemini', 'Gmail']);
    expect(found.modules).toBeGreaterThanOrEqual(5);
  });

  it('reads requiredKeys of static forRoot options, and nothing from a module without Infisical parts', async () => {
    @Module({ imports: [InfisicalModule.forRoot({ projectId: 'p', requiredKeys: ['API_URL', 'API_URL'] })] })
    class StaticModule {}
    @Module({})
    class Empty {}
    expect(Object.fromEntries((await collectAppRequirements(StaticModule)).keys)).toEqual({ API_URL: ['InfisicalModule.forRoot({ requiredKeys })'] });
    expect(await collectAppRequirements(Empty)).toEqual({ keys: new Map(), credentials: [], modules: 1 });
  });

  it('follows dynamic modules given as promises (ConfigModule.forRoot in @nestjs/config 12)', async () => {
    const found = await collectAppRequirements(Promise.resolve(InfisicalModule.forFeature({ secrets: ['A_KEY'] })));
    expect([...found.keys.keys()]).toEqual(['A_KEY']);
  });
});

describe('verify-infisical --app', () => {
  it('parses --app <module>#<Export> in both forms', () => {
    expect(parseVerifyArgs(['--app', 'dist/app.module.js#AppModule']).app).toBe('dist/app.module.js#AppModule');
    expect(parseVerifyArgs(['--app=dist/app.module.js#AppModule']).app).toBe('dist/app.module.js#AppModule');
    expect(parseVerifyArgs([]).app).toBeUndefined();
    expect(() => parseVerifyArgs(['--app'])).toThrow('--app needs a value');
  });

  it('documents --app in --help', () => {
    expect(verifyHelpText()).toContain('--app <module>#<AppModule>   the app\'s root module, e.g. dist/app.module.js#AppModule');
  });

  it('refuses a missing file, a missing export and an export that is not a module class as usage errors', async () => {
    const cwd = process.cwd();
    await expect(loadApp('dist/nowhere.module.js#AppModule', cwd)).rejects.toThrow(VerifyUsageError);
    await expect(loadApp('dist/nowhere.module.js#AppModule', cwd)).rejects.toThrow('--app: no such file');
    await expect(loadApp('test/unit/verify-cli-app.spec.ts#', cwd)).rejects.toThrow('--app must look like <module>#<ExportName>');
  });

  it('says what the app requires, or how to include those keys when --app is not given', () => {
    expect(appLine(undefined)).toBe(
      'Note: keys that the app requires in code (InfisicalModule.forFeature, registerSecretsAs namespaces, credential classes) ' +
        'are checked only with --app <module>#<AppModule>, e.g. --app dist/app.module.js#AppModule (or list them with --require).',
    );
    const keys = new Map([['STRIPE_API_KEY', ['x']], ['SMTP_USER', ['y']]]);
    expect(appLine({ spec: 'dist/app.module.js#AppModule', requirements: { keys, credentials: [GeminiCredentials.definition], modules: 7 } })).toBe(
      'Read dist/app.module.js#AppModule (7 modules): requires STRIPE_API_KEY, SMTP_USER; credentials: Gemini',
    );
    expect(appLine({ spec: 'a.js#A', requirements: { keys: new Map(), credentials: [], modules: 1 } })).toBe('Read a.js#A (1 modules): no key required by forFeature or namespaces');
  });

  it('prints the line before the verdict in text, and as a field in --json', () => {
    const report: VerificationReport = { ok: true, exitCode: 0, target: undefined, sources: [], steps: [], keys: [], warnings: [], error: undefined };
    const lines = renderText(report, undefined, 'Note: X').stdout.trimEnd().split('\n');
    expect(lines.slice(-3)).toEqual(['Note: X', '', 'OK: all 0 checks passed (exit code 0).']);
    expect(renderText(report, undefined).stdout).not.toContain('Note');
    expect(JSON.parse(renderJson(report, { note: 'Note: X' }))).toMatchObject({ ok: true, exitName: 'ok', note: 'Note: X' });
  });
});

describe('verify-infisical: a port fetch refuses', () => {
  const cleanups: Array<() => void> = [];
  const afterTest = (cleanup: () => void) => void cleanups.push(cleanup);
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

  // Only fetch blocks ports: it is the transport once the global fetch is not Node's own (wrapped, instrumented);
  // node:http, used otherwise, really connects and reports what happens (ECONNREFUSED on port 1).
  it('names the blocked port and its fix when fetch is the transport, as the app does (exit 3, check 2)', async () => {
    const nodeFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => nodeFetch(input, init);
    afterTest(() => void (globalThis.fetch = nodeFetch));
    let stdout = '';
    let stderr = '';
    const env = {
      INFISICAL_SITE_URL: 'http://127.0.0.1:1',
      INFISICAL_CLIENT_ID: 'd2000000-0000-4000-8000-000000000009',
      INFISICAL_CLIENT_SECRET: 'unit-bad-port-client-secret-1f2e3d',
      INFISICAL_PROJECT_ID: 'p-bad-port',
      INFISICAL_ENVIRONMENT: 'dev',
      INFISICAL_STARTUP_TIMEOUT_MS: '2000',
    };
    const code = await runVerifyCli(['--env-file', 'absent.env'], { env, cwd: process.cwd(), stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    expect(code).toBe(3);
    expect(stdout).toMatch(/2\s+site reachable\s+✗\s+Infisical at http:\/\/127\.0\.0\.1:1 could not be used for .*: fetch refuses to connect/);
    expect(stderr).toContain('fetch refuses to connect to this port (bad port: a port blocked by the Fetch standard, such as 1, 25 or 6000), nothing was sent; serve Infisical on another port and set siteUrl (INFISICAL_SITE_URL) to it.');
    expect(`${stdout}${stderr}`).not.toContain('no error code');
  });
});

describe('verify-infisical: check 7 names its calls', () => {
  const run = async (paths: string | undefined) => {
    let stdout = '';
    const env = {
      INFISICAL_SITE_URL: 'http://127.0.0.1:1',
      INFISICAL_CLIENT_ID: 'd2000000-0000-4000-8000-000000000009',
      INFISICAL_CLIENT_SECRET: 'unit-check-seven-client-secret-4a5b6c',
      INFISICAL_PROJECT_ID: 'p-check-seven',
      INFISICAL_ENVIRONMENT: 'dev',
      ...(paths ? { INFISICAL_SECRET_PATHS: paths } : {}),
    };
    await runVerifyCli(['--env-file', 'absent.env'], { env, cwd: process.cwd(), stdout: (t) => void (stdout += t), stderr: () => undefined });
    return stdout.split('\n').find((line) => /^\s*7\s/.test(line))?.trim();
  };

  it('one call with one source, one call per source with several, and so in --help', async () => {
    expect(await run(undefined)).toMatch(/^7\s+list secrets \(one call\)\s+–$/);
    expect(await run('/a,/b')).toMatch(/^7\s+list secrets \(one call per source: 2\)\s+–$/);
    expect(await run('/a,/b,/c')).toMatch(/^7\s+list secrets \(one call per source: 3\)\s+–$/);
    expect(verifyHelpText()).toContain('   7. list secrets (one call per source)\n');
  });
});
