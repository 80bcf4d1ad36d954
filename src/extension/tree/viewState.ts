// What the user set on the tree's repositories: tag name filters and how many tags "Load more…" shows.
// Limits are forgotten with the account's cache; filters stay.
import { pageSizeSetting } from '../settings';
import { RepositoryMap } from './repositoryMap';

export class TreeViewState {
  private readonly filters = new RepositoryMap<string>();
  private readonly tagLimits = new RepositoryMap<number>();

  filterOf(accountId: string, repositoryId: number): string | undefined {
    return this.filters.get(accountId, repositoryId);
  }

  /** Sets (or, when blank, clears) a repository's tag filter. */
  setFilter(accountId: string, repositoryId: number, filter: string | undefined): void {
    if (filter && filter.trim() !== '') this.filters.set(accountId, repositoryId, filter.trim());
    else this.filters.delete(accountId, repositoryId);
  }

  /** How many of a repository's tags are shown (a page, plus one per "Load more…"). */
  tagLimit(accountId: string, repositoryId: number): number {
    return this.tagLimits.get(accountId, repositoryId) ?? pageSizeSetting();
  }

  /** "Load more…": one more page of tags. */
  showMoreTags(accountId: string, repositoryId: number): void {
    this.tagLimits.set(accountId, repositoryId, this.tagLimit(accountId, repositoryId) + pageSizeSetting());
  }

  /** Forgets the "Load more…" limits of the account's repositories (of every account without one). */
  clearTagLimits(accountId?: string): void {
    this.tagLimits.forget(accountId);
  }

  /** Accounts no longer present keep no "Load more…" limits. */
  keepOnly(present: ReadonlySet<string>): void {
    this.tagLimits.keepOnly(present);
  }
}
