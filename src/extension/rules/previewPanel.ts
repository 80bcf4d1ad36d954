// The preview as a webview panel: renders previewHtml.ts with a fresh nonce and resolves with the user's
// choice (Delete / Schedule / Cancel; closing the panel is Cancel). The page's one nonce'd script filters and
// sorts the table, and posts the choice when there are buttons.
import * as vscode from 'vscode';
import { makeNonce, renderPreviewHtml, type PreviewChoice } from './previewHtml';
import type { PreviewModel } from './previewModel';

export const PREVIEW_VIEW_TYPE = 'gitlabRegistry.rulePreview';

export function showPreviewPanel(model: PreviewModel): Promise<PreviewChoice> {
  const panel = vscode.window.createWebviewPanel(PREVIEW_VIEW_TYPE, model.title, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [],
    enableFindWidget: true,
  });
  panel.webview.html = renderPreviewHtml(model, { nonce: makeNonce(), cspSource: panel.webview.cspSource, t: vscode.l10n.t });
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
      if (choice === 'delete' || choice === 'schedule' || choice === 'cancel') finish(choice);
    });
    panel.onDidDispose(() => finish('cancel'));
  });
}
