// Printing: JSON for --json (and nothing else on stdout), aligned text tables otherwise. Sorting is by
// code point (byte order for UTF-8), never localeCompare, so the order is the same on every machine.
import { compareCodePoints, stripControls } from '../core/text';
import { formatSize } from '../core/units';
import type { CliContext } from './command';

export { compareCodePoints };

export function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return items.sort((a, b) => compareCodePoints(key(a), key(b)));
}

/**
 * JSON on stdout. JSON.stringify escapes C0 controls but writes C1 controls (U+0080–U+009F, which some
 * terminals obey as ESC sequences) and bidirectional overrides raw: those are escaped as \uXXXX too, so
 * the JSON value is unchanged and the terminal sees only printable text.
 */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout(jsonForTerminal(value));
}

export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A server string (or anything that may hold one) as text for a person: controls stripped. */
export function shown(text: string | number | null | undefined): string {
  return stripControls(String(text ?? ''));
}

export interface Column<T> {
  header: string;
  get(row: T): string | number | null | undefined;
  /** Right-align (numbers). */
  right?: boolean;
}

/** An aligned table with a header row; the last column is not padded. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => cellText(c.get(r))));
  // reduce, not Math.max(...cells): a table of 130,000+ rows would overflow the call stack.
  const widths = columns.map((c, k) => cells.reduce((w, row) => Math.max(w, row[k].length), c.header.length));
  const line = (values: string[]): string =>
    values
      .map((v, k) => {
        if (k === values.length - 1 && !columns[k].right) return v;
        return columns[k].right ? v.padStart(widths[k]) : v.padEnd(widths[k]);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

function cellText(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '-';
  return shown(v);
}

/** Human-readable byte size for tables, in the extension's units (core/units.ts); JSON keeps the number. */
export function formatBytes(n: number | null | undefined): string {
  return formatSize(n) ?? '-';
}

/** Prints `value` as JSON with --json, else the text produced by `text()`. */
export function emit(ctx: CliContext, value: unknown, text: () => string): void {
  if (ctx.json) printJson(ctx, value);
  else ctx.stdout(text());
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
