import type { Command } from '../command';
import { decideRepository, readProjectProtection } from '../../core/protection';
import { emit, formatTable, sortBy } from '../output';
import { collectPages, parseProjectRef } from '../resolve';

export interface RepoRow {
  id: number;
  name: string;
  path: string;
  location: string;
  status: string | null;
  tags_count: number | null;
  /** May the caller delete it: true, false (protected) or null (unknown). */
  deletable: boolean | null;
}

export const reposCommand: Command = {
  words: ['repos'],
  usage: 'glcr repos <project>',
  summary: 'list a project\'s container repositories (images)',
  args: [{ name: 'project' }],
  options: [],
  details: 'JSON: [{"id","name","path","location","status","tags_count","deletable"}] sorted by path;\n' +
    'deletable: true, false (protected from you) or null (the protection rules could not be read).',
  async run(ctx) {
    const api = ctx.api();
    const project = parseProjectRef(ctx.args[0]);
    const repos = await collectPages((page) => api.listProjectRepositories(project, page), ctx.signal);
    const protection = await readProjectProtection(api, project);
    const byId = new Map<number, RepoRow>();
    for (const r of repos) {
      byId.set(r.id, {
        id: r.id,
        name: r.name,
        path: r.path,
        location: r.location,
        status: r.status ?? null,
        tags_count: typeof r.tags_count === 'number' ? r.tags_count : null,
        deletable: decideRepository(protection, r.path, { hasTags: r.tags_count !== 0 }).deletable,
      });
    }
    const rows = sortBy([...byId.values()], (r) => r.path);
    emit(ctx, rows, () =>
      rows.length === 0
        ? 'No container repositories.'
        : formatTable(rows, [
            { header: 'ID', get: (r) => r.id, right: true },
            { header: 'NAME', get: (r) => (r.name === '' ? '.' : r.name) },
            { header: 'TAGS', get: (r) => r.tags_count, right: true },
            { header: 'STATUS', get: (r) => r.status },
            { header: 'PATH', get: (r) => r.path },
          ]),
    );
    return 0;
  },
};
