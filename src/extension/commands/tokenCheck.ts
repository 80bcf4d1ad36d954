import * as vscode from 'vscode';
import type { TokenCheck } from '../../core/types';
import { missingScope } from '../accounts/account';

/** Why a checked token cannot be used here, naming the missing scope; undefined when it is fine. */
export function tokenProblem(check: TokenCheck): string | undefined {
  if (check.token && (!check.token.active || check.token.revoked)) return vscode.l10n.t('The token is not active (expired or revoked).');
  const scope = missingScope(check);
  if (!scope) return undefined;
  return vscode.l10n.t(
    'The token lacks the "api" scope (it has: {0}). Create a token with "api", or with "read_api" for a read-only account.',
    check.scopes && check.scopes.length ? check.scopes.join(', ') : vscode.l10n.t('none'),
  );
}
