import * as vscode from 'vscode';
import { isNode } from '../tree/nodes';
import { CommandIds, type CommandId } from '../commandIds';
import { addAccount } from './addAccount';
import { clearTagFilter } from './clearTagFilter';
import type { CommandContext, CommandHandler } from './context';
import { copyDigest } from './copyDigest';
import { inspectManifest } from './inspectManifest';
import { copyImageReference } from './copyImageReference';
import { copyReferenceByDigest, copyPullCommand } from './copyPullCommand';
import { pullImage } from './pullImage';
import { deleteRepository } from './deleteRepository';
import { deleteTag } from './deleteTag';
import { deleteTagsByRule } from './deleteTagsByRule';
import { restoreDeletedTags } from './restoreDeletedTags';
import { applyPolicyToProjects } from './applyPolicyToProjects';
import { editCleanupPolicy } from './editCleanupPolicy';
import { filterTags } from './filterTags';
import { listRepositoriesBySize } from './listRepositoriesBySize';
import { loadMore } from './loadMore';
import { openInBrowser } from './openInBrowser';
import { previewCleanupPolicy } from './previewCleanupPolicy';
import { reauthenticate } from './reauthenticate';
import { refresh } from './refresh';
import { removeAccount } from './removeAccount';
import { showEnvironmentAccount } from './showEnvironmentAccount';
import { showLogs } from './showLogs';
import { sortTagsByName } from './sortTagsByName';
import { sortTagsNewestFirst } from './sortTagsNewestFirst';

/** Every command of package.json, and nothing else. */
export const handlers: Record<CommandId, CommandHandler> = {
  [CommandIds.addAccount]: addAccount,
  [CommandIds.removeAccount]: removeAccount,
  [CommandIds.reauthenticate]: reauthenticate,
  [CommandIds.showEnvironmentAccount]: showEnvironmentAccount,
  [CommandIds.refresh]: refresh,
  [CommandIds.deleteTag]: deleteTag,
  [CommandIds.deleteRepository]: deleteRepository,
  [CommandIds.copyImageReference]: copyImageReference,
  [CommandIds.copyDigest]: copyDigest,
  [CommandIds.copyPullCommand]: copyPullCommand,
  [CommandIds.copyReferenceByDigest]: copyReferenceByDigest,
  [CommandIds.pullImage]: pullImage,
  [CommandIds.inspectManifest]: inspectManifest,
  [CommandIds.openInBrowser]: openInBrowser,
  [CommandIds.filterTags]: filterTags,
  [CommandIds.clearTagFilter]: clearTagFilter,
  [CommandIds.sortTagsByName]: sortTagsByName,
  [CommandIds.sortTagsNewestFirst]: sortTagsNewestFirst,
  [CommandIds.loadMore]: loadMore,
  [CommandIds.showLogs]: showLogs,
  [CommandIds.deleteTagsByRule]: deleteTagsByRule,
  [CommandIds.restoreDeletedTags]: restoreDeletedTags,
  [CommandIds.editCleanupPolicy]: editCleanupPolicy,
  [CommandIds.previewCleanupPolicy]: previewCleanupPolicy,
  [CommandIds.applyCleanupPolicyToProjects]: applyPolicyToProjects,
  [CommandIds.listRepositoriesBySize]: listRepositoriesBySize,
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, (node?: unknown, nodes?: unknown) => {
      // Each user action in the log (node ids name accounts, groups and tags; never a token).
      const selected = Array.isArray(nodes) && nodes.length > 1 ? ` (${nodes.length} selected)` : '';
      ctx.log.info(`${id}${isNode(node) ? ` on ${node.id}` : ''}${selected}`);
      return handler(ctx, node, nodes);
    }),
  );
}
