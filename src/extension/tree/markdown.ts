// Server strings (names, digests, locations, GitLab's error text) inside tooltip Markdown. Pure: no vscode
// import, so the unit tests check it. Every value loses its control characters first (stripControls), then
// either every Markdown-significant character is escaped (text) or it becomes inline code with the
// backticks that could close the span removed (code).
import { stripControls } from '../../core/text';

/** Plain text in Markdown: nothing in it can emphasise, link, embed HTML, an entity or a `$(icon)`. */
export function markdownText(text: string): string {
  return stripControls(text).replace(/[\\`*_{}[\]()#+\-.!|<>~&$:=]/g, '\\$&');
}

/** Inline code: `value`, with backticks removed so the span cannot be closed early. */
export function markdownCode(text: string): string {
  return `\`${codeBlockText(text)}\``;
}

/** The content of a fenced code block: one line (controls gone, so no line break) without backticks. */
export function codeBlockText(text: string): string {
  return stripControls(text).replace(/`/g, '');
}
