import * as vscode from 'vscode';
import { stripControls } from '../../core/text';
import { accountPageUrl } from '../accounts/account';
import { handleError } from '../errors';
import { isNode } from '../tree/nodes';
import type { CommandContext } from './context';
import { pickAccount, pickProject } from './pickers';

/** The GitLab page for a node: the project's container registry, or one repository's page in it. */
export async function registryPageUrl(ctx: CommandContext, node: unknown): Promise<string | undefined> {
  if (!isNode(node)) return undefined;
  switch (node.kind) {
    case 'account': return ctx.store.get(node.accountId)?.instanceUrl;
    case 'group': return `${node.group.web_url}/-/container_registries`;
    case 'project': return `${node.project.web_url}/container_registry`;
    case 'repository':
    case 'tag': {
      const project = await ctx.model.project(node.accountId, node.projectId);
      return `${project.web_url}/container_registry/${node.repositoryId}`;
    }
    default: return undefined;
  }
}

/**
 * Opens the page in the browser. The URL is built from GitLab's web_url, a server string: it is opened
 * only on the account's own host over https (http only for a plain-http account), never anywhere else.
 */
export async function openInBrowser(ctx: CommandContext, node?: unknown): Promise<string | undefined> {
  try {
    let accountId = isNode(node) ? node.accountId : undefined;
    let url = await registryPageUrl(ctx, node);
    if (!url && !isNode(node)) {
      const account = await pickAccount(ctx);
      if (!account) return undefined;
      const project = await pickProject(ctx, account);
      if (!project) return undefined;
      accountId = account.id;
      url = `${project.web_url}/container_registry`;
    }
    const account = accountId === undefined ? undefined : ctx.store.get(accountId);
    if (!url || !account) return undefined;
    const safe = accountPageUrl(url, account.instanceUrl);
    if (!safe) {
      ctx.log.warn(`Not opening ${stripControls(url)}: not an http(s) page of ${account.instanceUrl}.`);
      void ctx.ui.warn(vscode.l10n.t('Not opening {0}: GitLab gave a page address outside {1}.', stripControls(url), account.instanceUrl));
      return undefined;
    }
    await ctx.ui.openExternal(safe);
    return safe;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Opening the page failed'), err);
    return undefined;
  }
}
