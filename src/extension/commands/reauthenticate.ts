import * as vscode from 'vscode';
import type { TokenCheck } from '../../core/types';
import { accountFromCheck, instanceHost } from '../accounts/account';
import { ENV_TOKEN } from '../accounts/accountStore';
import { describeError, handleError } from '../errors';
import { isNode } from '../tree/nodes';
import type { CommandContext } from './context';
import { pickAccount } from './pickers';
import { tokenProblem } from './tokenCheck';

/** Asks for a new token for an account whose token GitLab rejected; the tree keeps what it showed. */
export async function reauthenticate(ctx: CommandContext, node?: unknown): Promise<boolean> {
  try {
    const account = isNode(node)
      ? ctx.store.get(node.accountId)
      : await pickAccount(ctx, (a) => a.source === 'stored');
    if (!account) return false;
    if (account.source === 'environment') {
      void ctx.ui.info(vscode.l10n.t('This account\'s token comes from the {0} environment variable: change it and restart VS Code.', ENV_TOKEN));
      return false;
    }
    const host = instanceHost(account.instanceUrl);
    let checked: TokenCheck | undefined;
    const token = await ctx.ui.promptToken({
      baseUrl: account.instanceUrl,
      title: vscode.l10n.t('Re-authenticate @{0} on {1}', account.username, host),
      prompt: vscode.l10n.t('New personal access token for @{0} on {1}', account.username, host),
      validate: async (candidate) => {
        let check: TokenCheck;
        try {
          check = await ctx.clients.create(account.instanceUrl, candidate, account.allowHttp).checkToken();
        } catch (err) {
          ctx.log.warn(`Token check on ${account.instanceUrl} failed: ${describeError(err)}`);
          return describeError(err);
        }
        if (check.user.id !== account.userId) {
          return vscode.l10n.t('This token belongs to @{0}, not @{1}. Use "Add Account" for another user.', check.user.username, account.username);
        }
        const problem = tokenProblem(check);
        checked = problem ? undefined : check;
        return problem;
      },
    });
    if (!token || !checked) return false;
    await ctx.store.save(accountFromCheck(account.instanceUrl, checked, account.allowHttp, 'stored'), token);
    ctx.model.clearUnauthorized(account.id);
    ctx.log.info(`Re-authenticated ${account.id}.`);
    return true;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Re-authentication failed'), err);
    return false;
  }
}
