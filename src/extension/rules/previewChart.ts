// The preview's chart as data: a small set is drawn one point per tag; a large one (10,050 tags) as bars
// of whole UTC weeks (Monday to Sunday), each stacked deleted + kept, in count and in size. Pure (no
// vscode import); previewChartSvg.ts draws it.
import type { PreviewRow } from './previewModel';

/** Up to this many tags the chart draws one point per tag; above, weekly bars. */
export const POINTS_MAX = 300;
/** At most this many bars: a longer history puts several weeks in one bar. */
export const MAX_BARS = 120;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-05, a Monday: weeks start on Mondays (ISO 8601). */
const FIRST_MONDAY = 4 * DAY_MS;

export interface Tally { count: number; bytes: number }

export interface ChartBar {
  /** First instant of the bar (a Monday, 00:00 UTC), epoch ms; null for the undated bar. */
  start: number | null;
  /** First instant after the bar. */
  end: number | null;
  delete: Tally;
  keep: Tally;
}

export interface BarChart {
  /** Weeks per bar (1 unless the history is longer than MAX_BARS weeks). */
  weeksPerBar: number;
  /** Oldest first, contiguous: empty weeks are bars of zero. */
  bars: ChartBar[];
  /** Tags without a creation date, or null when every tag has one. */
  undated: ChartBar | null;
}

export type PreviewChart = { kind: 'points' } | ({ kind: 'bars' } & BarChart);

export function chartFor(rows: readonly PreviewRow[]): PreviewChart {
  return rows.length <= POINTS_MAX ? { kind: 'points' } : { kind: 'bars', ...aggregateByWeek(rows) };
}

function emptyBar(start: number | null, end: number | null): ChartBar {
  return { start, end, delete: { count: 0, bytes: 0 }, keep: { count: 0, bytes: 0 } };
}

function add(bar: ChartBar, row: PreviewRow): void {
  const tally = row.action === 'delete' ? bar.delete : bar.keep;
  tally.count++;
  tally.bytes += row.size ?? 0;
}

export function aggregateByWeek(rows: readonly PreviewRow[], maxBars = MAX_BARS): BarChart {
  const week = (time: number) => Math.floor((time - FIRST_MONDAY) / WEEK_MS);
  // Loops, not Math.min(...): spreading 100,000+ values into a call overflows the stack.
  let first = Infinity;
  let last = -Infinity;
  for (const r of rows) {
    if (r.time === null) continue;
    first = Math.min(first, week(r.time));
    last = Math.max(last, week(r.time));
  }
  let undated: ChartBar | null = null;
  if (first === Infinity) {
    for (const r of rows) add((undated ??= emptyBar(null, null)), r);
    return { weeksPerBar: 1, bars: [], undated };
  }
  const weeksPerBar = Math.max(1, Math.ceil((last - first + 1) / maxBars));
  const count = Math.floor((last - first) / weeksPerBar) + 1;
  const bars: ChartBar[] = [];
  for (let i = 0; i < count; i++) {
    const start = FIRST_MONDAY + (first + i * weeksPerBar) * WEEK_MS;
    bars.push(emptyBar(start, start + weeksPerBar * WEEK_MS));
  }
  for (const r of rows) {
    if (r.time === null) add((undated ??= emptyBar(null, null)), r);
    else add(bars[Math.floor((week(r.time) - first) / weeksPerBar)], r);
  }
  return { weeksPerBar, bars, undated };
}
