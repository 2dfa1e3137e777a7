/**
 * The reference table of docs/configuration.md ("Options and variables") follows the code: every option of
 * InfisicalModuleOptions and every field of its object options (persistentCache, webhook, fleet) has a row with the
 * declared type; every INFISICAL_* variable of the module is on the row of the option it sets; and the defaults the
 * code declares (`@default` literals of the interfaces, "Default of `option`" constants of infisical.defaults.ts)
 * are the ones the table shows.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as defaults from '../../src/infisical/infisical.defaults.js';
import { INFISICAL_ENV_VARIABLES } from '../../src/infisical/options/env-variables.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const guide = read('docs/configuration.md');
const optionsSource = read('src/infisical/interfaces/infisical-module-options.interface.ts');
const defaultsSource = read('src/infisical/infisical.defaults.ts');

interface Row {
  variable: string;
  type: string;
  default: string;
}

/** The rows of the table under "## Options and variables", by option (`auth.universalAuth.clientId`, …). */
function referenceTable(): Map<string, Row> {
  const start = guide.indexOf('\n## Options and variables\n');
  expect(start).toBeGreaterThan(0);
  const section = guide.slice(start + 1, guide.indexOf('\n## ', start + 1));
  const rows = new Map<string, Row>();
  for (const line of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim().replace(/\\\|/g, '|'));
    const option = /^`([^`]+)`$/.exec(cells[0]!)?.[1];
    expect({ line, option }).toEqual({ line, option: expect.any(String) });
    rows.set(option!, { variable: cells[1]!, type: cells[2]!.replace(/^`|`$/g, ''), default: cells[3]! });
  }
  return rows;
}

interface Member {
  name: string;
  type: string;
  /** The `@default` of its doc comment when that is a literal: a number, a boolean, a quoted string or `[]`. */
  literalDefault: string | undefined;
}

/** The members of `export interface <name>` with their declared types and literal defaults. */
function interfaceMembers(name: string): Member[] {
  const start = optionsSource.indexOf(`export interface ${name} {`);
  expect(start).toBeGreaterThanOrEqual(0);
  const block = optionsSource.slice(start, optionsSource.indexOf('\n}', start));
  return [...block.matchAll(/(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?\n {2}(\w+)\??: ([^;]+);/g)].map((m) => {
    const literal = /@default\s+('[^']*'|-?\d+|true|false|\[\])/.exec(m[1] ?? '')?.[1];
    return { name: m[2]!, type: m[3]!.replace(/\s+/g, ' ').trim(), literalDefault: literal?.replace(/^'|'$/g, '') };
  });
}

const rows = referenceTable();
const topLevel = interfaceMembers('InfisicalModuleOptions');
const nested: Array<[string, string]> = [
  ['persistentCache', 'PersistentCacheOptions'],
  ['webhook', 'WebhookOptions'],
  ['fleet', 'FleetOptions'],
];
const members: Array<Member & { option: string }> = [
  ...topLevel.map((m) => ({ ...m, option: m.name })),
  ...nested.flatMap(([prefix, type]) => interfaceMembers(type).map((m) => ({ ...m, option: `${prefix}.${m.name}` }))),
];

describe('docs/configuration.md: the reference table', () => {
  it('lists every module option, and the fields of persistentCache, webhook and fleet, with the declared type', () => {
    expect(topLevel.length).toBeGreaterThan(20);
    const missing = members.filter((m) => !rows.has(m.option)).map((m) => m.option);
    expect(missing).toEqual([]);
    const wrongType = members.filter((m) => rows.get(m.option)!.type !== m.type).map((m) => `${m.option}: table says ${rows.get(m.option)!.type}, code says ${m.type}`);
    expect(wrongType).toEqual([]);
  });

  it('has no row for an option the code does not have', () => {
    const options = new Set(topLevel.map((m) => m.name));
    const unknown = [...rows.keys()].filter((option) => !options.has(option.split('.')[0]!));
    expect(unknown).toEqual([]);
  });

  it('puts every INFISICAL_* variable of the module on the row of the option it sets, and no other variable', () => {
    const misplaced = INFISICAL_ENV_VARIABLES.filter((v) => !rows.get(v.option)?.variable.includes(`\`${v.variable}\``)).map((v) => `${v.variable} → ${v.option}`);
    expect(misplaced).toEqual([]);
    const known = new Set(INFISICAL_ENV_VARIABLES.map((v) => v.variable));
    const stale = [...rows.values()].flatMap((row) => [...row.variable.matchAll(/`(INFISICAL_\w+)`/g)].map((m) => m[1]!)).filter((name) => !known.has(name));
    expect(stale).toEqual([]);
  });

  it('shows the literal defaults of the options (@default of the interfaces)', () => {
    const withDefault = members.filter((m) => m.literalDefault !== undefined);
    expect(withDefault.length).toBeGreaterThan(15);
    const wrong = withDefault.filter((m) => !rows.get(m.option)!.default.includes(`\`${m.literalDefault}\``)).map((m) => `${m.option}: ${m.literalDefault}`);
    expect(wrong).toEqual([]);
  });

  it('shows the defaults of src/infisical/infisical.defaults.ts ("Default of `option`")', () => {
    const declared = [...defaultsSource.matchAll(/\/\*\* Default of `(\w+)`(?:(?!\*\/)[\s\S])*\*\/\s*export const (\w+)/g)]
      .map((m) => ({ option: m[1]!, value: (defaults as Record<string, unknown>)[m[2]!] }))
      .filter(({ option }) => rows.has(option));
    expect(declared.length).toBeGreaterThan(8);
    const wrong = declared.filter(({ option, value }) => !rows.get(option)!.default.includes(`\`${String(value)}\``)).map(({ option, value }) => `${option}: ${String(value)}`);
    expect(wrong).toEqual([]);
  });
});
