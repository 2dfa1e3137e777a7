/**
 * Every fenced code block of README.md and docs/*.md follows the documentation rules, checked cheaply here (no
 * TypeScript compile: the `ts` blocks are type-checked against the packed package by the docs-snippets consumer,
 * test/consumers/docs-snippets, through test/consumers/run.sh):
 *
 * - a language from the fixed list;
 * - `bash`: parses with `bash -n`, runs only npm scripts of package.json, names only INFISICAL_* variables that exist;
 * - `json`: JSON.parse reads it; `yaml`: js-yaml reads it and its INFISICAL_* variables exist;
 * - `dockerfile`: every instruction is a Dockerfile instruction;
 * - `ts`: imports only packages the docs-snippets consumer installs, node: built-ins, and relative files that are named
 *   blocks (`<!-- file: path -->`) of the same Markdown file, with a `.js` specifier;
 * - no `...` placeholder lines.
 *
 * Each failure names the Markdown file, the line and the rule.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeBlocks, documentationBlocks, documentationFiles, type CodeBlock } from '../../scripts/doc-blocks.mjs';
import { INFISICAL_ENV_VARIABLES } from '../../src/infisical/options/env-variables.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const blocks = documentationBlocks(root);
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(`${root}${path}`, 'utf8')) as Record<string, unknown>;

const LANGUAGES = ['ts', 'bash', 'text', 'json', 'yaml', 'dockerfile'];
const npmScripts = new Set(Object.keys(readJson('package.json')['scripts'] as Record<string, string>));
const knownVariables = new Set([...INFISICAL_ENV_VARIABLES.map((v) => v.variable), 'INFISICAL_LOCAL_PORT']);
/** What a `ts` block may import: the packages the docs-snippets consumer installs (its dependencies) and the package. */
const allowedPackages = new Set(['nestjs-infisical', ...Object.keys(readJson('test/consumers/docs-snippets/package.json')['dependencies'] as Record<string, string>)]);
const DOCKERFILE_INSTRUCTIONS = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG',
  'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

const where = (block: CodeBlock, offset = 0): string => `${block.file}:${block.line + offset}`;
const ofLang = (lang: string): CodeBlock[] => blocks.filter((b) => b.lang === lang);
const codeLines = (block: CodeBlock): string[] => block.code.split('\n').slice(0, -1);

/** `file:line` of every INFISICAL_* name in the block that is not a variable of the module (or the local server's port). */
function unknownVariables(block: CodeBlock): string[] {
  return codeLines(block).flatMap((text, i) =>
    [...text.matchAll(/\bINFISICAL_[A-Z0-9_]+/g)]
      .map((m) => m[0])
      .filter((name) => !knownVariables.has(name))
      .map((name) => `${where(block, i + 1)}: ${name} is not an INFISICAL_* variable of the module (src/infisical/options/env-variables.ts) nor INFISICAL_LOCAL_PORT`),
  );
}

/** Wraps a bash block as a function body, so that one `bash -n` reads many blocks; its code starts on the third line. */
const asFunction = (block: CodeBlock, index: number): string => `__doc_block_${index}() {\n:\n${block.code}}\n`;
const bashSyntax = (script: string) => spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });

