import { beforeAll, describe, expect, it } from '@jest/globals';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeBlocks, readDocumentation } from '../../scripts/doc-blocks.mjs';

/**
 * Every relative link and `#anchor` of the documentation resolves, in the repository (README.md, docs/*.md) and in
 * the npm package (its README.md and docs/*.md, as `npm run build:lib` writes them: scripts/build-lib.mjs's
 * packageDocumentation, read without building, so that this file needs no build and does not race
 * test/package/pack.spec.ts over dist-package/; pack.spec checks that dist-package holds exactly those texts).
 *
 * A link resolves when its file is one of the documentation files (or LICENSE), which are what the package ships as
 * well: a link to any other repository file (src/, test/, `.env.example` …) would be broken in the package. An anchor
 * resolves when it is the slug of a heading of the target file, as GitHub makes them, or an explicit
 * `<a id="…">` / `<a name="…">`. Fenced code blocks (read with scripts/doc-blocks.mjs), inline code spans and HTML
 * comments hold no links.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

/** One Markdown file: its path relative to the root of the repository or package, with '/' separators. */
interface Document {
  path: string;
  text: string;
}

/** Files other than the documentation that a link may point at: shipped in the package too. */
const OTHER_TARGETS = ['LICENSE'];

/** The text of each line outside fenced code blocks, with inline code spans and HTML comments blanked out. */
function proseLines(doc: Document): Array<{ line: number; text: string; raw: string }> {
  const lines = doc.text.split(/\r\n|\n|\r/);
  const fenced = new Set<number>();
  for (const block of codeBlocks(doc.text, doc.path)) for (let line = block.line; line <= block.endLine; line++) fenced.add(line);
  const prose: Array<{ line: number; text: string; raw: string }> = [];
  let inComment = false;
  lines.forEach((raw, index) => {
    if (fenced.has(index + 1)) return;
    let text = '';
    let rest = raw;
    while (rest.length > 0) {
      if (inComment) {
        const end = rest.indexOf('-->');
        if (end < 0) {
          text += ' '.repeat(rest.length);
          rest = '';
        } else {
          text += ' '.repeat(end + 3);
          rest = rest.slice(end + 3);
          inComment = false;
        }
      } else {
        const start = rest.indexOf('<!--');
        if (start < 0) {
          text += rest;
          rest = '';
        } else {
          text += rest.slice(0, start);
          rest = rest.slice(start);
          inComment = true;
        }
      }
    }
    text = text.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, (span) => ' '.repeat(span.length));
    prose.push({ line: index + 1, text, raw });
  });
  return prose;
}

/** The heading text as GitHub renders it: inline code without its backticks, links and images as their text, no HTML tags. */
function headingText(markdown: string): string {
  return markdown
    .replace(/(`+)(?!`)([\s\S]*?)(?<!`)\1(?!`)/g, (_, _ticks: string, code: string) => code.trim())
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .trim();
}

/**
 * GitHub's heading anchors (github-slugger): lower case; every character that is not a letter, mark, number,
 * connector punctuation (`_`), `-` or space dropped; each space a `-`; a repeated slug gets `-1`, `-2` ….
 */
function headingSlugs(headings: string[]): string[] {
  const seen = new Map<string, number>();
  return headings.map((heading) => {
    const base = headingText(heading)
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    let slug = base;
    while (seen.has(slug)) {
      const count = seen.get(base)! + 1;
      seen.set(base, count);
      slug = `${base}-${count}`;
    }
    seen.set(slug, 0);
    return slug;
  });
}

