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
