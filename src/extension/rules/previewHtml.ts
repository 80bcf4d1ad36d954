// The preview webview's HTML: the rule, a summary table when there are several repositories, and per
// repository its totals, chart (previewChartSvg.ts) and a filterable, sortable table (PREVIEW_COLUMNS),
// rendered from the pure view model (previewModel.ts). Pure (no vscode import). Every value that comes
// from GitLab (tag names, digests, paths, notes) goes through escapeHtml; the page loads nothing remote:
// default-src 'none', the one script (previewScript.ts) and style block carry a nonce.
import { randomBytes } from 'crypto';
import type { PreviewModel, PreviewRow, PreviewSection, Translate } from './previewModel';
import { formatSize } from '../tree/format';
import { escapeHtml } from './htmlText';
import { renderTimeline } from './previewChartSvg';
import { PREVIEW_SCRIPT } from './previewScript';

export { renderTimeline };

/**
 * The user's choice in the preview; 'cancel' also when the panel is closed. The toggles switch a condition
 * (model.conditions) and ask for the preview again.
 */
export type PreviewChoice = 'delete' | 'schedule' | 'cancel' | 'toggleSignatures' | 'toggleGoneBranches' | 'toggleOrphanedSignatures';
export const PREVIEW_CHOICES: readonly PreviewChoice[] = ['delete', 'schedule', 'cancel', 'toggleSignatures', 'toggleGoneBranches', 'toggleOrphanedSignatures'];

export { escapeHtml };

/** A fresh nonce for one rendering: 128 bits from the CSPRNG as 32 hex digits (never Math.random). */
export function makeNonce(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The page's Content-Security-Policy: nothing by default; the nonce'd script; styles from the nonce'd
 * block or the webview's own origin (cspSource, for VS Code's injected theme styles); images only from
 * the webview origin or data: (none are used today). No remote origin appears.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** One column of a section's table: header, cell text, and the raw value it sorts by (else the text). */
export interface PreviewColumn {
  id: string;
  header: (t: Translate) => string;
  text: (r: PreviewRow, t: Translate) => string;
  /** 'num' sorts by `sortValue` as a number; 'text' by code point. */
  sort: 'num' | 'text';
  sortValue?: (r: PreviewRow) => string | number | null;
  className?: string;
  title?: (r: PreviewRow) => string;
}

/** The table's columns, in order: add a column here and it renders, sorts and filters like the others. */
export const PREVIEW_COLUMNS: PreviewColumn[] = [
  { id: 'action', header: (t) => t('Action'), text: (r, t) => (r.action === 'delete' ? t('delete') : t('keep')), sort: 'text' },
  { id: 'name', header: (t) => t('Tag'), text: (r) => r.name, sort: 'text', className: 'name' },
  { id: 'reason', header: (t) => t('Reason'), text: (r) => r.reasonText, sort: 'text' },
  { id: 'created', header: (t) => t('Created'), text: (r, t) => r.createdText || t('no date'), sort: 'num', sortValue: (r) => r.time, title: (r) => r.createdAt ?? '' },
  { id: 'size', header: (t) => t('Size'), text: (r) => r.sizeText, sort: 'num', sortValue: (r) => r.size, className: 'num' },
  { id: 'digest', header: (t) => t('Digest'), text: (r) => r.shortDigest, sort: 'text', className: 'digest', title: (r) => r.digest ?? '' },
];

/** The storage column, once the figure is computed: the bytes only that tag's image holds. */
const OWN_DATA_COLUMN: PreviewColumn = {
  id: 'own', header: (t) => t('Own data'), text: (r) => formatSize(r.ownBytes ?? 0) ?? '0 B', sort: 'num',
  sortValue: (r) => r.ownBytes ?? 0, className: 'num own',
};

/** A section's columns: the storage column before the digest once its figure is there. */
function columnsFor(section: PreviewSection): readonly PreviewColumn[] {
  if (section.storage?.state !== 'done') return PREVIEW_COLUMNS;
  return [...PREVIEW_COLUMNS.slice(0, -1), OWN_DATA_COLUMN, PREVIEW_COLUMNS[PREVIEW_COLUMNS.length - 1]];
}

/** Rows in the HTML itself; the rest follow as JSON that the script appends after the first paint. */
export const FIRST_ROWS = 200;

interface CellParts { className?: string; v?: string; title?: string; text: string }

