// Newest first over the whole repository: every tag's date is read before the first row shows (GraphQL
// pages of 20, REST per tag as the fallback), once per listing, so rows never jump.
import type { Tag } from '../../core/types';
import type { ClientPool } from '../accounts/clientPool';
import { describeError, isAuthError } from '../errors';
import type { Log } from '../log';
import type { RegistryCache } from './cache';

export interface DatingHooks {
  repositoryChanged(accountId: string, repositoryId: number): void;
  unauthorized(accountId: string, err: unknown): void;
}

export class TagDating {
  /** Whole-listing date reads, by the listing (a refresh lists anew, and so reads anew). */
  private readonly dating = new WeakMap<Tag[], 'running' | 'done'>();

  constructor(
    private readonly cache: RegistryCache, private readonly clients: ClientPool, private readonly log: Log,
    private readonly hooks: DatingHooks,
  ) {}

  /**
   * True when every tag of the listing has its date (or reading them was tried): newest first can then
   * sort the whole repository. Otherwise starts one read of all missing details and reports the
   * repository as changed when it is done.
   */
  datesReady(accountId: string, projectId: number, repositoryId: number, tags: Tag[]): boolean {
    const state = this.dating.get(tags);
    if (state === 'done') return true;
    const c = this.cache.for(accountId);
    const missing = tags.filter((t) => c.tagDetails(repositoryId, t.name) === undefined).map((t) => t.name);
    if (missing.length === 0) return true;
    if (state === 'running') return false;
    this.dating.set(tags, 'running');
    const started = Date.now();
    void this.clients.api(accountId).listTagDetails(projectId, repositoryId, missing)
      .then((list) => {
        for (const d of list) c.setTagDetails(repositoryId, d);
        this.log.info(`Read the dates of ${missing.length} tags of repository ${repositoryId} for newest first in ${Date.now() - started} ms.`);
      })
      .catch((err: unknown) => {
        // Not fatal: the rows show, undated ones last, and each row reads its own details as before.
        this.log.warn(`Dates of the tags of repository ${repositoryId}: ${describeError(err)}`);
        if (isAuthError(err)) this.hooks.unauthorized(accountId, err);
      })
      .finally(() => {
        this.dating.set(tags, 'done');
        this.hooks.repositoryChanged(accountId, repositoryId);
        // A read that ends while VS Code is still rendering the "sorting…" row can have its refresh crossed:
        // once more shortly after (same rows, no jump) so the sorted rows always replace it.
        setTimeout(() => this.hooks.repositoryChanged(accountId, repositoryId), 750);
      });
    return false;
  }
}
