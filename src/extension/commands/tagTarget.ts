// Which tag a tag command acts on: the tag node, or (palette) a picked account → project → repository → tag.
import * as vscode from 'vscode';
import type { Account } from '../accounts/account';
import { isTagNode } from '../tree/nodes';
import type { CommandContext } from './context';
import { pickRepositoryPath, pickTags } from './pickers';

export interface TagTarget {
  account: Account;
  projectId: number;
  repositoryId: number;
  name: string;
  location: string;
}

export async function tagTarget(ctx: CommandContext, node: unknown): Promise<TagTarget | undefined> {
  if (isTagNode(node)) {
    const account = ctx.store.get(node.accountId);
    return account && { account, projectId: node.projectId, repositoryId: node.repositoryId, name: node.tag.name, location: node.tag.location };
  }
  const path = await pickRepositoryPath(ctx);
  if (!path) return undefined;
  const tags = await pickTags(ctx, path.account, path.repository, false);
  if (!tags?.length) return undefined;
  return { account: path.account, projectId: path.repository.project_id, repositoryId: path.repository.id, name: tags[0].name, location: tags[0].location };
}

/** The tag's digest (its details fetched if the tree has not yet); undefined, with a warning, when GitLab has none. */
export async function tagDigest(ctx: CommandContext, target: TagTarget): Promise<string | undefined> {
  const details = await ctx.model.loadTagDetails(target.account.id, target.projectId, target.repositoryId, target.name);
  if (!details.digest) void ctx.ui.warn(vscode.l10n.t('GitLab reports no digest for {0}.', details.location));
  return details.digest ?? undefined;
}
