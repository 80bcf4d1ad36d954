import * as vscode from 'vscode';

/** The destructive-action wording shared by the delete confirmations. */
export function cannotBeUndone(): string {
  return vscode.l10n.t('This is destructive and cannot be undone: to restore an image you have to rebuild it and push it again.');
}

/** A tag deletion's wording: the data stays until garbage collection, and the journal can put the tag back. */
export function restorableUntilGc(): string {
  return vscode.l10n.t('Deleting is permanent once garbage collection runs; until then you can restore it with Undo or Restore Deleted Tags…');
}
