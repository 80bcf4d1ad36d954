import type { Project } from '../../core/types';
import type { Command } from '../command';
import { emit, formatTable, sortBy } from '../output';
import { collectPages, parseProjectRef } from '../resolve';
import { stringFlag } from './shared';

export const projectsCommand: Command = {
  words: ['projects'],
  usage: 'glcr projects [--search S] [--group G]',
  summary: 'list the projects you are a member of with at least Reporter, or a group\'s projects (with subgroups)',
  args: [],
  options: [
    { name: 'search', type: 'string', value: 'S', description: 'only projects whose name or path matches S' },
    { name: 'group', type: 'string', value: 'G', description: 'the projects of group G (id or full path), including subgroups' },
  ],
  details: 'JSON: [{"id","path_with_namespace"}] sorted by path_with_namespace.',
  async run(ctx) {
    const api = ctx.api();
    const search = stringFlag(ctx, 'search');
    const groupText = stringFlag(ctx, 'group');
    const query = search === undefined ? {} : { search };
    let projects: Project[];
    if (groupText !== undefined) {
      const group = parseProjectRef(groupText, 'group');
      projects = await collectPages((page) => api.listGroupProjects(group, query, page), ctx.signal);
    } else {
      projects = await collectPages((page) => api.listProjects(query, page), ctx.signal);
    }
    const byId = new Map<number, { id: number; path_with_namespace: string }>();
    for (const p of projects) byId.set(p.id, { id: p.id, path_with_namespace: p.path_with_namespace });
    const rows = sortBy([...byId.values()], (p) => p.path_with_namespace);
    emit(ctx, rows, () =>
      rows.length === 0
        ? 'No projects.'
        : formatTable(rows, [
            { header: 'ID', get: (p) => p.id, right: true },
            { header: 'PROJECT', get: (p) => p.path_with_namespace },
          ]),
    );
    return 0;
  },
};
