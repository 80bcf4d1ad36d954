// The extension's deletion journal: before tags are deleted their manifests are recorded (one file in the
// extension's global storage, see core/restore/journal.ts), so Undo and Restore Deleted Tags… can put them
// back until garbage collection runs.
import * as path from 'path';
import * as vscode from 'vscode';
import { mapLimit } from '../../core/concurrency';
import {
  appendMarks, appendRecords, newOperationId, pruneJournal, readJournal, readStoredManifestsForJournal, recordsFor,
  restoreEntries, type JournalEntry, type JournalRecord, type RestoreReport,
} from '../../core/restore';
import type { ManifestStore, RegistryClient } from '../../core/registry';
import type { CommandContext } from '../commands/context';
import { describeError } from '../errors';
import { restoreRetentionDaysSetting } from '../settings';
import type { TagNode } from '../tree/nodes';
import { refreshRestored } from './refreshRestored';

export function journalPath(ctx: CommandContext): string {
  return path.join(ctx.extension.globalStorageUri.fsPath, 'deleted-tags.jsonl');
}

/** The journal's records after dropping those older than gitlabRegistry.restoreRetentionDays. */
export function journalEntries(ctx: CommandContext): JournalEntry[] {
  const file = journalPath(ctx);
  pruneJournal(file, restoreRetentionDaysSetting());
  return readJournal(file);
}

export interface Recorded {
  operation: string;
  /** The tags to delete (those without a record only when the user agreed). */
  targets: TagNode[];
  /** Locations (host/path:tag) that have a record: Undo is offered only for them. */
  recorded: Set<string>;
}

/**
 * Reads each tag's manifest by digest from the registry (each unique digest once; a digest the tree already
 * shows costs no look-up) and appends the records. Tags whose manifest cannot be read are deleted only
 * when the user agrees they will not be restorable; undefined = nothing is deleted.
 */
export async function recordBeforeDeleting(
  ctx: CommandContext, targets: TagNode[], knownDigest?: (t: TagNode) => string | null | undefined,
): Promise<Recorded | undefined> {
  const operation = newOperationId();
  const groups = new Map<string, TagNode[]>();
  for (const t of targets) {
    const k = `${t.accountId}|${t.repositoryId}`;
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  const unreadable: { node: TagNode; reason: string }[] = [];
  const records: JournalRecord[] = [];
  await ctx.ui.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Recording the tags for Undo') }, async () => {
    for (const group of groups.values()) {
      const first = group[0];
      const repoLocation = first.tag.location.slice(0, first.tag.location.length - first.tag.name.length - 1);
      let client: RegistryClient;
      let store: ManifestStore;
      try {
        const access = ctx.clients.storage(first.accountId);
        client = access.registry.client(repoLocation, ['pull']);
        store = access.store;
      } catch (err) {
        for (const node of group) unreadable.push({ node, reason: describeError(err) });
        continue;
      }
      const digests = new Map<string, string>();
      let broken: string | undefined; // the first error answers for the rest: an unreachable registry is not asked per tag
      await mapLimit(group, 8, async (node) => {
        const known = knownDigest?.(node) ?? ctx.model.tagDetails(node.accountId, node.repositoryId, node.tag.name)?.digest;
        if (known) return void digests.set(node.tag.name, known);
        if (broken !== undefined) return void unreadable.push({ node, reason: broken });
        try {
          const info = await client.headManifest(node.tag.name);
          if (info) digests.set(node.tag.name, info.digest);
          else unreadable.push({ node, reason: vscode.l10n.t('the registry does not have it') });
        } catch (err) {
          broken ??= describeError(err);
          unreadable.push({ node, reason: broken });
        }
      });
      const tags = [...digests].map(([tag, digest]) => ({ tag, digest }));
      const got = await readStoredManifestsForJournal(tags, store, client, 8);
      const failed = new Map(got.unreadable.map((u) => [u.tag, u.reason]));
      for (const node of group) if (failed.has(node.tag.name)) unreadable.push({ node, reason: failed.get(node.tag.name) as string });
      const account = ctx.store.get(first.accountId);
      records.push(...recordsFor(got.tags, got.read, {
        operation, instance: account?.instanceUrl ?? '', project: String(first.projectId), repositoryPath: client.repository, location: repoLocation,
        repositoryId: first.repositoryId,
      }));
    }
  });
  if (unreadable.length > 0) {
    for (const u of unreadable) ctx.log.warn(`Cannot record ${u.node.tag.location} for Undo: ${u.reason}`);
    const agreed = await ctx.ui.confirm(
      vscode.l10n.t('{0} tag(s) cannot be recorded, so they cannot be restored after deleting. Delete them anyway?', unreadable.length),
      `${unreadable.slice(0, 5).map((u) => `${u.node.tag.location}: ${u.reason}`).join('\n')}`,
      vscode.l10n.t('Delete Anyway'),
    );
    if (!agreed) return undefined;
  }
  const recorded = new Set(records.map((r) => `${r.location}:${r.tag}`));
  try {
    appendRecords(journalPath(ctx), records);
  } catch (err) {
    recorded.clear();
    ctx.log.error(`Cannot write the deletion journal: ${describeError(err)}`);
    if (!(await ctx.ui.confirm(vscode.l10n.t('The deleted tags cannot be recorded for Undo. Delete anyway?'), describeError(err), vscode.l10n.t('Delete Anyway')))) {
      return undefined;
    }
  }
  return { operation, targets, recorded };
}

