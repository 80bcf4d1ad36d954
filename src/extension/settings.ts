// The extension's settings, each read in one place (clamped to what the code can work with).
import * as vscode from 'vscode';
import { Settings } from './commandIds';
import type { TagSortOrder } from './tree/format';

/** Requests in flight at once per account (1–32). */
export function concurrencySetting(): number {
  const n = vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.concurrency, 8);
  return Math.max(1, Math.min(32, Math.floor(n)));
}

/** Items per page of a listing and per "Load more…" (1–100). */
export function pageSizeSetting(): number {
  const n = vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.pageSize, 100);
  return Math.max(1, Math.min(100, Math.floor(n)));
}

/** How a repository's tags are ordered: by name, or newest first (anything else). */
export function tagSortOrderSetting(): TagSortOrder {
  return vscode.workspace.getConfiguration(Settings.section).get<string>(Settings.tagSortOrder) === 'name' ? 'name' : 'newest';
}

/** Days a deletion journal record is kept for Undo / Restore Deleted Tags… (1–3650, default 30). */
export function restoreRetentionDaysSetting(): number {
  const n = vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.restoreRetentionDays, 30);
  return Math.max(1, Math.min(3650, Math.floor(Number.isFinite(n) ? n : 30)));
}
