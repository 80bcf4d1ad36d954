// The report of a deletion over many repositories as a webview panel (scopeReport.ts renders it): read-only,
// no script; it stays open beside the tree until closed.
import * as vscode from 'vscode';
import { makeNonce } from './previewHtml';
import { renderScopeReportHtml, type ScopeReport } from './scopeReport';

export const REPORT_VIEW_TYPE = 'gitlabRegistry.deletionReport';

export function showScopeReportPanel(report: ScopeReport): void {
  const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, report.title, vscode.ViewColumn.Active, {
    enableScripts: false,
    localResourceRoots: [],
    enableFindWidget: true,
  });
  panel.webview.html = renderScopeReportHtml(report, { nonce: makeNonce(), cspSource: panel.webview.cspSource, t: vscode.l10n.t });
}
