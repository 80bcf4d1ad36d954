import * as vscode from 'vscode';
import type { Account } from '../accounts/account';
import { stripControls } from '../../core/text';
import { handleError } from '../errors';
import { isTagNode, type TagNode } from '../tree/nodes';
import type { CommandContext } from './context';
import { pickRepositoryPath, pickTags } from './pickers';

/** Copies the tag's manifest digest (sha256:…), fetching the tag's details if the tree has not yet. */
export async function copyDigest(ctx: CommandContext, node?: unknown): Promise<string | undefined> {
  try {
    let target: { account: Account; projectId: number; repositoryId: number; name: string } | undefined;
    if (isTagNode(node)) {
      const n: TagNode = node;
      const account = ctx.store.get(n.accountId);
      if (account) target = { account, projectId: n.projectId, repositoryId: n.repositoryId, name: n.tag.name };
    } else {
      const path = await pickRepositoryPath(ctx);
      if (!path) return undefined;
      const tags = await pickTags(ctx, path.account, path.repository, false);
      if (!tags?.length) return undefined;
      target = { account: path.account, projectId: path.repository.project_id, repositoryId: path.repository.id, name: tags[0].name };
    }
    if (!target) return undefined;
    const details = await ctx.model.loadTagDetails(target.account.id, target.projectId, target.repositoryId, target.name);
    if (!details.digest) {
      void ctx.ui.warn(vscode.l10n.t('GitLab reports no digest for {0}.', details.location));
      return undefined;
    }
    // A server string pasted into a terminal: no control character (a line break would run what follows).
    const digest = stripControls(details.digest);
    await vscode.env.clipboard.writeText(digest);
    ctx.ui.status(vscode.l10n.t('Copied {0}', digest));
    return digest;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Copying the digest failed'), err);
    return undefined;
  }
}
