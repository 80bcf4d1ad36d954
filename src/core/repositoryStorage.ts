// The storage figures as callers use them (CLI, extension, group-wide cleanup): for one repository, from its
// tags' digests, through the account's registry access and manifest store. A registry that cannot be
// reached or refuses gives "size not available (reason)", never a guess.
import { GitLabError } from './errors';
import type { AccountRegistry } from './registry/accountRegistry';
import { RegistryError } from './registry/errors';
import type { ManifestStore } from './registry/manifestStore';
import { estimateDeletion, repositoryUsage, type EstimateOptions, type RepositoryUsage, type StorageEstimate, type TagDigest } from './storage';
import { stripControls } from './text';

/** One per account: registry access and the manifest store (shared by every command). */
export interface StorageAccess {
  registry: AccountRegistry;
  store: ManifestStore;
}

export type Figure<T> = { available: true; value: T } | { available: false; reason: string };

/** Why a figure is missing, in words fit for a person (server text stripped of control characters). */
export function sizeUnavailableReason(e: unknown): string {
  if (e instanceof RegistryError) return e.kind === 'cancelled' ? 'cancelled' : stripControls(e.message);
  if (e instanceof GitLabError) return stripControls(e.message);
  if (e instanceof Error) return stripControls(e.message);
  return 'unknown error';
}

async function figure<T>(work: () => Promise<T>): Promise<Figure<T>> {
  try {
    return { available: true, value: await work() };
  } catch (e) {
    return { available: false, reason: sizeUnavailableReason(e) };
  }
}

/**
 * What GC can remove after deleting `deleted` (tag names) from the repository at `location`, given every tag of
 * it with its digest. The per-repository figure group-wide previews add up.
 */
export function deletionFigure(
  access: StorageAccess, location: string, tags: TagDigest[], deleted: Iterable<string>, opts: EstimateOptions = {},
): Promise<Figure<StorageEstimate>> {
  return figure(() => estimateDeletion(access.store, access.registry.client(location), tags, new Set(deleted), opts));
}

/** Deduplicated size of the repository at `location`. */
export function usageFigure(access: StorageAccess, location: string, tags: TagDigest[], opts: EstimateOptions = {}): Promise<Figure<RepositoryUsage>> {
  return figure(() => repositoryUsage(access.store, access.registry.client(location), tags, opts));
}

/** "size not available (reason)" — the one wording for a missing figure. */
export function sizeNotAvailable(reason: string): string {
  return `size not available (${reason})`;
}
