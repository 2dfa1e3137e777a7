import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { documentationBlocks } from '../../scripts/doc-blocks.mjs';

const root = new URL('../../', import.meta.url);
const tsBlocks = documentationBlocks(fileURLToPath(root)).filter((block) => block.lang === 'ts');
const dir = new URL('test/support/readme/', root);

/**
 * The documentation's code snippets are the files of test/support/readme/, which the tests run (several sources,
 * metrics set-up, webhook and fleet options, the dynamic-secrets TypeORM recipe): each file appears verbatim in a `ts`
 * block of README.md or docs/*.md, importing the package by its name.
 */
describe('documentation snippets', () => {
  it.each(readdirSync(fileURLToPath(dir)).filter((f) => f.endsWith('.ts')))('%s is in a ts block of README.md or docs/*.md verbatim', (file) => {
    const text = readFileSync(fileURLToPath(new URL(file, dir)), 'utf8').replace("'../../../src/infisical/index.js'", "'nestjs-infisical'").trim();
    expect(tsBlocks.filter((block) => block.code.includes(text)).map((block) => block.file)).not.toEqual([]);
  });
});

/**
 * The infisicalConfigLoader recipe (README.md and docs/reading-secrets.md) is what both consumer apps (NestJS 11
 * CommonJS, NestJS 12 ESM) run against the packed package: the same registration, the same ConfigModule line, the same
 * ConfigService-only factory.
 */
describe('the infisicalConfigLoader recipe in the consumer apps', () => {
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
  const recipeBlocks = tsBlocks.filter((block) => recipe.every((line) => squeeze(block.code).includes(squeeze(line))));

  it('is a complete ts block of README.md and of docs/reading-secrets.md', () => {
    expect(recipeBlocks.map((block) => block.file)).toEqual(expect.arrayContaining(['README.md', 'docs/reading-secrets.md']));
  });

  it.each([
    ['nest11-cjs', consumer('nest11-cjs', 'src/app.module.ts', 'test/app.e2e-spec.ts')],
    ['nest12-esm', consumer('nest12-esm', 'src/app.module.ts', 'test/app.test.ts')],
  ])('%s uses the recipe verbatim', (_name, text) => {
    for (const line of recipe) expect(squeeze(text)).toContain(squeeze(line));
  });
});