/** The anchors of a document: its headings' slugs (ATX `#` headings and setext underlines) and explicit ids. */
function anchors(doc: Document): Set<string> {
  const headings: string[] = [];
  const explicit: string[] = [];
  const prose = proseLines(doc);
  prose.forEach(({ line, text, raw }, index) => {
    const atx = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(raw);
    if (atx && text.trim().startsWith('#')) headings.push(atx[1] ?? '');
    const next = prose[index + 1];
    const setext = next && next.line === line + 1 && /^ {0,3}(?:=+|-+)[ \t]*$/.test(next.raw) && /\S/.test(raw) && !atx;
    if (setext && !/^ {0,3}(?:[-*+]|\d+[.)])(?:\s|$)/.test(raw) && !/^ {0,3}(?:=+|-+)[ \t]*$/.test(raw) && !raw.includes('|')) {
      headings.push(raw.trim());
    }
    for (const match of text.matchAll(/<a\s[^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']/gi)) explicit.push(match[1]!);
  });
  return new Set([...headingSlugs(headings), ...explicit]);
}

/** A link of a document: where it is and its target as written. */
interface Link {
  line: number;
  target: string;
}

/** Inline links and images `[text](target "title")`, reference definitions `[label]: target`, HTML href/src. */
function links(doc: Document): Link[] {
  const found: Link[] = [];
  for (const { line, text } of proseLines(doc)) {
    for (const match of text.matchAll(/\]\(\s*(<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g)) {
      found.push({ line, target: match[1]!.replace(/^<|>$/g, '') });
    }
    const definition = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(text);
    if (definition) found.push({ line, target: definition[1]!.replace(/^<|>$/g, '') });
    for (const match of text.matchAll(/\s(?:href|src)\s*=\s*["']([^"']*)["']/gi)) found.push({ line, target: match[1]! });
  }
  return found;
}

/** `file:line: target — why` for each link of `docs` that does not resolve among `docs` and `OTHER_TARGETS`. */
function brokenLinks(docs: Document[]): string[] {
  const byPath = new Map(docs.map((doc) => [doc.path, doc]));
  const anchorsOf = new Map<string, Set<string>>();
  const anchorsFor = (doc: Document): Set<string> => {
    if (!anchorsOf.has(doc.path)) anchorsOf.set(doc.path, anchors(doc));
    return anchorsOf.get(doc.path)!;
  };
  const broken: string[] = [];
  for (const doc of docs) {
    for (const { line, target } of links(doc)) {
      const where = `${doc.path}:${line}: ${target}`;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      if (target === '') {
        broken.push(`${where} — empty link`);
        continue;
      }
      const hash = target.indexOf('#');
      const filePart = hash < 0 ? target : target.slice(0, hash);
      const anchor = hash < 0 ? undefined : target.slice(hash + 1);
      let file: string;
      try {
        file = filePart === '' ? doc.path : posix.normalize(posix.join(posix.dirname(doc.path), decodeURI(filePart)));
      } catch {
        broken.push(`${where} — malformed escape`);
        continue;
      }
      if (filePart.startsWith('/')) {
        broken.push(`${where} — absolute path (write it relative to the file)`);
        continue;
      }
      const targetDoc = byPath.get(file);
      if (!targetDoc) {
        if (!OTHER_TARGETS.includes(file)) broken.push(`${where} — no such documentation file (README.md, docs/*.md): ${file}`);
        else if (anchor !== undefined) broken.push(`${where} — ${file} has no anchors`);
        continue;
      }
      if (anchor === undefined) continue;
      let decoded: string;
      try {
        decoded = decodeURIComponent(anchor);
      } catch {
        broken.push(`${where} — malformed escape`);
        continue;
      }
      if (!anchorsFor(targetDoc).has(decoded)) broken.push(`${where} — no heading or <a id> "${decoded}" in ${file}`);
    }
  }
  return broken;
}

describe('the link checker', () => {
  it('slugs headings as GitHub does: lower case, punctuation dropped but - and _, spaces as -, inline code kept', () => {
    expect(
      headingSlugs([
        'Namespaced configuration from secrets: `registerSecretsAs`',
        'Checking the Infisical setup: `verify-infisical`',
        'Rotation and resilience',
        'Rotation and resilience',
        'Rotation and resilience',
        'What `INFISICAL_SITE_URL` does (and why)?',
        'Errors — all of them',
        '[Links](other.md) & *emphasis*',
        'Déjà vu: 2 × 3',
      ]),
    ).toEqual([
      'namespaced-configuration-from-secrets-registersecretsas',
      'checking-the-infisical-setup-verify-infisical',
      'rotation-and-resilience',
      'rotation-and-resilience-1',
      'rotation-and-resilience-2',
      'what-infisical_site_url-does-and-why',
      'errors--all-of-them',
      'links--emphasis',
      'déjà-vu-2--3',
    ]);
  });

  it('finds headings and explicit anchors outside fenced code, and links outside code spans and HTML comments', () => {
    const doc: Document = {
      path: 'docs/a.md',
      text: [
        '# Guide A',
        '',
        '```bash',
        '# not a heading [nor a link](missing.md)',
        '```',
        '',
        '## Options',
        '',
        '<a id="custom-anchor"></a>',
        'Setext heading',
        '--------------',
        '',
        'See [b](b.md#options), [here](#custom-anchor), `[code](nowhere.md)` and <!-- [hidden](gone.md) -->.',
        '[ref]: ../README.md#top',
        '',
      ].join('\n'),
    };
    expect([...anchors(doc)].sort()).toEqual(['custom-anchor', 'guide-a', 'options', 'setext-heading']);
    expect(links(doc)).toEqual([
      { line: 13, target: 'b.md#options' },
      { line: 13, target: '#custom-anchor' },
      { line: 14, target: '../README.md#top' },
    ]);
  });

  it('reports missing files, files outside the documentation and unknown anchors; skips URLs', () => {
    const docs: Document[] = [
      { path: 'README.md', text: '# Top\n\n[guide](docs/b.md#options) [gone](docs/gone.md) [src](src/main.ts) [env](.env.example) [site](https://example.com/#x) [license](LICENSE)\n' },
      { path: 'docs/b.md', text: '# B\n\n## Settings\n\n[back](../README.md#top) [wrong](../README.md#bottom) [self](#settings)\n' },
    ];
    expect(brokenLinks(docs)).toEqual([
      'README.md:3: docs/b.md#options — no heading or <a id> "options" in docs/b.md',
      'README.md:3: docs/gone.md — no such documentation file (README.md, docs/*.md): docs/gone.md',
      'README.md:3: src/main.ts — no such documentation file (README.md, docs/*.md): src/main.ts',
      'README.md:3: .env.example — no such documentation file (README.md, docs/*.md): .env.example',
      'docs/b.md:5: ../README.md#bottom — no heading or <a id> "bottom" in README.md',
    ]);
  });
});

describe('links and anchors of the documentation', () => {
  let repository: Document[];
  let packaged: Document[];

  beforeAll(async () => {
    repository = readDocumentation(root).map(({ file, text }) => ({ path: relative(root, file).split('\\').join('/'), text }));
    const buildLib = join(root, 'scripts', 'build-lib.mjs');
    const { packageDocumentation } = (await import(buildLib)) as { packageDocumentation(root: string): Document[] };
    packaged = packageDocumentation(root);
  });

  it('README.md and docs/*.md of the repository: every relative link and #anchor resolves', () => {
    expect(repository.map((doc) => doc.path)).toContain('README.md');
    expect(brokenLinks(repository)).toEqual([]);
  });

  it("the package's README.md and docs/*.md (as build:lib writes them): every relative link and #anchor resolves", () => {
    expect(packaged.map((doc) => doc.path)).toContain('README.md');
    expect(brokenLinks(packaged)).toEqual([]);
  });
});
