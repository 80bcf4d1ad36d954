import * as vscode from 'vscode';
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

export async function openInBrowser(ctx: CommandContext, node?: unknown): Promise<string | undefined> {
  try {
    let url = await registryPageUrl(ctx, node);
    if (!url && !isNode(node)) {
      const account = await pickAccount(ctx);
      if (!account) return undefined;
      const project = await pickProject(ctx, account);
      if (!project) return undefined;
      url = `${project.web_url}/container_registry`;
    }
    if (!url) return undefined;
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
    return url;
  } catch (err) {
    handleError(ctx.log, vscode.l10n.t('Opening the page failed'), err);
    return undefined;
  }
}
