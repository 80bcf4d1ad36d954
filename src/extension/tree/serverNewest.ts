// Newest first for repositories too large to read every date (over MAX_DATED_TAGS): the registry sorts
// (GraphQL PUBLISHED_AT_DESC, registries with the metadata database) and the tree reads only the pages it
// shows, 20 tags a request. Where the registry cannot sort by date, the tree falls back to name order and
// says so. Pages are kept per tag listing, so a refresh reads anew.
import type { Tag, TagDetails } from '../../core/types';
import type { ClientPool } from '../accounts/clientPool';
import { describeError } from '../errors';
import type { Log } from '../log';
import type { RegistryCache } from './cache';

interface NewestState {
  rows: TagDetails[];
  /** Cursor of the next page; null after the last. */
  next: string | null;
  running: boolean;
  /** The registry cannot sort by date. */
  unavailable: boolean;
  /** The first read (a whole page of rows) is still running. */
  firstRead: boolean;
}

/** Requests per read are bounded: the rows asked for, in pages of 20, plus one. */
const PAGE = 20;

export class ServerNewest {
  private readonly states = new WeakMap<Tag[], NewestState>();

  constructor(
    private readonly cache: RegistryCache, private readonly clients: ClientPool, private readonly log: Log,
    private readonly repositoryChanged: (accountId: string, repositoryId: number) => void,
  ) {}

  /**
   * The first `limit` tags newest first as far as read; 'loading' before the first page is in; undefined
   * when the registry cannot sort by date. Starts reading what is missing and reports the repository as
   * changed when it arrives (rows already shown stay where they are: later pages land below).
   */
  rows(accountId: string, projectId: number, repositoryId: number, tags: Tag[], limit: number): TagDetails[] | 'loading' | undefined {
    let state = this.states.get(tags);
    if (!state) {
      state = { rows: [], next: null, running: false, unavailable: false, firstRead: true };
      this.states.set(tags, state);
      this.read(state, accountId, projectId, repositoryId, limit, true);
      return 'loading';
    }
    if (state.unavailable) return undefined;
    // The first page of rows shows whole (rows never arrive above or between); later pages land below.
    if (state.running && state.firstRead) return 'loading';
    if (state.rows.length < limit && state.next !== null && !state.running) this.read(state, accountId, projectId, repositoryId, limit, false);
    return state.rows.slice(0, limit);
  }

  /** True unless the registry is known not to sort this listing by date (optimistic while the first page loads). */
  sortedByServer(tags: Tag[]): boolean {
    const state = this.states.get(tags);
    return state !== undefined && !state.unavailable;
  }

  private read(state: NewestState, accountId: string, projectId: number, repositoryId: number, limit: number, first: boolean): void {
    state.running = true;
    const api = this.clients.api(accountId);
    const c = this.cache.for(accountId);
    void (async () => {
      let after = first ? undefined : state.next ?? undefined;
      for (let i = 0; i <= Math.ceil(limit / PAGE) && state.rows.length < limit; i++) {
        const page = await api.listTagsNewestFirst(projectId, repositoryId, { first: PAGE, ...(after !== undefined ? { after } : {}) });
        if (!page) {
          state.unavailable = state.rows.length === 0;
          state.next = null;
          return;
        }
        for (const d of page.tags) c.setTagDetails(repositoryId, d);
        state.rows.push(...page.tags);
        state.next = page.next ?? null;
        if (page.next === undefined) return;
        after = page.next;
      }
    })()
      .catch((err: unknown) => {
        this.log.warn(`Newest tags of repository ${repositoryId}: ${describeError(err)}`);
        if (state.rows.length === 0) state.unavailable = true;
        state.next = null;
      })
      .finally(() => {
        state.running = false;
        state.firstRead = false;
        this.repositoryChanged(accountId, repositoryId);
      });
  }
}
