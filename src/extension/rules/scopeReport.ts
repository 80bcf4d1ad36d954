// The report of a deletion over many repositories (Delete Tags by Rule… on a group or project node), grouped
// per repository with the three truths of core/deleteReport.ts: deleted, failed (confirmed not deleted, or
// never sent, with why), outcome unknown (sent, neither confirmed: may have been deleted); plus tags not
// attempted (cancelled) and repositories a repository protection rule guards (nothing sent). Pure (no vscode
// import): the model from the deletion's outcome, and the webview's HTML (no script, nothing remote).
import { formatSize } from '../tree/format';
import { escapeHtml } from './htmlText';
import { htmlPage } from './previewHtml';
import type { Translate } from './previewModel';

export interface TagProblem {
  tag: string;
  error: string;
}

export interface RepositoryResult {
  /** The repository's location, e.g. registry.example.test:5050/acme/website */
  repository: string;
  deleted: string[];
  failed: TagProblem[];
  /** Sent, but neither deleted nor refused could be confirmed: may have been deleted. */
  unknown: TagProblem[];
  notAttempted: string[];
  /** "protected: <rule> needs Owner": nothing was sent for this repository. */
  guard?: string;
  /** Bytes the preview's storage figure said the deletion frees (up to); absent when not known. */
  reclaimableBytes?: number;
}

export interface ScopeReport {
  title: string;
  repositories: RepositoryResult[];
  totals: { deleted: number; failed: number; unknown: number; notAttempted: number };
}

/** What runTagDeletion reports: every entry names a tag by its location, `<repository location>:<tag>`. */
export interface LocatedOutcome {
  deleted: readonly string[];
  failed: ReadonlyArray<{ location: string; error: string }>;
  unknown: ReadonlyArray<{ location: string; error: string }>;
  notAttempted: readonly string[];
}

/** `<repository location>:<tag>` split at the last colon (a tag name has none; a registry port comes earlier). */
function splitLocation(location: string): { repository: string; tag: string } {
  const at = location.lastIndexOf(':');
  return at < 0 ? { repository: '', tag: location } : { repository: location.slice(0, at), tag: location.slice(at + 1) };
}

/**
 * The outcome grouped per repository, in the order of `repositories`; a tag of a repository not listed
 * (never expected) gets a row of its own at the end, so nothing reported is dropped.
 */
export function groupByRepository(
  title: string, outcome: LocatedOutcome,
  repositories: ReadonlyArray<{ location: string; guard?: string; reclaimableBytes?: number }>,
): ScopeReport {
  const rows = new Map<string, RepositoryResult>();
  const row = (repository: string): RepositoryResult => {
    let r = rows.get(repository);
    if (!r) rows.set(repository, (r = { repository, deleted: [], failed: [], unknown: [], notAttempted: [] }));
    return r;
  };
  for (const r of repositories) {
    const x = row(r.location);
    if (r.guard !== undefined) x.guard = r.guard;
    if (r.reclaimableBytes !== undefined) x.reclaimableBytes = r.reclaimableBytes;
  }
  for (const l of outcome.deleted) {
    const { repository, tag } = splitLocation(l);
    row(repository).deleted.push(tag);
  }
  for (const f of outcome.failed) {
    const { repository, tag } = splitLocation(f.location);
    row(repository).failed.push({ tag, error: f.error });
  }
  for (const u of outcome.unknown) {
    const { repository, tag } = splitLocation(u.location);
    row(repository).unknown.push({ tag, error: u.error });
  }
  for (const l of outcome.notAttempted) {
    const { repository, tag } = splitLocation(l);
    row(repository).notAttempted.push(tag);
  }
  const list = [...rows.values()];
  const sum = (f: (r: RepositoryResult) => number) => list.reduce((n, r) => n + f(r), 0);
  return {
    title,
    repositories: list,
    totals: {
      deleted: sum((r) => r.deleted.length), failed: sum((r) => r.failed.length),
      unknown: sum((r) => r.unknown.length), notAttempted: sum((r) => r.notAttempted.length),
    },
  };
}

