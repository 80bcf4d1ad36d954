// The space a tag deletion frees, for the Delete Tag modal: computed from the registry's manifests and the
// tag details the tree has loaded, when it takes at most about two seconds (warm cache, few manifests);
// otherwise the modal stays as it is and the completion notification says it if the figure is in by then.
import * as vscode from 'vscode';
import { mapLimit } from '../../core/concurrency';
import { deletionFigure } from '../../core/repositoryStorage';
import { concurrencySetting } from '../settings';
import { formatSize } from '../tree/format';
import type { CommandContext } from '../commands/context';
import type { TagNode } from '../tree/nodes';
import type { Repository } from '../../core/types';

export const MODAL_FIGURE_BUDGET_MS = 2000;

/** "Frees up to X after garbage collection." for tags of one repository; undefined when it cannot be said. */
export async function freedSpaceText(ctx: CommandContext, targets: TagNode[]): Promise<string | undefined> {
  const first = targets[0];
  if (!first || targets.some((t) => t.accountId !== first.accountId || t.repositoryId !== first.repositoryId)) return undefined;
  // Only what the tree already knows of the repository's tags: no GitLab request (a deletion that follows
  // must not queue behind a listing), and a repository whose details are not all loaded gets no figure.
  const listed = ctx.model.listedTags(first.accountId, first.repositoryId);
  if (!listed) return undefined;
  const all: { name: string; digest: string | null }[] = [];
  for (const t of listed) {
    const d = ctx.model.tagDetails(first.accountId, first.repositoryId, t.name);
    if (!d) {
      ctx.log.info(`Space freed: not computed (the details of ${listed.length} tags are not all loaded)`);
      return undefined;
    }
    all.push({ name: t.name, digest: d.digest });
  }
  try {
    const location = first.tag.location.slice(0, first.tag.location.length - first.tag.name.length - 1);
    const fig = await deletionFigure(ctx.clients.storage(first.accountId), location,
      all, targets.map((t) => t.tag.name));
    ctx.model.sizes.learned(first.accountId, first.repositoryId, fig);
    if (!fig.available) {
      ctx.log.info(`Space freed by deleting from ${location}: size not available (${fig.reason})`);
      return undefined;
    }
    return vscode.l10n.t('Frees up to {0} after garbage collection ({1} shared with tags you keep).',
      formatSize(fig.value.reclaimable_bytes) ?? '0 B', formatSize(fig.value.shared_bytes) ?? '0 B');
  } catch (err) {
    ctx.log.info(`Space freed: size not available (${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
}

/**
 * "Frees up to X after garbage collection…" for whole repositories: the unique blobs and manifests of their
 * tags (the tree's tag details when all are loaded, else the tags listed with their digests), through the
 * manifest cache; undefined when a size cannot be had.
 */
export async function freedByRepositoriesText(ctx: CommandContext, targets: { accountId: string; repository: Repository }[]): Promise<string | undefined> {
  try {
    return await repositoriesFreed(ctx, targets);
  } catch (err) {
    ctx.log.info(`Space freed: size not available (${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
}

async function repositoriesFreed(ctx: CommandContext, targets: { accountId: string; repository: Repository }[]): Promise<string | undefined> {
  // The repositories side by side (the account's client and the manifest store bound what is in flight).
  const { results } = await mapLimit(targets, concurrencySetting(), async ({ accountId, repository }) => {
    const listed = ctx.model.listedTags(accountId, repository.id);
    const details = listed?.map((t) => ctx.model.tagDetails(accountId, repository.id, t.name));
    const tags = details?.every((d) => d !== undefined) ? details.map((d) => ({ name: d!.name, digest: d!.digest })) : undefined;
    const fig = await ctx.model.sizes.compute(accountId, repository, undefined, tags);
    if (!fig.available) ctx.log.info(`Space freed by deleting ${repository.location}: size not available (${fig.reason})`);
    return fig;
  });
  let total = 0;
  for (const fig of results) {
    if (!fig?.available) return undefined;
    total += fig.value.bytes;
  }
  return vscode.l10n.t('Frees up to {0} after garbage collection (layers other repositories of the namespace use stay).', formatSize(total) ?? '0 B');
}

/** The promise's value if it settles within `ms`, else undefined (the work goes on). */
export function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