/** Restores journal entries with progress; appends the marks; reports per tag in one notification. */
export async function restoreWithProgress(ctx: CommandContext, entries: JournalEntry[], force = false): Promise<RestoreReport> {
  const byAccount = accountFor(ctx);
  const report = await ctx.ui.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Restoring deleted tags'), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const { report, marks } = await restoreEntries(entries, (e) => ctx.clients.storage(byAccount(e)).registry.client(e.location, ['pull', 'push']), {
          force, signal: abort.signal,
          onProgress: (done, total) => progress.report({ increment: 100 / total, message: vscode.l10n.t('{0} of {1}', done, total) }),
        });
        appendMarks(journalPath(ctx), marks);
        return report;
      } finally {
        sub.dispose();
      }
    },
  );
  for (const r of report.restored) ctx.log.info(`Restored ${r.location}:${r.tag} (${r.digest})`);
  for (const f of report.failed) ctx.log.error(`Not restored ${f.tag}: ${f.error}`);
  for (const s of report.skipped) ctx.log.warn(`Skipped ${s.tag}: ${s.reason}`);
  refreshRestored(ctx, entries.filter((e) => report.restored.some((r) => r.location === e.location && r.tag === e.tag)));
  const total = entries.length;
  if (report.failed.length === 0 && report.skipped.length === 0) {
    void ctx.ui.info(vscode.l10n.t('Restored {0} of {1} tags.', report.restored.length, total));
  } else {
    const first = report.failed[0] ? `${report.failed[0].tag}: ${report.failed[0].error}` : `${report.skipped[0].tag}: ${report.skipped[0].reason}`;
    void ctx.ui.warn(vscode.l10n.t('Restored {0} of {1} tags. Not restored: {2}', report.restored.length, total, first));
  }
  return report;
}

/** The account a record belongs to: one of the stored accounts on the record's instance (the first that has one). */
function accountFor(ctx: CommandContext): (e: JournalEntry) => string {
  return (e) => {
    const account = ctx.store.list().find((a) => a.instanceUrl === e.instance && !a.readOnly) ?? ctx.store.list().find((a) => a.instanceUrl === e.instance);
    if (!account) throw new Error(vscode.l10n.t('No account for {0}: add one to restore its tags.', e.instance));
    return account.id;
  };
}
