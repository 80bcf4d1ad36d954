// Values kept per (account, repository): the tree's filters, "Load more…" limits, sizes and per-tag levels.
// Keys are `accountId|repositoryId`; account ids contain "|" themselves, so the repository id follows the last.

export class RepositoryMap<V> {
  private readonly values = new Map<string, V>();

  get(accountId: string, repositoryId: number): V | undefined {
    return this.values.get(key(accountId, repositoryId));
  }

  set(accountId: string, repositoryId: number, value: V): void {
    this.values.set(key(accountId, repositoryId), value);
  }

  delete(accountId: string, repositoryId: number): void {
    this.values.delete(key(accountId, repositoryId));
  }

  /** Forgets the account's entries (every entry without one). */
  forget(accountId?: string): void {
    for (const k of [...this.values.keys()]) if (accountId === undefined || accountOf(k) === accountId) this.values.delete(k);
  }

  /** Keeps only the entries of these accounts. */
  keepOnly(present: ReadonlySet<string>): void {
    for (const k of [...this.values.keys()]) if (!present.has(accountOf(k))) this.values.delete(k);
  }
}

function key(accountId: string, repositoryId: number): string {
  return `${accountId}|${repositoryId}`;
}

function accountOf(k: string): string {
  return k.slice(0, k.lastIndexOf('|'));
}
