/** The sources option on its own: top-level values, several sources inheriting them, and what each refusal says. */
import { describe, expect, it } from '@jest/globals';
import { OptionReader } from '../../src/infisical/options/option-readers.js';
import { resolveSources } from '../../src/infisical/options/sources.option.js';

const SITE = 'https://eu.infisical.com';
const read = (options: Record<string, unknown>, required = true) => {
  const reader = new OptionReader(options);
  const sources = resolveSources(reader, options, SITE, required);
  return { sources, problems: reader.problems.map((p) => `${p.option} ${p.problem}`) };
};
const source = (patch: Record<string, unknown> = {}) => ({ siteUrl: SITE, projectId: 'p', environment: 'dev', secretPath: '/', recursive: false, includeImports: true, ...patch });

describe('resolveSources', () => {
  it('one source from the top-level options, with the defaults', () => {
    expect(read({ projectId: 'p', environment: 'dev' })).toEqual({ sources: [source()], problems: [] });
    expect(read({ projectId: 'p', environment: 'prod_eu-1', secretPath: '/a/b/', recursive: true, includeImports: false })).toEqual({
      sources: [source({ environment: 'prod_eu-1', secretPath: '/a/b', recursive: true, includeImports: false })],
      problems: [],
    });
  });

  it.each([
    ['/', '/'],
    ['///', '/'],
    ['/backend//', '/backend'],
    ['/a/b', '/a/b'],
  ])('secretPath %s → %s', (secretPath, expected) => {
    expect(read({ projectId: 'p', environment: 'dev', secretPath }).sources[0]!.secretPath).toBe(expected);
  });

  it('names what is missing only when Infisical is enabled', () => {
    expect(read({})).toEqual({
      sources: [source({ projectId: '', environment: '' })],
      problems: [
        'projectId is required when Infisical is enabled — the project ID from Project Settings (INFISICAL_PROJECT_ID)',
        'environment is required when Infisical is enabled — an environment slug such as "dev" or "prod" (INFISICAL_ENVIRONMENT)',
      ],
    });
    expect(read({}, false)).toEqual({ sources: [source({ projectId: '', environment: '' })], problems: [] });
  });

  it('refuses a display name as environment and a relative path', () => {
    expect(read({ projectId: 'p', environment: 'Production EU', secretPath: 'backend' }).problems).toEqual([
      'secretPath must start with "/" (got "backend")',
      'environment must be an environment slug (letters, digits, "-" or "_"), not a display name (got "Production EU")',
    ]);
    expect(read({ projectId: 'p', environment: 'dev.1' }).problems).toHaveLength(1);
  });

  it('several sources inherit the top-level values they leave out, each keeping its own', () => {
    const options = {
      projectId: 'p',
      environment: 'dev',
      secretPath: '/shared',
      recursive: true,
      includeImports: false,
      sources: [{}, { projectId: 'q', environment: 'prod', secretPath: '/app/', recursive: false, includeImports: true }, { secretPath: '/x' }],
    };
    expect(read(options)).toEqual({
      sources: [
        source({ secretPath: '/shared', recursive: true, includeImports: false }),
        source({ projectId: 'q', environment: 'prod', secretPath: '/app', recursive: false, includeImports: true }),
        source({ secretPath: '/x', recursive: true, includeImports: false }),
      ],
      problems: [],
    });
    expect(read({ projectId: 'p', environment: 'dev', sources: [{ environment: 'prod' }] }).sources).toEqual([source({ environment: 'prod' })]);
  });

  it('names each entry in its problems', () => {
    expect(read({ sources: [{ projectId: 'p' }, { projectId: 'q', environment: 'Prod EU', secretPath: 'x', recursive: 'yes', projectid: 'r' }] }).problems).toEqual([
      'sources[0].environment is required when Infisical is enabled — an environment slug such as "dev" or "prod" (INFISICAL_ENVIRONMENT)',
      'sources[1].projectid is not a field of a source (check the spelling)',
      'sources[1].environment must be an environment slug (letters, digits, "-" or "_"), not a display name (got "Prod EU")',
      'sources[1].secretPath must start with "/" (got "x")',
      'sources[1].recursive must be true or false (got "yes")',
    ]);
  });

  it.each([
    [[], 'sources must be a non-empty array of { projectId?, environment?, secretPath?, recursive?, includeImports? } (got a value of type array)'],
    [{}, 'sources must be a non-empty array of { projectId?, environment?, secretPath?, recursive?, includeImports? } (got a value of type object)'],
    [null, 'sources must be a non-empty array of { projectId?, environment?, secretPath?, recursive?, includeImports? } (got null)'],
  ])('refuses sources %p', (sources, problem) => {
    expect(read({ projectId: 'p', environment: 'dev', sources })).toEqual({ sources: [], problems: [problem] });
  });

  it.each([
    [null, 'null'],
    ['dev', '"dev"'],
    [['dev'], 'a value of type array'],
  ])('refuses the entry %p', (entry, got) => {
    expect(read({ projectId: 'p', environment: 'dev', sources: [entry, {}] })).toEqual({ sources: [source()], problems: [`sources[0] must be an object (got ${got})`] });
  });

  it('a value of the wrong type names the option, what it got and what it expects, top-level and per entry', () => {
    expect(read({ projectId: 42, environment: ' dev', secretPath: 7 }).problems.slice(0, 3)).toEqual([
      'projectId must be a string (got 42) — the project ID from Project Settings (INFISICAL_PROJECT_ID)',
      'environment has leading or trailing whitespace — an environment slug such as "dev" or "prod" (INFISICAL_ENVIRONMENT)',
      'secretPath must be a string (got 7) — a folder path such as "/" or "/backend"',
    ]);
    expect(read({ projectId: 'p', environment: 'dev', sources: [{ projectId: 7, environment: 8, secretPath: 9, includeImports: 'yes', recursive: 1 }] }).problems).toEqual([
      'sources[0].projectId must be a string (got 7) — a project ID',
      'sources[0].environment must be a string (got 8) — an environment slug',
      'sources[0].secretPath must be a string (got 9) — a folder path such as "/" or "/backend"',
      'sources[0].recursive must be true or false (got 1)',
      'sources[0].includeImports must be true or false (got "yes")',
    ]);
  });
});
