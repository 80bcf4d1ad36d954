// glcr du: the deduplicated size of a project's repositories (or one), biggest first, from the registry's
// manifests (each blob and manifest counted once per repository).
import { GitLabError } from '../../core/errors';
import { usageFigure, sizeNotAvailable } from '../../core/repositoryStorage';
import type { Repository } from '../../core/types';
import type { Command } from '../command';
import { compareCodePoints, emit, formatBytes, formatTable, shown } from '../output';
import { collectPages, parseProjectRef, repositoryOf, resolveRepository } from '../resolve';
import { NO_CACHE_OPTION, manifestCacheDir } from './storage';

export interface DuRow {
  repository: string;
  tags: number;
  manifests: number | null;
  bytes: number | null;
  error?: string;
}

export const duCommand: Command = {
  words: ['du'],
  usage: 'glcr du <project> [<repo>] [--no-cache]',
  summary: 'disk usage of a project\'s repositories, deduplicated within each repository, biggest first',
  args: [{ name: 'project' }, { name: 'repo', optional: true }],
  options: [NO_CACHE_OPTION],
  details:
    'JSON: [{"repository","tags","manifests","bytes"}] sorted by bytes (largest first), then by path. Each layer,\n' +
    'config and manifest is counted once per repository; GitLab also shares layers between repositories of a\n' +
    'namespace, so the sum over repositories can exceed what the namespace stores. A repository whose registry\n' +
    'cannot be read has "bytes": null and "error"; exit 1 then.',
  async run(ctx) {
    const api = ctx.api();
    const project = parseProjectRef(ctx.args[0]);
    const repos: Repository[] = ctx.args[1] === undefined
      ? await collectPages((page) => api.listProjectRepositories(project, page), ctx.signal)
      : [await repositoryOf(api, await resolveRepository(api, project, ctx.args[1], ctx.signal))];
    const access = ctx.storage(manifestCacheDir(ctx));
    const rows: DuRow[] = [];
    for (const repo of repos) {
      if (ctx.signal.aborted) throw new GitLabError('cancelled', undefined, 'interrupted');
      const tags = (await api.listTagDetails(project, repo.id, undefined, { signal: ctx.signal })).map((t) => ({ name: t.name, digest: t.digest }));
      const fig = await usageFigure(access, repo.location, tags, { signal: ctx.signal });
      rows.push(fig.available
        ? { repository: repo.path, tags: tags.length, manifests: fig.value.manifests, bytes: fig.value.bytes }
        : { repository: repo.path, tags: tags.length, manifests: null, bytes: null, error: sizeNotAvailable(fig.reason) });
    }
    rows.sort((a, b) => (b.bytes ?? -1) - (a.bytes ?? -1) || compareCodePoints(a.repository, b.repository));
    for (const r of rows) if (r.error) ctx.stderr(`glcr: ${shown(r.repository)}: ${shown(r.error)}`);
    emit(ctx, rows, () =>
      rows.length === 0
        ? 'No container repositories.'
        : formatTable(rows, [
            { header: 'SIZE', get: (r) => (r.bytes === null ? '-' : formatBytes(r.bytes)), right: true },
            { header: 'TAGS', get: (r) => r.tags, right: true },
            { header: 'MANIFESTS', get: (r) => r.manifests, right: true },
            { header: 'REPOSITORY', get: (r) => r.repository },
          ]) + '\nDeduplicated within each repository; GitLab shares layers across a namespace, so the sum may exceed what it stores.',
    );
    return rows.some((r) => r.error) ? 1 : 0;
  },
};
