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
  return typedCount(ui, count, vscode.l10n.t('Delete {0} tags', count), vscode.l10n.t('This deletes {0} tags. Type {0} to confirm.', count));
}

/**
 * Deleting image repositories deletes every tag in them: `tagCounts` (undefined where GitLab could not
 * count) decide as for tags. With a count unknown the deletion may be large, so the user types the number
 * of repositories instead, whatever the threshold.
 */
export async function confirmRepositoriesByTyping(ui: Ui, tagCounts: (number | undefined)[]): Promise<boolean> {
  if (tagCounts.some((n) => n === undefined)) {
    const repositories = tagCounts.length;
    return repositories === 1
      ? typedCount(ui, 1, vscode.l10n.t('Delete the image repository'),
        vscode.l10n.t('This deletes an image repository with an unknown number of tags. Type 1 to confirm.'))
      : typedCount(ui, repositories, vscode.l10n.t('Delete {0} image repositories', repositories),
        vscode.l10n.t('This deletes {0} image repositories, some with an unknown number of tags. Type {0} to confirm.', repositories));
  }
  return confirmCountByTyping(ui, tagCounts.reduce<number>((sum, n) => sum + (n ?? 0), 0));
}

async function typedCount(ui: Ui, count: number, title: string, prompt: string): Promise<boolean> {
  const expected = String(count);
  const answer = await ui.inputText({
    title,
    prompt,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' || value.trim() === expected
      ? undefined
      : vscode.l10n.t('Type {0} to confirm, or press Escape to cancel.', count)),
  });
  return answer?.trim() === expected;
}
