// The rule preview's storage figure: after the tag list appears, each section's manifests are read (through
// the account's registry access and the shared manifest store) and the section shows what garbage
// collection frees up to, what stays shared with kept tags, and per tag the bytes only its image holds.
// Progress in a cancellable notification; Cancel leaves "size not available (cancelled)".
import * as vscode from 'vscode';
import { deletionFigure } from '../../core/repositoryStorage';
import type { CommandContext } from '../commands/context';
import type { PreviewModel } from './previewModel';

/** Marks every section pending now (the first drawing shows the progress state) and returns the work. */
export function previewStorage(ctx: CommandContext, accountId: string, model: PreviewModel): (changed: () => void) => Promise<void> {
  for (const s of model.sections) s.storage = { state: 'pending', done: 0, known: 0 };
  return async (changed) => {
    let access;
    try {
      access = ctx.clients.storage(accountId);
    } catch (err) {
      for (const s of model.sections) s.storage = { state: 'unavailable', reason: err instanceof Error ? err.message : String(err) };
      changed();
      return;
    }
    await ctx.ui.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Computing the space freed…'), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          for (const section of model.sections) {
            if (section.deleteNames.length === 0) {
              // Deleting nothing frees nothing: no manifest is read (a protected repository of a group).
              section.storage = { state: 'done', reclaimableBytes: 0, sharedBytes: 0 };
              continue;
            }
            let drawn = 0;
            const tags = section.rows.map((r) => ({ name: r.name, digest: r.digest }));
            const fig = await deletionFigure(access, section.repository, tags, section.deleteNames, {
              signal: abort.signal,
              onProgress: (done, known) => {
                section.storage = { state: 'pending', done, known };
                progress.report({ message: vscode.l10n.t('{0} of {1} manifests read', done, known) });
                if (Date.now() - drawn > 1000) {
                  drawn = Date.now();
                  changed();
                }
              },
            });
            ctx.model.sizes.learned(accountId, section.repositoryId, fig);
            if (fig.available) {
              section.storage = { state: 'done', reclaimableBytes: fig.value.reclaimable_bytes, sharedBytes: fig.value.shared_bytes };
              for (const r of section.rows) r.ownBytes = fig.value.perTag.get(r.name) ?? 0;
            } else {
              section.storage = { state: 'unavailable', reason: fig.reason };
            }
            changed();
          }
        } finally {
          sub.dispose();
        }
      },
    );
  };
}
