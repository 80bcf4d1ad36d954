// Printing: JSON for --json (and nothing else on stdout), aligned text tables otherwise. Sorting is by
// code point (byte order for UTF-8), never localeCompare, so the order is the same on every machine.
import { compareCodePoints } from '../core/text';
import type { CliContext } from './command';

export { compareCodePoints };

export function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return items.sort((a, b) => compareCodePoints(key(a), key(b)));
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout(JSON.stringify(value, null, 2));
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
  const widths = columns.map((c, k) => Math.max(c.header.length, ...cells.map((row) => row[k].length)));
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
  return String(v).replace(/[\u0000-\u001f\u007f]/g, '?');
}

/** Human-readable byte size for tables (JSON keeps the number). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** Prints `value` as JSON with --json, else the text produced by `text()`. */
export function emit(ctx: CliContext, value: unknown, text: () => string): void {
  if (ctx.json) printJson(ctx, value);
  else ctx.stdout(text());
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
