// The preview webview's HTML: a summary, a timeline (SVG: x = created, y = size), and the per-tag table,
// rendered from the pure view model (previewModel.ts). Pure (no vscode import). Every value that comes
// from GitLab (tag names, digests, paths, notes) goes through escapeHtml; the page loads nothing remote:
// default-src 'none', the one script and style block carry a nonce, and the only script posts the
// user's choice back to the extension.
import { randomBytes } from 'crypto';
import type { PreviewModel, PreviewRow, PreviewSection, Translate } from './previewModel';
import { formatSize } from '../tree/format';

/**
 * The user's choice in the preview; 'cancel' also when the panel is closed. The toggles switch a condition
 * (model.conditions) and ask for the preview again.
 */
export type PreviewChoice = 'delete' | 'schedule' | 'cancel' | 'toggleSignatures' | 'toggleGoneBranches';
export const PREVIEW_CHOICES: readonly PreviewChoice[] = ['delete', 'schedule', 'cancel', 'toggleSignatures', 'toggleGoneBranches'];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Text and attribute values: & < > " ' ` become entities. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

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

const WIDTH = 760;
const HEIGHT = 220;
const PAD = { left: 60, right: 90, top: 14, bottom: 30 };
/** The band at the right edge where tags without a timestamp are drawn. */
const UNDATED_X = WIDTH - 40;

function pointTitle(r: PreviewRow, t: Translate): string {
  const action = r.action === 'delete' ? t('deleted') : t('kept');
  return [
    r.name,
    r.digest ?? t('no digest'),
    r.createdAt ?? t('no creation date'),
    r.sizeText || t('size unknown'),
    `${action}: ${r.reasonText}`,
  ].join('\n');
}

