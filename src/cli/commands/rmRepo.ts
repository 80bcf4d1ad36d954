import type { Command } from '../command';
import { emit } from '../output';
import { parseProjectRef, resolveRepository } from '../resolve';
import { YES_OPTION, requireYes } from './shared';

export const rmRepoCommand: Command = {
  words: ['rm-repo'],
  usage: 'glcr rm-repo <project> <repo> --yes',
  summary: 'schedule the deletion of a whole repository with all its tags (Maintainer)',
  args: [{ name: 'project' }, { name: 'repo' }],
  options: [YES_OPTION],
  details:
    'JSON: {"id","status"}: the status GitLab reports after scheduling ("delete_scheduled", "delete_ongoing",\n' +
    '"deleted" when already gone); "delete_scheduled" when the token cannot read it back (CI job token).',
  async run(ctx) {
    requireYes(ctx, 'the repository');
    const api = ctx.api();
    const project = parseProjectRef(ctx.args[0]);
    const repo = await resolveRepository(api, project, ctx.args[1], ctx.signal);
    const result = await api.deleteRepository(project, repo.id);
    const row = { id: result.id, status: String(result.status).toLowerCase() };
    emit(ctx, row, () => `Repository ${repo.path ?? row.id} (id ${row.id}): ${row.status}`);
    return 0;
  },
};
