import type { Command } from '../command';
import { emit, formatBytes, formatTable, sortBy } from '../output';
import { parseProjectRef, resolveRepository } from '../resolve';

export const tagsCommand: Command = {
  words: ['tags'],
  usage: 'glcr tags <project> <repo> [--details]',
  summary: 'list a repository\'s tags (all pages), sorted by name',
  args: [{ name: 'project' }, { name: 'repo' }],
  options: [
    { name: 'details', type: 'boolean', description: 'also digest, created_at and total_size: GraphQL pages of 20 tags; one REST request per tag only where GraphQL is unavailable' },
  ],
  details:
    'JSON: [{"name","location"}], with --details [{"name","location","digest","created_at","total_size"}];\n' +
    'created_at is ISO 8601 UTC with milliseconds, total_size a number of bytes (null when GitLab has none).',
  async run(ctx) {
    const api = ctx.api();
    const project = parseProjectRef(ctx.args[0]);
    const repo = await resolveRepository(api, project, ctx.args[1], ctx.signal);
    if (ctx.flags.details === true) {
      const details = await api.listTagDetails(project, repo.id, undefined, { signal: ctx.signal });
      const rows = sortBy(
        details.map((t) => ({
          name: t.name,
          location: t.location,
          digest: t.digest ?? null,
          created_at: t.created_at ?? null,
          total_size: t.total_size ?? null,
        })),
        (t) => t.name,
      );
      emit(ctx, rows, () =>
        rows.length === 0
          ? 'No tags.'
          : formatTable(rows, [
              { header: 'TAG', get: (t) => t.name },
              { header: 'DIGEST', get: (t) => (t.digest ? t.digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1') : null) },
              { header: 'CREATED', get: (t) => t.created_at },
              { header: 'SIZE', get: (t) => formatBytes(t.total_size), right: true },
              { header: 'LOCATION', get: (t) => t.location },
            ]),
      );
      return 0;
    }
    const tags = await api.listAllTags(project, repo.id, { signal: ctx.signal });
    const rows = sortBy(tags.map((t) => ({ name: t.name, location: t.location })), (t) => t.name);
    emit(ctx, rows, () =>
      rows.length === 0
        ? 'No tags.'
        : formatTable(rows, [
            { header: 'TAG', get: (t) => t.name },
            { header: 'LOCATION', get: (t) => t.location },
          ]),
    );
    return 0;
  },
};
