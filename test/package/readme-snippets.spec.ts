import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(fileURLToPath(new URL('README.md', root)), 'utf8');
const dir = new URL('test/support/readme/', root);

/**
 * The README's code snippets are the files of test/support/readme/, which the tests run (several sources, metrics
 * set-up, webhook and fleet options): each file appears in the README verbatim, importing the package by its name.
 */
describe('README snippets', () => {
  it.each(readdirSync(fileURLToPath(dir)).filter((f) => f.endsWith('.ts')))('%s is in the README verbatim', (file) => {
    const text = readFileSync(fileURLToPath(new URL(file, dir)), 'utf8').replace("'../../../src/infisical/index.js'", "'nestjs-infisical'").trim();
    expect(readme).toContain(text);
  });
});

/**
 * The README's infisicalConfigLoader recipe is what both consumer apps (NestJS 11 CommonJS, NestJS 12 ESM) run against
 * the packed package: the same registration, the same ConfigModule line, the same ConfigService-only factory.
 */
describe("README: the infisicalConfigLoader recipe in the consumer apps", () => {
  const recipe = [
    'const infisical = InfisicalModule.forRootAsync({',
    'useFactory: (config: ConfigService) => infisicalOptionsFromEnv(config),',
    'ConfigModule.forRoot({ isGlobal: true, load: [infisicalConfigLoader(infisical)] }),',
    'infisical,',
    'inject: [ConfigService],\n        useFactory: (config: ConfigService) => ({ type: \'postgres\', url: config.getOrThrow(\'DATABASE_URL\') }),',
  ];
  const consumer = (name: string, ...files: string[]) =>
    files.map((file) => readFileSync(fileURLToPath(new URL(`test/consumers/${name}/${file}`, root)), 'utf8')).join('\n');
  const squeeze = (text: string) => text.replace(/\n\s+/g, '\n');

  it.each([
    ['nest11-cjs', consumer('nest11-cjs', 'src/app.module.ts', 'test/app.e2e-spec.ts')],
    ['nest12-esm', consumer('nest12-esm', 'src/app.module.ts', 'test/app.test.ts')],
  ])('%s uses the README recipe verbatim', (_name, text) => {
    for (const line of recipe) {
      expect(squeeze(readme)).toContain(squeeze(line));
      expect(squeeze(text)).toContain(squeeze(line));
    }
  });
});