/** The module specifiers of a TypeScript file: import/export … from, side-effect imports, import(), import = require(). */
function importSpecifiers(code: string): Array<{ specifier: string; line: number }> {
  const found: Array<{ specifier: string; line: number }> = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g,
    /\bimport\s*(['"])([^'"]+)\1/g,
    /\bimport\s*\(\s*(['"])([^'"]+)\1/g,
    /\brequire\s*\(\s*(['"])([^'"]+)\1/g,
  ];
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      found.push({ specifier: match[2]!, line: code.slice(0, match.index).split('\n').length });
    }
  }
  return found;
}

const packageName = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

describe('scripts/doc-blocks.mjs', () => {
  it('reads README.md and docs/*.md, sorted', () => {
    const files = documentationFiles(root).map((file) => file.slice(root.length));
    expect(files[0]).toBe('README.md');
    expect(files.slice(1).every((file) => /^docs\/[^/]+\.md$/.test(file))).toBe(true);
    expect(files).toEqual([...files].sort());
  });

  it('finds fenced blocks: language, line, code, name from a <!-- file: --> comment directly before the fence', () => {
    const text = [
      '# Title', // 1
      '<!-- file: src/app.module.ts -->', // 2
      '```ts', // 3
      "import 'reflect-metadata';", // 4
      '```', // 5
      '<!-- file: src/other.ts -->', // 6
      '', // 7
      '~~~~bash extra words', // 8
      'echo ```', // 9
      '~~~', // 10
      '~~~~', // 11
      '```ts inline``` is not a fence', // 12
      '- a list item', // 13
      '', // 14
      '   ```json', // 15
      '     { "a": 1 }', // 16
      '   ```', // 17
      '````', // 18
      'unclosed', // 19
    ].join('\n');
    expect(codeBlocks(text, 'x.md')).toEqual([
      { file: 'x.md', line: 3, endLine: 5, lang: 'ts', info: 'ts', code: "import 'reflect-metadata';\n", name: 'src/app.module.ts' },
      { file: 'x.md', line: 8, endLine: 11, lang: 'bash', info: 'bash extra words', code: 'echo ```\n~~~\n', name: undefined },
      { file: 'x.md', line: 15, endLine: 17, lang: 'json', info: 'json', code: '  { "a": 1 }\n', name: undefined },
      { file: 'x.md', line: 18, endLine: 19, lang: '', info: '', code: 'unclosed\n', name: undefined },
    ]);
  });

  it('reads CRLF line ends', () => {
    expect(codeBlocks('```text\r\na\r\n```\r\n', 'y.md')).toEqual([{ file: 'y.md', line: 1, endLine: 3, lang: 'text', info: 'text', code: 'a\n', name: undefined }]);
  });
});

describe('code blocks of README.md and docs/*.md', () => {
  it('are there', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it(`have a language: ${LANGUAGES.join(', ')}`, () => {
    const wrong = blocks.filter((b) => !LANGUAGES.includes(b.lang)).map((b) => `${where(b)}: language "${b.lang}" is not one of ${LANGUAGES.join(', ')}`);
    expect(wrong).toEqual([]);
  });

  it('have no "..." placeholder lines', () => {
    const placeholder = /^\s*(?:\/\/|\/\*|#|<!--)?\s*(?:\.\.\.|…)\s*(?:\*\/|-->)?\s*,?\s*$/;
    const wrong = blocks
      .filter((b) => b.lang !== 'text')
      .flatMap((b) => codeLines(b).flatMap((text, i) => (placeholder.test(text) ? [`${where(b, i + 1)}: "${text.trim()}" is a placeholder; show complete code`] : [])));
    expect(wrong).toEqual([]);
  });

  it('name files with relative paths, each name once per Markdown file', () => {
    const wrong: string[] = [];
    const seen = new Map<string, CodeBlock>();
    for (const b of blocks.filter((x) => x.name !== undefined)) {
      const name = b.name!;
      if (name.startsWith('/') || posix.normalize(name) !== name || name.startsWith('..')) wrong.push(`${where(b)}: file name "${name}" is not a plain relative path`);
      const key = `${b.file}\0${name}`;
      if (seen.has(key)) wrong.push(`${where(b)}: file name "${name}" is already used at ${where(seen.get(key)!)}`);
      else seen.set(key, b);
    }
    expect(wrong).toEqual([]);
  });

  describe('bash', () => {
    it('parse with bash -n', () => {
      const bash = ofLang('bash');
      if (bashSyntax(bash.map(asFunction).join('')).status === 0) return;
      // One of them does not parse: find which, one spawn each.
      const wrong = bash.flatMap((b, i) => {
        const result = bashSyntax(asFunction(b, i));
        if (result.status === 0) return [];
        const message = result.stderr.trim().replace(/^bash: line (\d+):\s*/gm, (_all, n: string) => `line ${b.line + Number(n) - 2}: `);
        return [`${where(b)}: bash -n: ${message.split('\n').join(' | ')}`];
      });
      expect(wrong).toEqual([]);
    });

    it('run only npm scripts of package.json', () => {
      const wrong = ofLang('bash').flatMap((b) =>
        codeLines(b).flatMap((text, i) =>
          [...text.matchAll(/\bnpm\s+(?:run(?:-script)?|run-script)\s+(?:--?[\w-]+(?:=\S+)?\s+)*([^\s;&|)'"]+)/g)]
            .map((m) => m[1]!)
            .filter((script) => !npmScripts.has(script))
            .map((script) => `${where(b, i + 1)}: npm run ${script}: package.json has no script "${script}"`),
        ),
      );
      expect(wrong).toEqual([]);
    });

    it('name only INFISICAL_* variables that exist', () => {
      expect(ofLang('bash').flatMap(unknownVariables)).toEqual([]);
    });
  });

  it('json: JSON.parse reads it', () => {
    const wrong = ofLang('json').flatMap((b) => {
      try {
        JSON.parse(b.code);
        return [];
      } catch (error) {
        return [`${where(b)}: JSON.parse: ${(error as Error).message}`];
      }
    });
    expect(wrong).toEqual([]);
  });

  describe('yaml', () => {
    // js-yaml comes with the test tooling (no types of its own): 3.x has safeLoadAll, 4.x loadAll (safe by default).
    const yaml = createRequire(import.meta.url)('js-yaml') as { safeLoadAll?: (text: string) => unknown[]; loadAll: (text: string) => unknown[] };
    const loadAll = yaml.safeLoadAll ?? yaml.loadAll;

    it('js-yaml reads it', () => {
      const wrong = ofLang('yaml').flatMap((b) => {
        try {
          loadAll(b.code);
          return [];
        } catch (error) {
          return [`${where(b)}: js-yaml: ${(error as Error).message.split('\n')[0]}`];
        }
      });
      expect(wrong).toEqual([]);
    });

    it('names only INFISICAL_* variables that exist', () => {
      expect(ofLang('yaml').flatMap(unknownVariables)).toEqual([]);
    });
  });

  it('dockerfile: every instruction is a Dockerfile instruction', () => {
    const wrong = ofLang('dockerfile').flatMap((b) => {
      const problems: string[] = [];
      let continued = false;
      let heredoc: string | undefined;
      codeLines(b).forEach((text, i) => {
        if (heredoc !== undefined) {
          if (text.replace(/^\t+/, '') === heredoc) heredoc = undefined;
          return;
        }
        const wasContinued = continued;
        const trimmed = text.trim();
        if (trimmed.startsWith('#')) return; // comments (and parser directives) do not end a continuation
        continued = /\\\s*$/.test(text);
        if (trimmed === '' || wasContinued) return;
        const instruction = /^(\S+)/.exec(trimmed)![1]!;
        if (!DOCKERFILE_INSTRUCTIONS.has(instruction.toUpperCase())) problems.push(`${where(b, i + 1)}: "${instruction}" is not a Dockerfile instruction`);
        const start = /<<-?(["']?)([A-Za-z_][\w]*)\1/.exec(trimmed);
        if (start) heredoc = start[2];
      });
      return problems;
    });
    expect(wrong).toEqual([]);
  });

  describe('ts', () => {
    it('imports only the package, the packages the docs-snippets consumer installs and node: built-ins', () => {
      const wrong = ofLang('ts').flatMap((b) =>
        importSpecifiers(b.code)
          .filter(({ specifier }) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !allowedPackages.has(packageName(specifier)))
          .map(({ specifier, line }) =>
            `${where(b, line)}: imports "${specifier}", which is not one of ${[...allowedPackages].join(', ')} or node:* (add it to test/consumers/docs-snippets/package.json)`,
          ),
      );
      expect(wrong).toEqual([]);
    });

    it('imports relative files only when they are named blocks of the same Markdown file, with a .js specifier', () => {
      const named = new Set(blocks.filter((b) => b.name !== undefined).map((b) => `${b.file}\0${b.name}`));
      const wrong = ofLang('ts').flatMap((b) =>
        importSpecifiers(b.code)
          .filter(({ specifier }) => specifier.startsWith('.'))
          .flatMap(({ specifier, line }) => {
            const target = posix.normalize(posix.join(posix.dirname(b.name ?? 'snippet.ts'), specifier));
            const source = target.replace(/\.js$/, '.ts');
            if (!/\.(js|json)$/.test(specifier)) return [`${where(b, line)}: relative import "${specifier}" needs its .js extension (ESM)`];
            if (named.has(`${b.file}\0${source}`) || named.has(`${b.file}\0${target}`)) return [];
            return [`${where(b, line)}: relative import "${specifier}" is not a named block of ${b.file} (put <!-- file: ${source} --> on the line before its fence)`];
          }),
      );
      expect(wrong).toEqual([]);
    });
  });
});
