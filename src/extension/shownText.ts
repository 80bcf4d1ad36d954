// Server strings (names, digests, locations, GitLab's error text) as the extension shows them: in plain
// text that keeps its line breaks, and inside tooltip Markdown. Pure: no vscode import, so the unit tests
// check it. Every value loses its control characters first (stripControls); in Markdown, every
// significant character is then escaped (text) or the value becomes inline code with the backticks that
// could close the span removed (code).
import { stripControls } from '../core/text';

/** Plain text over several lines (a modal's detail, a tooltip): controls stripped line by line. */
export function multilineText(text: string): string {
  return text.split('\n').map(stripControls).join('\n');
}

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
