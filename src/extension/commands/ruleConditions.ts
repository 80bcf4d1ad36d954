// The conditions beyond GitLab's rule in Delete Tags by Rule… (core/rules/conditions.ts): signatures of
// deleted images (on by default, a checkbox in the preview to switch it off) and "only images of branches
// that are gone" (a checkbox too). Switching one reads the preview again.
import * as vscode from 'vscode';

export interface ConditionChoice {
  withSignatures: boolean;
  goneBranches: boolean;
}

/** Signatures go with their image unless switched off; gone branches only when asked for. */
export const DEFAULT_CONDITIONS: Readonly<ConditionChoice> = Object.freeze({ withSignatures: true, goneBranches: false });

export function toggled(c: ConditionChoice, choice: 'toggleSignatures' | 'toggleGoneBranches'): ConditionChoice {
  return choice === 'toggleSignatures' ? { ...c, withSignatures: !c.withSignatures } : { ...c, goneBranches: !c.goneBranches };
}

/** The conditions in words for the preview's intro. */
export function conditionsText(c: ConditionChoice): string {
  const parts = [c.withSignatures
    ? vscode.l10n.t('Signatures of deleted images are deleted with them.')
    : vscode.l10n.t('Signatures of deleted images are kept.')];
  if (c.goneBranches) parts.push(vscode.l10n.t('Only images of branches that are gone are deleted.'));
  return parts.join(' ');
}
