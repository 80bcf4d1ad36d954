// The second confirmation of a large deletion: after the modal, an input box asks to type the number of
// tags. Up to `gitlabRegistry.confirmTypingThreshold` tags (default 100) the modal alone confirms.
// Goes through `Ui.inputText` so that integration tests can answer it.
import * as vscode from 'vscode';
import { Settings } from '../commandIds';
import type { Ui } from '../ui';

export const DEFAULT_CONFIRM_TYPING_THRESHOLD = 100;

/** The configured threshold: deletions of MORE tags than this also ask to type the number. 0 = always. */
export function confirmTypingThreshold(): number {
  const n = vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.confirmTypingThreshold, DEFAULT_CONFIRM_TYPING_THRESHOLD);
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : DEFAULT_CONFIRM_TYPING_THRESHOLD;
}

/**
 * True when no typed confirmation is needed (count ≤ threshold) or the user typed exactly `count`;
 * false when the input box was dismissed or answered with anything else.
 */
export async function confirmCountByTyping(ui: Ui, count: number): Promise<boolean> {
  if (count <= confirmTypingThreshold()) return true;
  const expected = String(count);
  const answer = await ui.inputText({
    title: vscode.l10n.t('Delete {0} tags', count),
    prompt: vscode.l10n.t('This deletes {0} tags. Type {0} to confirm.', count),
    placeHolder: expected,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' || value.trim() === expected
      ? undefined
      : vscode.l10n.t('Type {0} to confirm, or press Escape to cancel.', count)),
  });
  return answer?.trim() === expected;
}
