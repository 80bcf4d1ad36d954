// The tree's answer to "may I delete this?" (core/protection.ts decides): the project's rules and the
// caller's role, read once per project and cached with it (Refresh re-reads); for callers who may not read
// the rules, each tag's GraphQL `protection` levels — from the tag details the tree already reads, or from
// one listing of the levels per repository listing when the details came over REST.
import type { Repository, Tag, TagDetails, TagProtectionLevels } from '../../core/types';
import { UNKNOWN, decideRepository, readProjectProtection, tagProtection, type ProjectProtection, type TagProtection, type Verdict } from '../../core/protection';
import type { ClientPool } from '../accounts/clientPool';
import { describeError } from '../errors';
import type { Log } from '../log';
import type { RegistryCache } from './cache';
import { RepositoryMap } from './repositoryMap';

export interface ProtectionHooks {
  details(accountId: string, repositoryId: number, name: string): TagDetails | undefined;
  /** The repository's rows show new verdicts. */
  repositoryChanged(accountId: string, repositoryId: number): void;
}

export class TreeProtection {
  /** Per-tag levels by tag listing (a refresh lists anew, and so reads anew); null while being read. */
  private readonly levels = new WeakMap<Tag[], Map<string, TagProtectionLevels | null> | null>();
  /** The listing whose levels serve a repository now. */
  private readonly levelsOf = new RepositoryMap<Tag[]>();
  /** The project's tag rules compiled once per reading (every tag row asks; RE2 compiles are not free). */
  private readonly compiled = new WeakMap<ProjectProtection, TagProtection>();

  constructor(
    private readonly cache: RegistryCache, private readonly clients: ClientPool, private readonly log: Log,
    private readonly hooks: ProtectionHooks,
  ) {}

  /** The project's protection, read once and cached with the project. Never fails: unreadable = unknown. */
  async protection(accountId: string, projectId: number): Promise<ProjectProtection> {
    const c = this.cache.for(accountId);
    const known = c.protections.get(projectId);
    if (known) return known;
    const read = await c.once(`protection:${projectId}`, () => readProjectProtection(this.clients.api(accountId), projectId));
    c.protections.set(projectId, read);
    return read;
  }

  /** The project's protection as read (undefined before it is). */
  protectionOf(accountId: string, projectId: number): ProjectProtection | undefined {
    return this.cache.for(accountId).protections.get(projectId);
  }

  /** May the caller delete this tag: unknown until the project's protection (or the tag's levels) are read. */
  tagVerdict(accountId: string, projectId: number, repositoryId: number, name: string): Verdict {
    const p = this.protectionOf(accountId, projectId);
    if (!p) return UNKNOWN;
    const fromDetails = this.hooks.details(accountId, repositoryId, name)?.protection;
    const listing = this.levelsOf.get(accountId, repositoryId);
    const perTag = fromDetails !== undefined ? fromDetails : listing ? this.levels.get(listing)?.get(name) : undefined;
    let rules = this.compiled.get(p);
    if (!rules) {
      rules = tagProtection(p.tagRules, p.accessLevel);
      this.compiled.set(p, rules);
    }
    return rules.decide(name, perTag);
  }

  /** May the caller delete this repository (unknown until the project's protection is read). */
  repositoryVerdict(accountId: string, repository: Repository): Verdict {
    const p = this.protectionOf(accountId, repository.project_id);
    return p ? decideRepository(p, repository.path, { hasTags: repository.tags_count !== 0 }) : UNKNOWN;
  }

  /**
   * When the rules are not readable, reads the repository's per-tag levels once for this listing (GraphQL
   * only; nothing where the instance has no per-tag answer) and re-renders the repository when they are in.
   */
  readTagLevels(accountId: string, projectId: number, repositoryId: number, tags: Tag[]): void {
    if (this.protectionOf(accountId, projectId)?.tagRules !== null || this.levels.has(tags) || tags.length === 0) return;
    this.levels.set(tags, null);
    this.levelsOf.set(accountId, repositoryId, tags);
    void this.clients.api(accountId).listTagProtectionLevels(projectId, repositoryId)
      .then((levels) => {
        if (!levels) return;
        this.levels.set(tags, levels);
        this.hooks.repositoryChanged(accountId, repositoryId);
      })
      .catch((err: unknown) => this.log.warn(`Tag protection levels of repository ${repositoryId}: ${describeError(err)}`));
  }
}
