// The preview's chart as SVG (pure, no vscode import). Small sets: one point per tag (x = created,
// y = size). Large sets: weekly bars, stacked deleted + kept, counts above and sizes below. Colours are
// Okabe–Ito (blue = kept, vermillion = deleted), told apart with colour-blindness too; every bar and
// point carries a <title> with the exact numbers. Every server value goes through escapeHtml.
import type { PreviewRow, PreviewSection, Translate } from './previewModel';
import { chartFor, type BarChart, type ChartBar } from './previewChart';
import { formatSize } from '../tree/format';
import { escapeHtml } from './htmlText';

const WIDTH = 760;
const HEIGHT = 220;
const PAD = { left: 60, right: 90, top: 18, bottom: 30 };
/** The band at the right edge where tags without a timestamp are drawn. */
const UNDATED_X = WIDTH - 40;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function pointTitle(r: PreviewRow, t: Translate): string {
  const action = r.action === 'delete' ? t('deleted') : t('kept');
  return [
    r.name,
    r.digest ?? t('no digest'),
    r.createdText || t('no creation date'),
    r.sizeText || t('size unknown'),
    `${action}: ${r.reasonText}`,
  ].join('\n');
}

/** The chart that fits the section: points for a small set, weekly bars for a large one. */
export function renderTimeline(section: PreviewSection, t: Translate): string {
  const chart = chartFor(section.rows);
  return chart.kind === 'points' ? renderPoints(section.rows, t) : renderBars(chart, t);
}

/** One point per tag: dated tags by creation time and size, undated ones in a labelled band on the right. */
export function renderPoints(rows: readonly PreviewRow[], t: Translate): string {
  const dated = rows.filter((r) => r.time !== null);
  const undated = rows.filter((r) => r.time === null);
  let minT = dated.length ? Infinity : 0;
  let maxT = dated.length ? -Infinity : 1;
  for (const r of dated) {
    minT = Math.min(minT, r.time as number);
    maxT = Math.max(maxT, r.time as number);
  }
  let maxSize = 1;
  for (const r of rows) maxSize = Math.max(maxSize, r.size ?? 0);
  const plotRight = WIDTH - PAD.right;
  const x = (time: number) => (maxT === minT ? (PAD.left + plotRight) / 2 : PAD.left + ((time - minT) / (maxT - minT)) * (plotRight - PAD.left));
  const y = (size: number | null) => HEIGHT - PAD.bottom - ((size ?? 0) / maxSize) * (HEIGHT - PAD.top - PAD.bottom);
  const dot = (r: PreviewRow, cx: number) =>
    `<circle class="pt ${r.action === 'delete' ? 'del' : 'keep'}" cx="${cx.toFixed(1)}" cy="${y(r.size).toFixed(1)}" r="5" data-name="${escapeHtml(r.name)}"><title>${escapeHtml(pointTitle(r, t))}</title></circle>`;
  const parts: string[] = [
    `<svg class="timeline points" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${escapeHtml(t('Tags by creation date (across) and size (up)'))}">`,
    `<line class="axis" x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${plotRight}" y2="${HEIGHT - PAD.bottom}"/>`,
    `<line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${HEIGHT - PAD.bottom}"/>`,
    `<text class="lbl" x="${PAD.left - 6}" y="${PAD.top + 8}" text-anchor="end">${escapeHtml(formatSize(maxSize) ?? '')}</text>`,
    `<text class="lbl" x="${PAD.left - 6}" y="${HEIGHT - PAD.bottom}" text-anchor="end">0</text>`,
  ];
  if (dated.length) {
    parts.push(`<text class="lbl" x="${PAD.left}" y="${HEIGHT - 10}">${escapeHtml(day(minT))}</text>`);
    parts.push(`<text class="lbl" x="${plotRight}" y="${HEIGHT - 10}" text-anchor="end">${escapeHtml(day(maxT))}</text>`);
  }
  if (undated.length) {
    parts.push(`<rect class="band" x="${UNDATED_X - 22}" y="${PAD.top}" width="44" height="${HEIGHT - PAD.top - PAD.bottom}"/>`);
    parts.push(`<text class="lbl undated-label" x="${UNDATED_X}" y="${HEIGHT - 10}" text-anchor="middle">${escapeHtml(t('no date'))}</text>`);
  }
  for (const r of dated) parts.push(dot(r, x(r.time as number)));
  for (const r of undated) parts.push(dot(r, UNDATED_X));
  parts.push('</svg>');
  return parts.join('');
}

const PANEL = 110;
const GAP = 40;

