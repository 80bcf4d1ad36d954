// glcr summary <plan.json>: a Markdown summary of a saved `glcr bulk --dry-run --json` plan (one repository
// or many), for a CI job artifact or a merge request comment. Reads the file only; sends nothing.
import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors';
import { stripControls } from '../../core/text';
import { printable } from '../args';
import type { Command } from '../command';

interface PlanRow {
  project?: string;
  repository?: string;
  delete: string[];
  keep_count: number;
}

/** Markdown cell text: control characters and the table's own syntax neutralised. */
function cell(s: string): string {
  return stripControls(s).replace(/[|`\\]/g, (c) => `\\${c}`);
}

/** The rows of either plan shape: {"plans":[…]} (many repositories) or {"delete","keep"} (one). */
export function planRows(json: unknown): PlanRow[] {
  const o = json as { plans?: unknown; delete?: unknown; keep?: unknown };
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  if (o && Array.isArray(o.plans)) {
    return o.plans.map((p: { project?: unknown; repository?: unknown; delete?: unknown; keep_count?: unknown }) => ({
      project: typeof p.project === 'string' ? p.project : undefined,
      repository: typeof p.repository === 'string' ? p.repository : undefined,
      delete: strings(p.delete),
      keep_count: typeof p.keep_count === 'number' ? p.keep_count : 0,
    }));
  }
  if (o && Array.isArray(o.delete)) return [{ delete: strings(o.delete), keep_count: strings(o.keep).length }];
  throw new UsageError('not a glcr bulk --dry-run --json plan');
}

export function planMarkdown(rows: PlanRow[], shownTags = 20): string {
  const total = rows.reduce((n, r) => n + r.delete.length, 0);
  const affected = rows.filter((r) => r.delete.length > 0).sort((a, b) => b.delete.length - a.delete.length);
  const lines = [
    '# Container registry cleanup plan', '',
    `**${total}** tag${total === 1 ? '' : 's'} to delete in **${affected.length}** of ${rows.length} repositor${rows.length === 1 ? 'y' : 'ies'}.`, '',
  ];
  if (affected.length === 0) return lines.join('\n');
  lines.push('| Repository | Delete | Keep | Tags |', '|---|---:|---:|---|');
  for (const r of affected) {
    const more = r.delete.length > shownTags ? ` … and ${r.delete.length - shownTags} more` : '';
    const tags = r.delete.slice(0, shownTags).map((t) => `\`${cell(t)}\``).join(', ') + more;
    lines.push(`| ${cell(r.repository ?? '(this repository)')} | ${r.delete.length} | ${r.keep_count} | ${tags} |`);
  }
  return lines.join('\n');
}

export const summaryCommand: Command = {
  words: ['summary'],
  usage: 'glcr summary <plan.json>',
  summary: 'a Markdown summary of a saved glcr bulk --dry-run --json plan (reads the file, sends nothing)',
  args: [{ name: 'plan' }],
  options: [],
  details: 'Repositories with deletions, biggest first: how many tags go, how many stay, and the first 20 names.',
  async run(ctx) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(ctx.args[0], 'utf8'));
    } catch (e) {
      throw new UsageError(`cannot read the plan ${printable(ctx.args[0])}: ${e instanceof Error ? e.message : String(e)}`);
    }
    ctx.stdout(planMarkdown(planRows(json)));
    return 0;
  },
};
