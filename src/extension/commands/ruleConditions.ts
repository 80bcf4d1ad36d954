// The conditions beyond GitLab's rule in Delete Tags by Rule… (core/rules/conditions.ts): signatures of
// deleted images (on by default, a checkbox in the preview to switch it off), "only images of branches
// that are gone" and "signatures whose image has no tag" (the preset for companions already orphaned:
// with an empty delete regex it finds only those). Switching one reads the preview again.
import * as vscode from 'vscode';

export interface ConditionChoice {
  withSignatures: boolean;
  goneBranches: boolean;
  orphanedSignatures: boolean;
}

export type ConditionToggle = 'toggleSignatures' | 'toggleGoneBranches' | 'toggleOrphanedSignatures';

export function isConditionToggle(choice: string): choice is ConditionToggle {
  return choice === 'toggleSignatures' || choice === 'toggleGoneBranches' || choice === 'toggleOrphanedSignatures';
}

/** Signatures go with their image unless switched off; gone branches only when asked for. */
export const DEFAULT_CONDITIONS: Readonly<ConditionChoice> = Object.freeze({ withSignatures: true, goneBranches: false, orphanedSignatures: false });

export function toggled(c: ConditionChoice, choice: ConditionToggle): ConditionChoice {
  switch (choice) {
    case 'toggleSignatures': return { ...c, withSignatures: !c.withSignatures };
    case 'toggleGoneBranches': return { ...c, goneBranches: !c.goneBranches };
    case 'toggleOrphanedSignatures': return { ...c, orphanedSignatures: !c.orphanedSignatures };
  }
}

/** The conditions in words for the preview's intro. */
export function conditionsText(c: ConditionChoice): string {
  const parts = [c.withSignatures
    ? vscode.l10n.t('Signatures of deleted images are deleted with them.')
    : vscode.l10n.t('Signatures of deleted images are kept.')];
  if (c.goneBranches) parts.push(vscode.l10n.t('Only images of branches that are gone are deleted.'));
  if (c.orphanedSignatures) parts.push(vscode.l10n.t('Signatures whose image has no tag left are deleted too.'));
  return parts.join(' ');
}
