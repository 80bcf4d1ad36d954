import * as vscode from 'vscode';
import { isLoopbackHost } from '../../core/url';
import type { TokenCheck } from '../../core/types';
import { accountFromCheck, instanceHost, type Account } from '../accounts/account';
import { describeError, handleError } from '../errors';
import type { CommandContext } from './context';
import { tokenProblem } from './tokenCheck';

/**
 * Two input boxes: the instance URL (validated as typed), then the token in a password box whose button
 * opens the instance's token page. The token is checked (scopes via /personal_access_tokens/self, then
 * /user) before anything is saved. Plain http:// to another machine needs an explicit yes first.
 */
export async function addAccount(ctx: CommandContext): Promise<Account | undefined> {
  try {
    const instanceUrl = await ctx.ui.promptInstanceUrl();
    if (!instanceUrl) return undefined;
    const host = instanceHost(instanceUrl);
    const parsed = new URL(instanceUrl);
    let allowHttp = false;
    if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
      allowHttp = await ctx.ui.confirm(
        vscode.l10n.t('{0} is a plain http:// address.', host),
        vscode.l10n.t('Your token would travel unencrypted to {0}, where anyone on the network path can read it. Use https:// if the instance supports it.', host),
        vscode.l10n.t('Send Token Unencrypted'),
      );
      if (!allowHttp) return undefined;
    }
    let checked: TokenCheck | undefined;
    const token = await ctx.ui.promptToken({
      baseUrl: instanceUrl,
      title: vscode.l10n.t('Add GitLab Account'),
      step: { step: 2, totalSteps: 2 },
      prompt: vscode.l10n.t('Personal access token for {0} with the "api" scope ("read_api" gives a read-only account)', host),
      validate: async (candidate) => {
        let check: TokenCheck;
        try {
          check = await ctx.clients.create(instanceUrl, candidate, allowHttp).checkToken();
        } catch (err) {
          ctx.log.warn(`Token check on ${instanceUrl} failed: ${describeError(err)}`);
          return describeError(err);
        }
        const problem = tokenProblem(check);
        checked = problem ? undefined : check;
        return problem;
      },
    });
    if (!token || !checked) return undefined;
    const account = accountFromCheck(instanceUrl, checked, allowHttp, 'stored');
    await ctx.store.save(account, token);
    ctx.clients.invalidate(account.id);
    if (ctx.model.isUnauthorized(account.id)) ctx.model.clearUnauthorized(account.id);
    void ctx.ui.info(account.readOnly
      ? vscode.l10n.t('Added @{0} on {1} (read-only: the token has the read_api scope, so deleting is not available).', account.username, host)
      : vscode.l10n.t('Added @{0} on {1}.', account.username, host));
    return account;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Adding the account failed'), err);
    return undefined;
  }
}
