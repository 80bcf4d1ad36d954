// Storage figures in the CLI: --no-size skips the registry, --no-cache keeps manifests in memory only
// (otherwise $XDG_CACHE_HOME/glcr or ~/.cache/glcr). JSON carries "reclaimable_bytes" and "shared_bytes"
// (null with "size_error" when the registry could not be read or --no-size); text says "up to".
import * as os from 'os';
import * as path from 'path';
import type { Figure } from '../../core/repositoryStorage';
import { deletionFigure, sizeNotAvailable } from '../../core/repositoryStorage';
import type { StorageEstimate, TagDigest } from '../../core/storage';
import type { CliContext, CommandOption } from '../command';
import { formatBytes, plural } from '../output';
import type { RegistryApi } from '../../core/registryApi';
import type { ResolvedRepository } from '../resolve';

export const NO_SIZE_OPTION: CommandOption = { name: 'no-size', type: 'boolean', description: 'skip the registry: no reclaimable/shared bytes' };
export const NO_CACHE_OPTION: CommandOption = { name: 'no-cache', type: 'boolean', description: 'keep manifests in memory only (no ~/.cache/glcr)' };

export const UP_TO_NOTE =
  'an upper bound: GitLab deduplicates layers across the repositories of a namespace, and space returns only after garbage collection';

export function manifestCacheDir(ctx: CliContext): string | undefined {
  if (ctx.flags['no-cache'] === true) return undefined;
  const xdg = ctx.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'glcr');
}

/** The deletion figure, or undefined with --no-size. */
export async function deletionSize(ctx: CliContext, location: string, tags: TagDigest[], deleted: Iterable<string>): Promise<Figure<StorageEstimate> | undefined> {
  if (ctx.flags['no-size'] === true) return undefined;
  const fig = await deletionFigure(ctx.storage(manifestCacheDir(ctx)), location, tags, deleted, { signal: ctx.signal });
  if (fig.available && fig.value.uncounted.length > 0) {
    ctx.stderr(`glcr: note: ${plural(fig.value.uncounted.length, 'tag')} without a digest in GitLab, not counted`);
  }
  return fig;
}

/** The registry location (`host/path`) of a resolved repository (one request when only its id was given). */
export function sizeJson(fig: Figure<StorageEstimate> | undefined): Record<string, unknown> {
  if (!fig) return { reclaimable_bytes: null, shared_bytes: null };
  if (!fig.available) return { reclaimable_bytes: null, shared_bytes: null, size_error: fig.reason };
  return { reclaimable_bytes: fig.value.reclaimable_bytes, shared_bytes: fig.value.shared_bytes };
}

export function sizeText(fig: Figure<StorageEstimate> | undefined): string | undefined {
  if (!fig) return undefined;
  if (!fig.available) return `Space freed: ${sizeNotAvailable(fig.reason)}.`;
  return `Frees up to ${formatBytes(fig.value.reclaimable_bytes)} after garbage collection; ` +
    `${formatBytes(fig.value.shared_bytes)} of the selected images' data is shared with tags you keep (${UP_TO_NOTE}).`;
}
