import type { Command } from '../command';
import { decideRepository, readProjectProtection, repositoryRefusal } from '../../core/protection';
import { emit, shown } from '../output';
import { resolveArgs } from '../resolve';
import { OUTCOME_UNKNOWN, YES_OPTION, isUnknownOutcome, printUnknownOutcome, requireYes } from './shared';

export const rmRepoCommand: Command = {
  words: ['rm-repo'],
  usage: 'glcr rm-repo <project> <repo> --yes',
  summary: 'schedule the deletion of a whole repository with all its tags (Maintainer)',
  args: [{ name: 'project' }, { name: 'repo' }],
  options: [YES_OPTION],
  details:
    'JSON: {"id","status"}: the status GitLab reports after scheduling ("delete_scheduled", "delete_ongoing",\n' +
    '"deleted" when already gone); "delete_scheduled" when the token cannot read it back (CI job token).\n' +
    'The request is sent once: when its answer is lost, the repository is read back and its status reported;\n' +
    `when that fails too: {"id","status":"unknown","error":"${OUTCOME_UNKNOWN}…"} (it may have been scheduled), exit 1.\n` +
    'A repository protected from you (repository rule, or tag rules above your role) is refused: one line naming\n' +
    'the rule, nothing sent, exit 1.',
  async run(ctx) {
    requireYes(ctx, 'the repository', true);
    const { api, project, repo } = await resolveArgs(ctx);
    const label = shown(repo.path ?? `repository ${repo.id}`);
    // Given by id, the repository's path and tag count are read for the protection check (best effort).
    const known = repo.repository ?? await api.getRepository(repo.id, { tagsCount: true }).catch(() => undefined);
    const verdict = known
      ? decideRepository(await readProjectProtection(api, project), known.path, { hasTags: known.tags_count !== 0 })
      : { deletable: null };
    const refusal = repositoryRefusal(verdict, label);
    if (refusal) {
      ctx.stderr(`glcr: ${refusal}; nothing was sent`);
      return 1;
    }
    let result;
    try {
      result = await api.deleteRepository(project, repo.id);
    } catch (e) {
      if (!isUnknownOutcome(e)) throw e;
      return printUnknownOutcome(ctx, { id: repo.id, status: 'unknown' }, e,
        `repository ${label} (id ${repo.id}) may have been scheduled for deletion`, `glcr repos ${shown(ctx.args[0])}`);
    }
    const row = { id: result.id, status: String(result.status).toLowerCase() };
    emit(ctx, row, () => `Repository ${label} (id ${row.id}): ${shown(row.status)}`);
    return 0;
  },
};
