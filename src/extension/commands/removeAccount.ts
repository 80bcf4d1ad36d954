import * as vscode from 'vscode';
import { instanceHost } from '../accounts/account';
import { ContextKeys } from '../commandIds';
import { handleError } from '../errors';
import { isNode } from '../tree/nodes';
import type { CommandContext } from './context';
import { pickAccount } from './pickers';

/**
 * Removes a stored account (its token leaves SecretStorage). The environment account cannot be removed,
 * since it comes back with the variables: it is hidden instead ("Show Environment Account" brings it back).
 */
export async function removeAccount(ctx: CommandContext, node?: unknown): Promise<boolean> {
  try {
    const account = isNode(node) ? ctx.store.get(node.accountId) : await pickAccount(ctx);
    if (!account) return false;
    const host = instanceHost(account.instanceUrl);
    const who = account.username ? `@${account.username}` : host;
    if (account.source === 'environment') {
      const ok = await ctx.ui.confirm(
        vscode.l10n.t('Hide the environment account {0} on {1}?', who, host),
        vscode.l10n.t('It comes from GITLAB_REGISTRY_URL and GITLAB_REGISTRY_TOKEN and cannot be removed here. "Show Environment Account" brings it back.'),
        vscode.l10n.t('Hide'),
      );
      if (!ok) return false;
      await ctx.store.setEnvironmentHidden(true);
      await vscode.commands.executeCommand('setContext', ContextKeys.environmentAccountHidden, true);
      return true;
    }
    const ok = await ctx.ui.confirm(
      vscode.l10n.t('Remove the account {0} on {1}?', who, host),
      vscode.l10n.t('The token is deleted from VS Code\'s secret storage. It stays valid on GitLab: revoke it there if you no longer need it.'),
      vscode.l10n.t('Remove'),
    );
    if (!ok) return false;
    await ctx.store.remove(account.id);
    ctx.clients.invalidate(account.id);
    ctx.model.forgetAccount(account.id);
    return true;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Removing the account failed'), err);
    return false;
  }
}