function barTitle(bar: ChartBar, t: Translate): string {
  const when = bar.start === null ? t('no creation date') : t('{0} to {1}', day(bar.start), day((bar.end as number) - 1));
  return [
    when,
    t('deleted: {0} tags, {1}', bar.delete.count, formatSize(bar.delete.bytes) ?? '0 B'),
    t('kept: {0} tags, {1}', bar.keep.count, formatSize(bar.keep.bytes) ?? '0 B'),
  ].join('\n');
}

/** Two panels of stacked bars (tags per week, size per week), the undated tags as a last bar in a band. */
export function renderBars(chart: BarChart, t: Translate): string {
  const all = chart.undated ? [...chart.bars, chart.undated] : chart.bars;
  let maxCount = 1;
  let maxBytes = 1;
  for (const b of all) {
    maxCount = Math.max(maxCount, b.delete.count + b.keep.count);
    maxBytes = Math.max(maxBytes, b.delete.bytes + b.keep.bytes);
  }
  const plotRight = WIDTH - PAD.right;
  const slot = (plotRight - PAD.left) / Math.max(1, chart.bars.length);
  const barWidth = Math.max(1, slot * 0.8);
  const height = PAD.top + PANEL * 2 + GAP + PAD.bottom;
  const label = chart.weeksPerBar === 1
    ? t('Tags per week (top) and their size (bottom), deleted and kept')
    : t('Tags per {0} weeks (top) and their size (bottom), deleted and kept', chart.weeksPerBar);
  const parts: string[] = [`<svg class="timeline bars" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${escapeHtml(label)}">`];
  const panel = (top: number, max: number, maxText: string, value: (b: ChartBar, part: 'delete' | 'keep') => number, caption: string) => {
    const base = top + PANEL;
    parts.push(
      `<line class="axis" x1="${PAD.left}" y1="${base}" x2="${plotRight}" y2="${base}"/>`,
      `<line class="axis" x1="${PAD.left}" y1="${top}" x2="${PAD.left}" y2="${base}"/>`,
      `<text class="lbl" x="${PAD.left - 6}" y="${top + 8}" text-anchor="end">${escapeHtml(maxText)}</text>`,
      `<text class="lbl" x="${PAD.left - 6}" y="${base}" text-anchor="end">0</text>`,
      `<text class="lbl caption" x="${PAD.left + 4}" y="${top - 3}">${escapeHtml(caption)}</text>`,
    );
    const scale = (v: number) => (v / max) * PANEL;
    const stack = (b: ChartBar, x: number, w: number) => {
      const hd = scale(value(b, 'delete'));
      const hk = scale(value(b, 'keep'));
      if (hd + hk <= 0) return;
      parts.push(`<g class="bar"><title>${escapeHtml(barTitle(b, t))}</title>`,
        hd > 0 ? `<rect class="del" x="${x.toFixed(1)}" y="${(base - hd).toFixed(1)}" width="${w.toFixed(1)}" height="${hd.toFixed(1)}"/>` : '',
        hk > 0 ? `<rect class="keep" x="${x.toFixed(1)}" y="${(base - hd - hk).toFixed(1)}" width="${w.toFixed(1)}" height="${hk.toFixed(1)}"/>` : '',
        '</g>');
    };
    chart.bars.forEach((b, i) => stack(b, PAD.left + i * slot + (slot - barWidth) / 2, barWidth));
    if (chart.undated) {
      parts.push(`<rect class="band" x="${UNDATED_X - 22}" y="${top}" width="44" height="${PANEL}"/>`);
      stack(chart.undated, UNDATED_X - 14, 28);
    }
  };
  panel(PAD.top, maxCount, String(maxCount), (b, p) => b[p].count, t('tags'));
  panel(PAD.top + PANEL + GAP, maxBytes, formatSize(maxBytes) ?? '', (b, p) => b[p].bytes, t('size'));
  const axisY = height - 10;
  if (chart.bars.length) {
    parts.push(`<text class="lbl" x="${PAD.left}" y="${axisY}">${escapeHtml(day(chart.bars[0].start as number))}</text>`);
    parts.push(`<text class="lbl" x="${plotRight}" y="${axisY}" text-anchor="end">${escapeHtml(day((chart.bars[chart.bars.length - 1].end as number) - 1))}</text>`);
  }
  if (chart.undated) parts.push(`<text class="lbl undated-label" x="${UNDATED_X}" y="${axisY}" text-anchor="middle">${escapeHtml(t('no date'))}</text>`);
  parts.push('</svg>');
  return parts.join('');
}
