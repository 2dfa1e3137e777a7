/** Types of scripts/doc-blocks.mjs: the reader of the documentation (README.md and docs/*.md) and its code blocks. */

/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The file name given to codeBlocks (documentationBlocks: relative to the root, e.g. 'docs/sources.md'). */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** 1-based line of the closing fence (the last line when the block runs to the end of the file). */
  endLine: number;
  /** First word of the info string ('' when the fence has none), e.g. 'ts', 'bash'. */
  lang: string;
  /** The whole info string. */
  info: string;
  /** The lines between the fences, each ending with '\n' (the opening fence's indentation removed). */
  code: string;
  /** Path from a `<!-- file: path -->` comment on the line directly before the fence; undefined without one. */
  name: string | undefined;
}

/** One documentation file: its absolute path and text. */
export interface DocumentationFile {
  file: string;
  text: string;
}

/** Absolute paths of README.md and docs/*.md under root, those that exist, sorted. */
export function documentationFiles(root: string): string[];

/** The text of each of documentationFiles(root). */
export function readDocumentation(root: string): DocumentationFile[];

/** Every fenced code block (``` or ~~~) of a Markdown text, in order; `file` is passed through to the blocks. */
export function codeBlocks(text: string, file: string): CodeBlock[];

/** Every code block of README.md and docs/*.md under root, `file` relative to root with '/' separators. */
export function documentationBlocks(root: string): CodeBlock[];

/** The path of a `<!-- file: path -->` line, undefined for any other line. */
export function fileComment(line: string): string | undefined;
