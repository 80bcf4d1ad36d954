// The preview as a webview panel: renders previewHtml.ts with a fresh nonce and resolves with the user's
// choice (Delete / Schedule / Cancel; closing the panel is Cancel). The page's one nonce'd script filters and
// sorts the table, and posts the choice when there are buttons.
import * as vscode from 'vscode';
import { PREVIEW_CHOICES, makeNonce, renderPreviewHtml, type PreviewChoice } from './previewHtml';
import type { PreviewModel } from './previewModel';

export const PREVIEW_VIEW_TYPE = 'gitlabRegistry.rulePreview';

/**
 * `storage`, when given, computes the sections' storage figures after the panel appears and calls `changed`
 * as they progress; the panel is drawn again (no script needed, so the read-only policy preview works too).
 */
export function showPreviewPanel(model: PreviewModel, storage?: (changed: () => void) => Promise<void>): Promise<PreviewChoice> {
  const panel = vscode.window.createWebviewPanel(PREVIEW_VIEW_TYPE, model.title, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [],
    enableFindWidget: true,
  });
  const render = () => {
    panel.webview.html = renderPreviewHtml(model, { nonce: makeNonce(), cspSource: panel.webview.cspSource, t: vscode.l10n.t });
  };
  render();
  let open = true;
  panel.onDidDispose(() => (open = false));
  void storage?.(() => {
    if (open) render();
  });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (choice: PreviewChoice): void => {
      if (settled) return;
      settled = true;
      resolve(choice);
      sub.dispose();
      panel.dispose();
    };
    const sub = panel.webview.onDidReceiveMessage((msg: unknown) => {
      const choice = (msg as { type?: unknown; choice?: unknown } | null)?.choice;
      if (PREVIEW_CHOICES.includes(choice as PreviewChoice)) finish(choice as PreviewChoice);
    });
    panel.onDidDispose(() => finish('cancel'));
  });
}
