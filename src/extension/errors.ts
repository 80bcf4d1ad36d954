import * as vscode from 'vscode';
import { GitLabError, UsageError } from '../core/errors';
import type { Log } from './log';
import type { Ui } from './ui';

/** Where an error goes: the details to the log, a short message through the Ui seam. */
export interface ErrorSink {
  readonly log: Log;
  readonly ui: Ui;
}

/** A message for the user plus the details that only go to the log. */
export class UserFriendlyError extends Error {
  constructor(message: string, readonly details?: unknown) {
    super(message);
    this.name = 'UserFriendlyError';
  }
}

/** 401: the account's token is unknown, expired or revoked; the fix is to re-authenticate. */
export function isAuthError(err: unknown): boolean {
  return err instanceof GitLabError && (err.kind === 'unauthorized' || err.kind === 'token_expired' || err.kind === 'token_revoked');
}

export function isCancellation(err: unknown): boolean {
  return (err instanceof GitLabError && err.kind === 'cancelled') || (err instanceof Error && err.name === 'AbortError');
}

/** A short, localised description of what went wrong, without internals. */
export function describeError(err: unknown): string {
  if (err instanceof UserFriendlyError) return err.message;
  if (err instanceof UsageError) return err.message;
  if (err instanceof GitLabError) {
    switch (err.kind) {
      case 'token_expired': return vscode.l10n.t('The token has expired.');
      case 'token_revoked': return vscode.l10n.t('The token was revoked.');
      case 'unauthorized': return vscode.l10n.t('GitLab did not accept the token.');
      case 'insufficient_scope':
        return vscode.l10n.t('The token lacks the "{0}" scope.', err.details.requiredScope ?? 'api');
      case 'network': return vscode.l10n.t('Cannot reach {0}: {1}', err.details.instance ?? 'GitLab', err.gitlabMessage);
      case 'timeout': return vscode.l10n.t('GitLab did not answer in time.');
      case 'registry_unavailable': return vscode.l10n.t('GitLab cannot reach its container registry right now.');
      case 'cancelled': return vscode.l10n.t('Cancelled.');
      default: return err.message;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

function logDetails(log: Log, context: string, err: unknown): void {
  const base = err instanceof UserFriendlyError && err.details !== undefined ? err.details : err;
  const text = base instanceof Error ? `${base.name}: ${base.message}${base.stack ? `\n${base.stack}` : ''}` : String(base);
  log.error(`${context}: ${text}`);
}

/** Logs the details and shows a short message with a "Show Logs" button. */
export function handleError(sink: ErrorSink, context: string, err: unknown): void {
  logDetails(sink.log, context, err);
  if (isCancellation(err)) return;
  showErrorWithLogs(sink, `${context}: ${describeError(err)}`);
}

/** An error notification whose "Show Logs" button opens the output channel; does not wait for the user. */
export function showErrorWithLogs(sink: ErrorSink, message: string): void {
  const showLogs = vscode.l10n.t('Show Logs');
  void sink.ui.error(message, showLogs).then((choice) => {
    if (choice === showLogs) sink.log.show();
  });
}
