// What the tree knows of each image repository's size: GitLab's own deduplicated figure where its API gives
// one (`size` of GET /registry/repositories/:id, which needs the metadata database), else the sum of the unique
// blobs and manifests the repository's tags reach, once a storage estimate or "List Repositories by Size…" has
// read its manifests. Nothing is read to render a row: the figure appears when something has learned it.
import { usageFigure, type Figure } from '../../core/repositoryStorage';
import type { StorageEstimate } from '../../core/storage';
import type { Repository } from '../../core/types';
import type { ClientPool } from '../accounts/clientPool';
import { RepositoryMap } from './repositoryMap';

export type RepositorySize = { bytes: number; source: 'gitlab' | 'computed' };

export interface SizeLoadOptions {
  signal?: AbortSignal;
  /** When GitLab has no figure: list the tags with their digests and add up the unique blobs (manifest reads). */
  compute?: boolean;
}

export class RepositorySizes {
  private readonly known = new RepositoryMap<RepositorySize>();

  constructor(private readonly clients: ClientPool, private readonly changed: (accountId: string, repositoryId: number) => void) {}

  get(accountId: string, repositoryId: number): RepositorySize | undefined {
    return this.known.get(accountId, repositoryId);
  }

  /** Records a figure; GitLab's own stays until it is read again (a computed one does not replace it). */
  set(accountId: string, repositoryId: number, size: RepositorySize): void {
    const before = this.known.get(accountId, repositoryId);
    if (size.source === 'computed' && before?.source === 'gitlab') return;
    if (before?.bytes === size.bytes && before.source === size.source) return;
    this.known.set(accountId, repositoryId, size);
    this.changed(accountId, repositoryId);
  }

  /**
   * The repository's size: GitLab's figure (one request), else — with `compute` — the sum of its unique blobs.
   * A figure that cannot be had says why ("size not available (reason)" is the caller's wording).
   */
  async load(accountId: string, repository: Repository, opts: SizeLoadOptions = {}): Promise<Figure<RepositorySize>> {
    const api = this.clients.api(accountId);
    let reason = 'not computed';
    try {
      const r = await api.getRepository(repository.id, { size: true, signal: opts.signal });
      if (typeof r.size === 'number') {
        const size: RepositorySize = { bytes: r.size, source: 'gitlab' };
        this.set(accountId, repository.id, size);
        return { available: true, value: size };
      }
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    const known = this.get(accountId, repository.id);
    if (known) return { available: true, value: known };
    if (!opts.compute) return { available: false, reason };
    return this.compute(accountId, repository, opts.signal);
  }

  /** The sum of the unique blobs and manifests of the repository's tags (lists them with digests, reads the manifests). */
  async compute(accountId: string, repository: Repository, signal?: AbortSignal, tags?: { name: string; digest: string | null }[]): Promise<Figure<RepositorySize>> {
    let list = tags;
    if (!list) {
      try {
        list = (await this.clients.api(accountId).listTagDetails(repository.project_id, repository.id, undefined, { signal }))
          .map((t) => ({ name: t.name, digest: t.digest }));
      } catch (err) {
        return { available: false, reason: err instanceof Error ? err.message : String(err) };
      }
    }
    const fig = await usageFigure(this.clients.storage(accountId), repository.location, list, { signal });
    if (!fig.available) return fig;
    const size: RepositorySize = { bytes: fig.value.bytes, source: 'computed' };
    this.set(accountId, repository.id, size);
    return { available: true, value: size };
  }

  /** A deletion estimate over every tag of the repository also tells its size: remembered. */
  learned(accountId: string, repositoryId: number, fig: Figure<StorageEstimate>): void {
    if (fig.available && fig.value.uncounted.length === 0) this.set(accountId, repositoryId, { bytes: fig.value.bytes, source: 'computed' });
  }

  /** Forgets the figures of one account (of every account without one). */
  forget(accountId?: string): void {
    this.known.forget(accountId);
  }
}