function tagList(cls: string, heading: string, items: ReadonlyArray<{ tag: string; error?: string }>): string {
  if (items.length === 0) return '';
  const li = items.map((i) => `<li><code>${escapeHtml(i.tag)}</code>${i.error ? ` — ${escapeHtml(i.error)}` : ''}</li>`).join('');
  return `<h3 class="${cls}">${escapeHtml(heading)}</h3><ul class="${cls}">${li}</ul>`;
}

/** The report page: totals, a summary table (one row per repository), then each repository's tags by outcome. */
export function renderScopeReportHtml(report: ScopeReport, options: { nonce: string; cspSource: string; t: Translate }): string {
  const { nonce, cspSource, t } = options;
  const x = report.totals;
  const body: string[] = [
    `<h1>${escapeHtml(report.title)}</h1>`,
    `<p class="totals" data-deleted="${x.deleted}" data-failed="${x.failed}" data-unknown="${x.unknown}" data-not-attempted="${x.notAttempted}">${escapeHtml(
      t('{0} deleted, {1} failed, {2} may have been deleted, {3} not attempted, in {4} repositories.', x.deleted, x.failed, x.unknown, x.notAttempted, report.repositories.length),
    )}</p>`,
    '<table class="summary"><thead><tr>',
    ...[t('Repository'), t('Deleted'), t('Failed'), t('May have been deleted'), t('Not attempted'), t('Frees up to'), t('Protection')].map((h) => `<th>${escapeHtml(h)}</th>`),
    '</tr></thead><tbody>',
  ];
  for (const [i, r] of report.repositories.entries()) {
    const state = r.guard ? 'guarded' : r.unknown.length > 0 ? 'unknown' : r.failed.length > 0 ? 'failed' : r.notAttempted.length > 0 ? 'partial' : 'ok';
    body.push(`<tr class="${state}" data-repository="${escapeHtml(r.repository)}"><td><a href="#r${i}">${escapeHtml(r.repository)}</a></td>`,
      `<td class="num">${r.deleted.length}</td><td class="num">${r.failed.length}</td><td class="num">${r.unknown.length}</td><td class="num">${r.notAttempted.length}</td>`,
      `<td class="num">${r.reclaimableBytes === undefined ? '' : escapeHtml(formatSize(r.reclaimableBytes) ?? '0 B')}</td>`,
      `<td>${r.guard ? escapeHtml(r.guard) : ''}</td></tr>`);
  }
  body.push('</tbody></table>');
  for (const [i, r] of report.repositories.entries()) {
    body.push(`<section id="r${i}"><h2>${escapeHtml(r.repository)}</h2>`);
    if (r.guard) body.push(`<p class="guard">${escapeHtml(t('{0}: nothing was sent for this repository.', r.guard))}</p>`);
    body.push(
      tagList('failed', t('Failed (not deleted)'), r.failed),
      tagList('unknown', t('May have been deleted (the outcome is unknown: check with Refresh)'), r.unknown),
      tagList('not-attempted', t('Not attempted (cancelled)'), r.notAttempted.map((tag) => ({ tag }))),
      tagList('deleted', t('Deleted'), r.deleted.map((tag) => ({ tag }))),
      '</section>');
  }
  return htmlPage({ title: report.title, nonce, cspSource, style: STYLE, body: body.join('\n') });
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 24px; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.6em; } h3 { font-size: 1em; }
.totals { font-weight: 600; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--vscode-panel-border, #8884); }
td.num { text-align: right; }
tr.failed td:first-child, h3.failed { color: var(--vscode-errorForeground); }
tr.unknown td:first-child, h3.unknown, .guard, tr.guarded td:first-child { color: var(--vscode-editorWarning-foreground); }
a { color: var(--vscode-textLink-foreground); }
`;
