import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { documentationBlocks } from '../../scripts/doc-blocks.mjs';

/** test/consumers/run.sh installs the packed module into these applications; here, only what needs no install. */
const fixture = (path: string): string => readFileSync(fileURLToPath(new URL(`../consumers/${path}`, import.meta.url)), 'utf8');

describe('the consumer applications', () => {
  it('run the same application module on NestJS 11 (CommonJS) and NestJS 12 (ESM): the usage example', () => {
    const example = fixture('nest11-cjs/src/app.module.ts');
    expect(example).toContain("from 'nestjs-infisical'");
    expect(fixture('nest12-esm/src/app.module.ts')).toBe(example);
  });

  it('are what docs/reading-secrets.md shows as "A complete application module"', () => {
    const example = `${fixture('nest11-cjs/src/app.module.ts').trimEnd()}\n`;
    const blocks = documentationBlocks(fileURLToPath(new URL('../../', import.meta.url))).filter((block) => block.lang === 'ts' && block.code === example);
    expect(blocks.map((block) => block.file)).toContain('docs/reading-secrets.md');
  });
});
