// List Repositories by Size…: a project's or group's image repositories, biggest first, so the largest
// consumers are found in one step. Each size is GitLab's own deduplicated figure where its API gives one,
// else the sum of the unique blobs of the repository's tags (tags listed with their digests, manifests read
// through the shared cache); a repository whose size cannot be had is listed last with the reason. Choosing
// one reveals it in the tree (from a tree node) or offers what to do with it (from the palette).
import * as vscode from 'vscode';
import { mapLimit } from '../../core/concurrency';
import type { Figure } from '../../core/repositoryStorage';
import { sizeNotAvailable } from '../../core/repositoryStorage';
import { compareCodePoints } from '../../core/text';
import type { Page, PageRequest, Repository } from '../../core/types';
import { CommandIds } from '../commandIds';
import { handleError } from '../errors';
import { concurrencySetting } from '../settings';
import { formatSize } from '../tree/format';
import { isProjectNode, isNode, repositoryLabel, type GroupNode, type ProjectNode, type RepositoryNode } from '../tree/nodes';
import type { RepositorySize } from '../tree/repositorySizes';
import type { CommandContext } from './context';
import { allPages, pickAccount, pickProject } from './pickers';

export interface RepositorySizeRow {
  repository: Repository;
  size: Figure<RepositorySize>;
}

interface Scope {
  accountId: string;
  /** The tree node the command ran on (absent from the palette). */
  node?: GroupNode | ProjectNode;
  under: RepositoryNode['under'];
  list: (page: PageRequest) => Promise<Page<Repository>>;
}

/** Returns the rows as listed (biggest first) and the repository chosen, for tests. */
export async function listRepositoriesBySize(ctx: CommandContext, node?: unknown): Promise<{ rows: RepositorySizeRow[]; chosen?: Repository } | undefined> {
  try {
    const scope = await scopeOf(ctx, node);
    if (!scope) return undefined;
    const repositories = await allPages(scope.list);
    ctx.model.rememberRepositories(scope.accountId, repositories);
    if (repositories.length === 0) {
      void ctx.ui.info(vscode.l10n.t('No image repositories'));
      return { rows: [] };
    }
    const rows = await ctx.ui.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading repository sizes…'), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let done = 0;
        try {
          const r = await mapLimit(repositories, concurrencySetting(), async (repository) => {
            const size = await ctx.model.sizes.load(scope.accountId, repository, { signal: abort.signal, compute: true });
            progress.report({ message: vscode.l10n.t('{0} of {1} repositories', ++done, repositories.length) });
            return { repository, size };
          }, { signal: abort.signal });
          return r.results.map((row, i) => row ?? { repository: repositories[i], size: { available: false, reason: 'cancelled' } as const });
        } finally {
          sub.dispose();
        }
      },
    );
    rows.sort(bySize);
    const chosen = await ctx.ui.pickOne(
      rows.map((row) => ({
        label: repositoryLabel(row.repository, scope.under) || row.repository.path,
        description: row.size.available ? formatSize(row.size.value.bytes) : sizeNotAvailable(row.size.reason),
        detail: row.size.available && row.size.value.source === 'computed'
          ? vscode.l10n.t('{0} · the unique layers and manifests of its tags', row.repository.location)
          : row.repository.location,
        value: row.repository,
      })),
      vscode.l10n.t('Image repositories by size, biggest first (up to: layers can be shared across a namespace)'),
    );
    if (!chosen) return { rows };
    await act(ctx, scope, chosen);
    return { rows, chosen };
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Listing the repositories by size failed'), err);
    return undefined;
  }
}

/** Biggest first; sizes that could not be had last, by path. */
function bySize(a: RepositorySizeRow, b: RepositorySizeRow): number {
  const x = a.size.available ? a.size.value.bytes : -1;
  const y = b.size.available ? b.size.value.bytes : -1;
  return y - x || compareCodePoints(a.repository.path, b.repository.path);
}

async function scopeOf(ctx: CommandContext, node: unknown): Promise<Scope | undefined> {
  if (isProjectNode(node)) {
    const api = ctx.clients.api(node.accountId);
    return {
      accountId: node.accountId, node, under: { kind: 'project', path: node.project.path_with_namespace },
      list: (page) => api.listProjectRepositories(node.project.id, page),
    };
  }
  if (isNode(node) && node.kind === 'group') {
    const api = ctx.clients.api(node.accountId);
    return {
      accountId: node.accountId, node, under: { kind: 'group', fullPath: node.group.full_path },
      list: (page) => api.listGroupRepositories(node.group.id, page),
    };
  }
  const account = await pickAccount(ctx);
  if (!account) return undefined;
  const project = await pickProject(ctx, account);
  if (!project) return undefined;
  const api = ctx.clients.api(account.id);
  return {
    accountId: account.id, under: { kind: 'project', path: project.path_with_namespace },
    list: (page) => api.listProjectRepositories(project.id, page),
  };
}

/** From the tree: the repository is revealed and selected. From the palette: what to do with it. */
async function act(ctx: CommandContext, scope: Scope, repository: Repository): Promise<void> {
  const parent = scope.node;
  if (parent) {
    const node: RepositoryNode = {
      kind: 'repository', id: `${parent.id}/r:${repository.id}`, accountId: scope.accountId, parent,
      repositoryId: repository.id, projectId: repository.project_id, under: scope.under,
    };
    // The sizes just read re-render their rows; a refresh that crosses the reveal can drop the selection,
    // so reveal again (bounded) until the row is selected.
    for (let attempt = 0; attempt < 4; attempt++) {
      await ctx.treeView.reveal(node, { select: true, focus: true, expand: false });
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (ctx.treeView.selection.some((n) => n.id === node.id)) break;
    }
    return;
  }
  const copy = vscode.l10n.t('Copy Location');
  const del = vscode.l10n.t('Delete Repository…');
  const action = await ctx.ui.pickOne([{ label: copy, value: copy }, { label: del, value: del }], repository.location);
  if (action === copy) {
    await vscode.env.clipboard.writeText(repository.location);
    ctx.ui.status(vscode.l10n.t('Copied {0}', repository.location));
  } else if (action === del) {
    const node: RepositoryNode = {
      kind: 'repository', id: `size:${repository.id}`, accountId: scope.accountId, repositoryId: repository.id,
      projectId: repository.project_id, under: scope.under,
    };
    await vscode.commands.executeCommand(CommandIds.deleteRepository, node);
  }
}
