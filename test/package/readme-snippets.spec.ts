import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(fileURLToPath(new URL('README.md', root)), 'utf8');
const dir = new URL('test/support/readme/', root);

/**
 * The README's code snippets of the fleet features are the files of test/support/readme/, which the tests run
 * (metrics set-up, webhook and fleet options): each file appears in the README verbatim.
 */
describe('README snippets', () => {
  it.each(readdirSync(fileURLToPath(dir)).filter((f) => f.endsWith('.ts')))('%s is in the README verbatim', (file) => {
    const text = readFileSync(fileURLToPath(new URL(file, dir)), 'utf8').trim();
    expect(readme).toContain(text);
  });
});