function cells(r: PreviewRow, t: Translate, columns: readonly PreviewColumn[]): CellParts[] {
  return columns.map((c) => ({
    className: c.className,
    v: c.sortValue ? String(c.sortValue(r) ?? '') : undefined,
    title: c.title ? c.title(r) : undefined,
    text: c.text(r, t),
  }));
}

/** The storage sentence: progress, the true figure ("up to", shared with kept tags) or why there is none. */
export function storageText(section: PreviewSection, t: Translate): string {
  const st = section.storage;
  if (!st) return escapeHtml(t('Garbage collection can reclaim at most {0}.', formatSize(section.totals.reclaimableBytes) ?? '0 B'));
  const why = t('Up to: GitLab shares layers between the repositories of a namespace, and space returns only after garbage collection.');
  if (st.state === 'pending') {
    return `<span class="storage pending">${escapeHtml(t('Computing the space freed… ({0} of {1} manifests read)', st.done, st.known))}</span>`;
  }
  if (st.state === 'unavailable') return `<span class="storage unavailable">${escapeHtml(t('Space freed: size not available ({0}).', st.reason))}</span>`;
  return `<span class="storage done" title="${escapeHtml(why)}" data-reclaimable="${st.reclaimableBytes}" data-shared="${st.sharedBytes}">${escapeHtml(
    t('Frees up to {0} after garbage collection; {1} of the selected images\' data is shared with tags you keep.', formatSize(st.reclaimableBytes) ?? '0 B', formatSize(st.sharedBytes) ?? '0 B'),
  )}</span>`;
}

/** A row for the script: [class, name, reason, cell…]; a cell is its text, or [text, sort value, title]. */
function compactRow(r: PreviewRow, t: Translate, columns: readonly PreviewColumn[]): unknown[] {
  const row: unknown[] = [r.action === 'delete' ? 'del' : 'keep', r.name, r.reason];
  for (const c of columns) {
    const text = c.text(r, t);
    row.push(c.sortValue || c.title ? [text, c.sortValue ? String(c.sortValue(r) ?? '') : null, c.title ? c.title(r) : null] : text);
  }
  return row;
}

