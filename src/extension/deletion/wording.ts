import * as vscode from 'vscode';

/** The destructive-action wording shared by the delete confirmations. */
export function cannotBeUndone(): string {
  return vscode.l10n.t('This is destructive and cannot be undone: to restore an image you have to rebuild it and push it again.');
}
