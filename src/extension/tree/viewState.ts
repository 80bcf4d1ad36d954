// What the user set on the tree's repositories: tag name filters and how many tags "Load more…" shows.
// Keys are `accountId|repositoryId`; limits are forgotten with the account's cache, filters stay.
import { pageSizeSetting } from '../settings';

export class TreeViewState {
  private readonly filters = new Map<string, string>();
  private readonly tagLimits = new Map<string, number>();

  filterOf(accountId: string, repositoryId: number): string | undefined {
    return this.filters.get(viewKey(accountId, repositoryId));
  }

  /** Sets (or, when blank, clears) a repository's tag filter. */
  setFilter(accountId: string, repositoryId: number, filter: string | undefined): void {
    const k = viewKey(accountId, repositoryId);
    if (filter && filter.trim() !== '') this.filters.set(k, filter.trim());
    else this.filters.delete(k);
  }

  /** How many of a repository's tags are shown (a page, plus one per "Load more…"). */
  tagLimit(accountId: string, repositoryId: number): number {
    return this.tagLimits.get(viewKey(accountId, repositoryId)) ?? pageSizeSetting();
  }

  /** "Load more…": one more page of tags. */
  showMoreTags(accountId: string, repositoryId: number): void {
    this.tagLimits.set(viewKey(accountId, repositoryId), this.tagLimit(accountId, repositoryId) + pageSizeSetting());
  }

  /** Forgets the "Load more…" limits of the account's repositories (of every account without one). */
  clearTagLimits(accountId?: string): void {
    for (const key of [...this.tagLimits.keys()]) {
      if (accountId === undefined || viewKeyAccount(key) === accountId) this.tagLimits.delete(key);
    }
  }

  /** Accounts no longer present keep no "Load more…" limits. */
  keepOnly(present: ReadonlySet<string>): void {
    for (const key of [...this.tagLimits.keys()]) {
      if (!present.has(viewKeyAccount(key))) this.tagLimits.delete(key);
    }
  }
}

function viewKey(accountId: string, repositoryId: number): string {
  return `${accountId}|${repositoryId}`;
}

/** The account of a `accountId|repositoryId` key (account ids contain "|" themselves). */
function viewKeyAccount(key: string): string {
  return key.slice(0, key.lastIndexOf('|'));
}
