/** The README's option and variable tables follow the code: every INFISICAL_* variable and every option is listed. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INFISICAL_ENV_VARIABLES } from '../../src/infisical/options/env-variables.js';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const optionsSource = readFileSync(fileURLToPath(new URL('../../src/infisical/interfaces/infisical-module-options.interface.ts', import.meta.url)), 'utf8');

describe('README reference tables', () => {
  it('list every INFISICAL_* variable of the module', () => {
    const missing = INFISICAL_ENV_VARIABLES.map((v) => v.variable).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('list every module option', () => {
    const block = optionsSource.slice(optionsSource.indexOf('export interface InfisicalModuleOptions'));
    const options = [...block.slice(0, block.indexOf('\n}')).matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]!);
    expect(options.length).toBeGreaterThan(10);
    const missing = options.filter((name) => !new RegExp(`\\| \`${name}[\`.]`).test(readme));
    expect(missing).toEqual([]);
  });
});
