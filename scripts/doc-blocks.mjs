/**
 * The one reader of the documentation (README.md and docs/*.md) for tests and scripts: which files it is made of and
 * the fenced code blocks they hold. Plain ESM without dependencies, so the Jest specs, the consumer fixtures (which
 * run outside the repository) and scripts all share it; types in doc-blocks.d.mts.
 *
 * Fences follow CommonMark: a line of at least three backticks or tildes, indented by at most three spaces (more
 * inside a list item), opens a block; its info string's first word is the language (a backtick fence's info string
 * may not hold a backtick); the block ends at a line of the same character, at least as long, with nothing but
 * blanks after it, or at the end of the file. The opening fence's indentation is removed from each line of the code.
 * A `<!-- file: src/app.module.ts -->` comment on the line directly before the fence names the block.
 * Not handled: fences inside block quotes (`> ````), and indented (four-space) code blocks, which the documentation
 * does not use.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Absolute paths of README.md and docs/*.md under `root`, those that exist, sorted. */
export function documentationFiles(root) {
  const base = resolve(root);
  const files = [];
  const readme = join(base, 'README.md');
  if (isFile(readme)) files.push(readme);
  const docs = join(base, 'docs');
  let names = [];
  try {
    names = readdirSync(docs);
  } catch {
    names = [];
  }
  for (const name of names) {
    const path = join(docs, name);
    if (name.endsWith('.md') && isFile(path)) files.push(path);
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `{ file, text }` for each of documentationFiles(root): the absolute path and its UTF-8 text. */
export function readDocumentation(root) {
  return documentationFiles(root).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

/**
 * Every fenced code block of a Markdown text, in order: `{ file, line, endLine, lang, info, code, name }`.
 * `line` is the 1-based line of the opening fence, `endLine` that of the closing fence (the last line when the block
 * runs to the end of the text); `lang` the info string's first word ('' when there is none), `info` the whole info
 * string; `code` the lines between the fences, each ending with '\n'; `name` the path of a `<!-- file: path -->`
 * comment on the line directly before the fence, undefined otherwise. `file` is passed through as given.
 */
export function codeBlocks(text, file) {
  const lines = String(text).split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = openingFence(lines[i]);
    if (!open) continue;
    const content = [];
    let end = lines.length;
    for (let j = i + 1; j < lines.length; j++) {
      if (isClosingFence(lines[j], open)) {
        end = j;
        break;
      }
      content.push(stripIndent(lines[j], open.indent));
    }
    const info = open.info;
    blocks.push({
      file,
      line: i + 1,
      endLine: Math.min(end + 1, lines.length),
      lang: info.split(/\s+/)[0] ?? '',
      info,
      code: content.map((l) => `${l}\n`).join(''),
      name: i > 0 ? fileComment(lines[i - 1]) : undefined,
    });
    i = end;
  }
  return blocks;
}

/** Every code block of the documentation under `root`, with `file` relative to root ('README.md', 'docs/x.md'). */
export function documentationBlocks(root) {
  const base = resolve(root);
  return readDocumentation(base).flatMap(({ file, text }) => codeBlocks(text, relative(base, file).split('\\').join('/')));
}

/** `path` of a `<!-- file: path -->` line, if it is one. */
export function fileComment(line) {
  const match = /^\s*<!--\s*file:\s*(\S+)\s*-->\s*$/.exec(line);
  return match ? match[1] : undefined;
}

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Width of the leading blanks (a tab advances to the next multiple of four) and the rest of the line. */
function leading(line) {
  let width = 0;
  let k = 0;
  for (; k < line.length; k++) {
    if (line[k] === ' ') width += 1;
    else if (line[k] === '\t') width += 4 - (width % 4);
    else break;
  }
  return { width, rest: line.slice(k) };
}

function openingFence(line) {
  const { width, rest } = leading(line);
  const match = /^(`{3,}|~{3,})(.*)$/.exec(rest);
  if (!match) return undefined;
  const fence = match[1];
  const info = match[2].trim();
  if (fence[0] === '`' && info.includes('`')) return undefined;
  return { char: fence[0], length: fence.length, indent: width, info };
}

function isClosingFence(line, open) {
  const { width, rest } = leading(line);
  if (width > Math.max(3, open.indent)) return false;
  const match = /^(`{3,}|~{3,})[ \t]*$/.exec(rest);
  return Boolean(match && match[1][0] === open.char && match[1].length >= open.length);
}

/** Removes up to `indent` columns of leading blanks. */
function stripIndent(line, indent) {
  let width = 0;
  let k = 0;
  while (k < line.length && width < indent) {
    if (line[k] === ' ') width += 1;
    else if (line[k] === '\t') width += 4 - (width % 4);
    else break;
    k++;
  }
  return line.slice(k);
}