/** JSON inside <script type="application/json">: "<" escaped so that no value can close the element. */
function jsonBlock(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function renderTable(section: PreviewSection, t: Translate, columns: readonly PreviewColumn[]): string {
  const out: string[] = ['<div class="table-wrap"><table><thead><tr>'];
  for (const c of columns) out.push(`<th data-sort="${c.sort}" data-column="${c.id}" title="${escapeHtml(t('Sort'))}">${escapeHtml(c.header(t))}</th>`);
  out.push('</tr></thead><tbody>');
  const rows = section.rows;
  for (let i = 0; i < Math.min(rows.length, FIRST_ROWS); i++) {
    const r = rows[i];
    out.push(`<tr class="${r.action === 'delete' ? 'del' : 'keep'}" data-name="${escapeHtml(r.name)}" data-reason="${escapeHtml(r.reason)}">`);
    for (const p of cells(r, t, columns)) {
      const attrs = [
        p.className ? ` class="${p.className}"` : '',
        p.v !== undefined ? ` data-v="${escapeHtml(p.v)}"` : '',
        p.title !== undefined ? ` title="${escapeHtml(p.title)}"` : '',
      ].join('');
      out.push(`<td${attrs}>${escapeHtml(p.text)}</td>`);
    }
    out.push('</tr>');
  }
  out.push('</tbody></table></div>');
  if (rows.length > FIRST_ROWS) {
    // The script builds these rows with textContent (never innerHTML), in chunks after the first paint.
    const rest: unknown[] = [];
    for (let i = FIRST_ROWS; i < rows.length; i++) rest.push(compactRow(rows[i], t, columns));
    const classes = columns.map((c) => c.className ?? '').join(' ');
    out.push(`<script type="application/json" class="more-rows" data-classes="${escapeHtml(classes)}">${jsonBlock(rest)}</script>`);
  }
  return out.join('');
}

/** Counts and tag sizes; what garbage collection frees is storageText's (the naive figure only when not asked). */
function totalsText(s: PreviewSection['totals'], t: Translate): string {
  return t('{0} of {1} tags are deleted ({2}); {3} are kept ({4}).', s.deleteCount, s.tags, formatSize(s.deleteBytes) ?? '0 B', s.keepCount, formatSize(s.keepBytes) ?? '0 B');
}

function renderSection(section: PreviewSection, t: Translate, collapsible: { open: boolean } | null): string {
  const s = section.totals;
  const out: string[] = [collapsible
    ? `<details class="repo" id="repo-${section.repositoryId}" data-repository-id="${section.repositoryId}"${collapsible.open ? ' open' : ''}><summary><h2>${escapeHtml(section.repository)}</h2> <span class="counts">${escapeHtml(t('{0} to delete, {1} to keep', s.deleteCount, s.keepCount))}</span>${guardMark(section)}</summary>`
    : `<section class="repo" data-repository-id="${section.repositoryId}">`];
  out.push(`<p class="totals" data-delete-count="${s.deleteCount}" data-keep-count="${s.keepCount}">${escapeHtml(totalsText(s, t))} ${storageText(section, t)}</p>`);
  if (section.notes.length) {
    out.push(`<ul class="notes">${section.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  }
  out.push(`<div class="legend"><span class="sw del"></span>${escapeHtml(t('deleted'))} <span class="sw keep"></span>${escapeHtml(t('kept'))}</div>`);
  out.push(renderTimeline(section, t));
  const template = t('{0} of {1} tags shown', '{0}', s.tags);
  out.push(`<div class="controls"><input type="search" class="filter" placeholder="${escapeHtml(t('Filter tags by name'))}" aria-label="${escapeHtml(t('Filter tags by name'))}">`,
    ` <span class="shown" data-template="${escapeHtml(template)}">${escapeHtml(template.replace('{0}', String(s.tags)))}</span></div>`);
  out.push(renderTable(section, t, columnsFor(section)));
  out.push(collapsible ? '</details>' : '</section>');
  return out.join('');
}

/** Several repositories: one row each with its counts, linked to its (collapsible) section below. */
export function renderSummaryTable(sections: readonly PreviewSection[], t: Translate): string {
  // The Protection column only when a repository protection rule guards one of them.
  const guarded = sections.some((s) => s.guard !== undefined);
  const out: string[] = ['<table class="summary"><thead><tr>',
    ...[t('Repository'), t('Tags'), t('Delete'), t('Keep'), t('Size deleted'), t('Reclaimable at most'), ...(guarded ? [t('Protection')] : [])].map((h) => `<th>${escapeHtml(h)}</th>`),
    '</tr></thead><tbody>'];
  for (const s of sections) {
    const x = s.totals;
    out.push(`<tr data-repository-id="${s.repositoryId}"><td><a href="#repo-${s.repositoryId}" data-open="repo-${s.repositoryId}">${escapeHtml(s.repository)}</a></td>`,
      `<td class="num">${x.tags}</td><td class="num">${x.deleteCount}</td><td class="num">${x.keepCount}</td>`,
      `<td class="num">${escapeHtml(formatSize(x.deleteBytes) ?? '0 B')}</td>${reclaimCell(s, t)}${guarded ? `<td>${guardMark(s)}</td>` : ''}</tr>`);
  }
  out.push('</tbody></table>');
  return out.join('');
}

/** "protected: <rule> needs Owner" beside a repository a repository protection rule guards, else nothing. */
function guardMark(section: PreviewSection): string {
  return section.guard ? ` <span class="guard" data-guard="${escapeHtml(section.guard)}">${escapeHtml(section.guard)}</span>` : '';
}

/**
 * A repository's reclaimable bytes in the summary: the registry's figure once computed ("up to"), "…" while
 * it is read, "size not available (reason)" when it cannot be; the naive upper bound when none was asked.
 */
function reclaimCell(section: PreviewSection, t: Translate): string {
  const st = section.storage;
  if (!st) return `<td class="num">${escapeHtml(formatSize(section.totals.reclaimableBytes) ?? '0 B')}</td>`;
  if (st.state === 'pending') return '<td class="num reclaim pending">…</td>';
  if (st.state === 'unavailable') return `<td class="reclaim unavailable">${escapeHtml(t('size not available ({0})', st.reason))}</td>`;
  return `<td class="num reclaim done" data-reclaimable="${st.reclaimableBytes}">${escapeHtml(t('up to {0}', formatSize(st.reclaimableBytes) ?? '0 B'))}</td>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 24px; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
.rule, .gc { color: var(--vscode-descriptionForeground); }
.notes li { color: var(--vscode-editorWarning-foreground); margin: 2px 0; }
.timeline { max-width: 900px; display: block; margin: 8px 0; }
.axis { stroke: var(--vscode-descriptionForeground); stroke-width: 1; }
.lbl { fill: var(--vscode-descriptionForeground); font-size: 11px; }
.band { fill: var(--vscode-editorWidget-background); stroke: var(--vscode-descriptionForeground); stroke-dasharray: 3 3; }
.pt { stroke: var(--vscode-editor-background); stroke-width: 1; }
.pt.del, .bar .del, .sw.del { fill: #d55e00; background: #d55e00; }
.pt.keep, .bar .keep, .sw.keep { fill: #0072b2; background: #0072b2; }
.bar:hover rect { opacity: 0.75; }
.sw { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin: 0 4px 0 8px; }
.controls { margin: 8px 0 4px; } .controls input { font: inherit; padding: 2px 6px; min-width: 16em; color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, #8884); }
.shown { color: var(--vscode-descriptionForeground); }
th[data-sort] { cursor: pointer; user-select: none; } th[aria-sort=ascending]::after { content: " ▲"; } th[aria-sort=descending]::after { content: " ▼"; }
td.num, .summary td.num { text-align: right; }
table.summary { width: auto; margin: 8px 0 16px; } .summary th, .summary td { border-bottom: 1px solid var(--vscode-panel-border, #8884); }
details.repo > summary { cursor: pointer; margin-top: 1.2em; } details.repo > summary h2 { display: inline; }
.counts { color: var(--vscode-descriptionForeground); }
.table-wrap { max-height: 50vh; overflow: auto; border: 1px solid var(--vscode-panel-border, #8884); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 2px 8px; white-space: nowrap; }
th { position: sticky; top: 0; background: var(--vscode-editor-background); }
tr.del td:first-child { color: #d55e00; font-weight: 600; }
tr.keep td:first-child { color: #0072b2; }
.digest { font-family: var(--vscode-editor-font-family); }
.grand-totals { font-weight: 600; }
.guard { color: var(--vscode-editorWarning-foreground); margin-left: 8px; }
.conditions { border: 1px solid var(--vscode-panel-border, #8884); margin: 12px 0; } .conditions label { display: block; margin: 2px 0; }
details > summary { cursor: pointer; margin-top: 1em; font-size: 1.05em; } .repo-name { font-weight: 600; }
.actions { position: sticky; bottom: 0; background: var(--vscode-editor-background); padding: 12px 0; display: flex; gap: 8px; }
button { font: inherit; padding: 4px 12px; border: none; cursor: pointer; color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button:disabled { opacity: 0.5; cursor: default; }
a { color: var(--vscode-textLink-foreground); }
`;

/** The conditions beyond GitLab's rule as checkboxes above the sections (visible before anything is decided). */
function conditionBoxes(model: PreviewModel, t: Translate): string[] {
  if (!model.actions || !model.conditions) return [];
  const box = (choice: PreviewChoice, on: boolean, label: string) =>
    `<label><input type="checkbox" data-choice="${choice}"${on ? ' checked' : ''}> ${escapeHtml(label)}</label>`;
  return ['<fieldset class="conditions">',
    `<legend>${escapeHtml(t('Conditions'))}</legend>`,
    box('toggleSignatures', model.conditions.withSignatures, t('Also delete the signatures of deleted images (sha256-….sig / .att / .sbom)')),
    box('toggleGoneBranches', model.conditions.goneBranches, t('Only images of branches that are gone (CI_COMMIT_REF_SLUG of merged or closed merge requests)')),
    box('toggleOrphanedSignatures', model.conditions.orphanedSignatures === true, t('Also delete signatures whose image has no tag left (already orphaned; with an empty delete regex, only those)')),
    '</fieldset>'];
}

/** A rule over many repositories: the totals of all of them above the per-repository sections. */
function grandTotals(model: PreviewModel, t: Translate): string[] {
  if (model.manyRepositories !== true) return [];
  const del = model.sections.reduce((n, s) => n + s.totals.deleteCount, 0);
  const keep = model.sections.reduce((n, s) => n + s.totals.keepCount, 0);
  const bytes = model.sections.reduce((n, s) => n + s.totals.reclaimableBytes, 0);
  // Once the registry's figure is asked for, it is the one statement of what is freed (not the naive sum).
  const counts = model.sections.some((s) => s.storage !== undefined)
    ? t('{0} tags are deleted in {1} repositories; {2} are kept.', del, model.sections.length, keep)
    : t('{0} tags are deleted in {1} repositories; {2} are kept. Garbage collection can reclaim at most {3}.', del, model.sections.length, keep, formatSize(bytes) ?? '0 B');
  return [`<p class="grand-totals" data-delete-count="${del}" data-keep-count="${keep}" data-repositories="${model.sections.length}">${escapeHtml(counts)}${storageTotals(model.sections, t)}</p>`];
}

/** The registry's figure over all repositories, as it comes in: progress, the sum, which could not be read. */
function storageTotals(sections: readonly PreviewSection[], t: Translate): string {
  const asked = sections.filter((s) => s.storage !== undefined);
  if (asked.length === 0) return '';
  const done = asked.filter((s) => s.storage?.state === 'done');
  const missing = asked.filter((s) => s.storage?.state === 'unavailable');
  const pending = asked.length - done.length - missing.length;
  if (pending > 0) {
    return ` <span class="storage pending">${escapeHtml(t('Computing the space freed… ({0} of {1} repositories)', done.length + missing.length, asked.length))}</span>`;
  }
  const sum = done.reduce((n, s) => n + (s.storage?.state === 'done' ? s.storage.reclaimableBytes : 0), 0);
  const parts = [t('Frees up to {0} after garbage collection.', formatSize(sum) ?? '0 B')];
  if (missing.length > 0) {
    const first = missing[0].storage as { reason: string };
    parts.push(t('Size not available for {0} of {1} repositories ({2}); they are not counted.', missing.length, asked.length, first.reason));
  }
  return ` <span class="storage total" data-reclaimable="${sum}" data-unavailable="${missing.length}">${escapeHtml(parts.join(' '))}</span>`;
}

/** The whole document. `nonce` must be fresh per rendering; `cspSource` is webview.cspSource. */
export function renderPreviewHtml(model: PreviewModel, options: { nonce: string; cspSource: string; t: Translate }): string {
  const { nonce, cspSource, t } = options;
  const deleteCount = model.sections.reduce((n, s) => n + s.deleteNames.length, 0);
  const body: string[] = [
    `<h1>${escapeHtml(model.title)}</h1>`,
    `<p class="rule">${escapeHtml(t('Rule: {0}', model.ruleSummary))}</p>`,
    ...(model.intro ? [`<p class="intro">${escapeHtml(model.intro)}</p>`] : []),
    `<p class="gc">${escapeHtml(model.garbageCollection.text)} <a href="${escapeHtml(model.garbageCollection.learnMoreUrl)}">${escapeHtml(t('Learn more'))}</a></p>`,
    ...conditionBoxes(model, t),
    ...grandTotals(model, t),
  ];
  const several = model.sections.length > 1;
  if (several) body.push(`<h2>${escapeHtml(t('{0} repositories', model.sections.length))}</h2>`, renderSummaryTable(model.sections, t));
  // One repository: its section is the page. Several: each collapsible, the first open.
  for (const [i, s] of model.sections.entries()) body.push(renderSection(s, t, several || !model.actions ? { open: !several || i === 0 } : null));
  if (model.actions) {
    body.push('<div class="actions">',
      `<button id="delete" data-choice="delete"${deleteCount === 0 ? ' disabled' : ''}>${escapeHtml(t('Delete {0} tags…', deleteCount))}</button>`,
      ...(model.schedule === false ? [] : [`<button id="schedule" class="secondary" data-choice="schedule">${escapeHtml(t('Schedule GitLab\'s cleanup instead…'))}</button>`]),
      `<button id="cancel" class="secondary" data-choice="cancel">${escapeHtml(t('Cancel'))}</button>`,
      '</div>');
  }
  return htmlPage({ title: model.title, nonce, cspSource, style: STYLE, body: body.join('\n'), script: PREVIEW_SCRIPT });
}

/** A whole webview document: the CSP (nothing remote), the nonce'd style block and, when given, the one nonce'd script. */
export function htmlPage(p: { title: string; nonce: string; cspSource: string; style: string; body: string; script?: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(p.title)}</title>
<style nonce="${p.nonce}">${p.style}</style>
</head>
<body>
${p.body}
${p.script === undefined ? '' : `<script nonce="${p.nonce}">${p.script}</script>`}
</body>
</html>`;
}