/** The repository as a timeline: dated tags by creation time and size, undated ones in a labelled band on the right. */
export function renderTimeline(section: PreviewSection, t: Translate): string {
  const dated = section.rows.filter((r) => r.time !== null);
  const undated = section.rows.filter((r) => r.time === null);
  // Loops, not Math.min(...list): spreading a list of 130,000+ values into a call overflows the stack.
  let minT = dated.length ? Infinity : 0;
  let maxT = dated.length ? -Infinity : 1;
  for (const r of dated) {
    minT = Math.min(minT, r.time as number);
    maxT = Math.max(maxT, r.time as number);
  }
  let maxSize = 1;
  for (const r of section.rows) maxSize = Math.max(maxSize, r.size ?? 0);
  const plotRight = WIDTH - PAD.right;
  const x = (time: number) => (maxT === minT ? (PAD.left + plotRight) / 2 : PAD.left + ((time - minT) / (maxT - minT)) * (plotRight - PAD.left));
  const y = (size: number | null) => HEIGHT - PAD.bottom - ((size ?? 0) / maxSize) * (HEIGHT - PAD.top - PAD.bottom);
  const dot = (r: PreviewRow, cx: number) =>
    `<circle class="pt ${r.action === 'delete' ? 'del' : 'keep'}" cx="${cx.toFixed(1)}" cy="${y(r.size).toFixed(1)}" r="5" data-name="${escapeHtml(r.name)}"><title>${escapeHtml(pointTitle(r, t))}</title></circle>`;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const parts: string[] = [
    `<svg class="timeline" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${escapeHtml(t('Tags by creation date (across) and size (up)'))}">`,
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

function renderSection(section: PreviewSection, t: Translate, withHeading: boolean, collapsible = false): string {
  const s = section.totals;
  const out: string[] = [`<section class="repo" data-repository-id="${section.repositoryId}">`];
  // Many repositories: each one a <details> whose summary carries its counts, so the page can be scanned.
  if (collapsible) {
    out.push(`<details><summary><span class="repo-name">${escapeHtml(section.repository)}</span> — ${escapeHtml(
      t('{0} to delete, {1} kept', s.deleteCount, s.keepCount))}</summary>`);
  } else if (withHeading) out.push(`<h2>${escapeHtml(section.repository)}</h2>`);
  out.push(`<p class="totals" data-delete-count="${s.deleteCount}" data-keep-count="${s.keepCount}">${escapeHtml(
    t('{0} of {1} tags are deleted ({2}); {3} are kept ({4}).', s.deleteCount, s.tags, formatSize(s.deleteBytes) ?? '0 B', s.keepCount, formatSize(s.keepBytes) ?? '0 B'),
  )} ${storageText(section, t)}</p>`);
  if (section.notes.length) {
    out.push(`<ul class="notes">${section.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  }
  out.push(`<div class="legend"><span class="sw del"></span>${escapeHtml(t('deleted'))} <span class="sw keep"></span>${escapeHtml(t('kept'))}</div>`);
  out.push(renderTimeline(section, t));
  out.push('<div class="table-wrap"><table><thead><tr>',
    `<th>${escapeHtml(t('Action'))}</th><th>${escapeHtml(t('Tag'))}</th><th>${escapeHtml(t('Reason'))}</th>`,
    `<th>${escapeHtml(t('Created'))}</th><th>${escapeHtml(t('Size'))}</th>`,
    section.storage?.state === 'done' ? `<th title="${escapeHtml(t('Bytes only this tag\'s image holds'))}">${escapeHtml(t('Own data'))}</th>` : '',
    `<th>${escapeHtml(t('Digest'))}</th>`,
    '</tr></thead><tbody>');
  for (const r of section.rows) {
    out.push(`<tr class="${r.action === 'delete' ? 'del' : 'keep'}" data-name="${escapeHtml(r.name)}" data-reason="${escapeHtml(r.reason)}">`,
      `<td>${escapeHtml(r.action === 'delete' ? t('delete') : t('keep'))}</td>`,
      `<td class="name">${escapeHtml(r.name)}</td>`,
      `<td>${escapeHtml(r.reasonText)}</td>`,
      `<td>${escapeHtml(r.createdAt ?? t('no date'))}</td>`,
      `<td>${escapeHtml(r.sizeText)}</td>`,
      section.storage?.state === 'done' ? `<td class="own">${escapeHtml(formatSize(r.ownBytes ?? 0) ?? '0 B')}</td>` : '',
      `<td class="digest" title="${escapeHtml(r.digest ?? '')}">${escapeHtml(r.shortDigest)}</td></tr>`);
  }
  out.push(`</tbody></table></div>${collapsible ? '</details>' : ''}</section>`);
  return out.join('');
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
.pt.del, .sw.del { fill: var(--vscode-charts-red, #e51400); background: var(--vscode-charts-red, #e51400); }
.pt.keep, .sw.keep { fill: var(--vscode-charts-green, #388a34); background: var(--vscode-charts-green, #388a34); }
.sw { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin: 0 4px 0 8px; }
.table-wrap { max-height: 50vh; overflow: auto; border: 1px solid var(--vscode-panel-border, #8884); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 2px 8px; white-space: nowrap; }
th { position: sticky; top: 0; background: var(--vscode-editor-background); }
tr.del td:first-child { color: var(--vscode-charts-red, #e51400); font-weight: 600; }
tr.keep td:first-child { color: var(--vscode-charts-green, #388a34); }
.digest { font-family: var(--vscode-editor-font-family); }
.grand-totals { font-weight: 600; }
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
    '</fieldset>'];
}

/** A rule over many repositories: the totals of all of them above the per-repository sections. */
function grandTotals(model: PreviewModel, t: Translate): string[] {
  if (model.manyRepositories !== true) return [];
  const del = model.sections.reduce((n, s) => n + s.totals.deleteCount, 0);
  const keep = model.sections.reduce((n, s) => n + s.totals.keepCount, 0);
  const bytes = model.sections.reduce((n, s) => n + s.totals.reclaimableBytes, 0);
  return [`<p class="grand-totals" data-delete-count="${del}" data-keep-count="${keep}" data-repositories="${model.sections.length}">${escapeHtml(
    t('{0} tags are deleted in {1} repositories; {2} are kept. Garbage collection can reclaim at most {3}.', del, model.sections.length, keep, formatSize(bytes) ?? '0 B'),
  )}</p>`];
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
    ...model.sections.map((s) => renderSection(s, t, model.sections.length > 1 || !model.actions, model.manyRepositories === true)),
  ];
  if (model.actions) {
    body.push('<div class="actions">',
      `<button id="delete" data-choice="delete"${deleteCount === 0 ? ' disabled' : ''}>${escapeHtml(t('Delete {0} tags…', deleteCount))}</button>`,
      ...(model.schedule === false ? [] : [`<button id="schedule" class="secondary" data-choice="schedule">${escapeHtml(t('Schedule GitLab\'s cleanup instead…'))}</button>`]),
      `<button id="cancel" class="secondary" data-choice="cancel">${escapeHtml(t('Cancel'))}</button>`,
      '</div>');
  }
  const script = model.actions
    ? `<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
for (const b of document.querySelectorAll('button[data-choice]')) {
  b.addEventListener('click', () => vscode.postMessage({ type: 'choice', choice: b.dataset.choice }));
}
for (const c of document.querySelectorAll('input[data-choice]')) {
  c.addEventListener('change', () => vscode.postMessage({ type: 'choice', choice: c.dataset.choice }));
}
</script>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(model.title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
${body.join('\n')}
${script}
</body>
</html>`;
}
