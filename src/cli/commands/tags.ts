import type { Command } from '../command';
import { emit, formatBytes, formatTable, sortBy } from '../output';
import { readProjectProtection, readRepositoryTagVerdicts, tagProtection, verdictJson, verdictLabel, type Verdict } from '../../core/protection';
import { resolveArgs } from '../resolve';

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
    'created_at is ISO 8601 UTC with milliseconds, total_size a number of bytes (null when GitLab has none).\n' +
    'Every entry also has "deletable": true | false | null (null: the protection rules could not be read, e.g.\n' +
    'below Maintainer) and, when false, "protection": {"reason":"protected"|"immutable","rule","needs"}.',
  async run(ctx) {
    const { api, project, repo } = await resolveArgs(ctx);
    if (ctx.flags.details === true) {
      const known = await readProjectProtection(api, project);
      const protection = tagProtection(known.tagRules, known.accessLevel);
      const details = await api.listTagDetails(project, repo.id, undefined, { signal: ctx.signal });
      // Below Maintainer the rules are not readable: each tag's GraphQL levels (in these details) decide.
      const levels = new Map(details.map((t) => [t.name, t.protection]));
      const protectionOf = (name: string) => protectionFields(protection.decide(name, levels.get(name)));
      const rows = sortBy(
        details.map((t) => ({
          name: t.name,
          location: t.location,
          digest: t.digest ?? null,
          created_at: t.created_at ?? null,
          total_size: t.total_size ?? null,
          ...protectionOf(t.name),
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
              ...protectedColumn(rows),
            ]),
      );
      return 0;
    }
    // The rules, or below Maintainer each tag's GraphQL levels (core decides which), beside the names.
    const [tags, verdicts] = await Promise.all([
      api.listAllTags(project, repo.id, { signal: ctx.signal }),
      readRepositoryTagVerdicts(api, project, repo.id, { signal: ctx.signal }),
    ]);
    const protectionOf = (name: string) => protectionFields(verdicts.decide(name));
    const rows = sortBy(tags.map((t) => ({ name: t.name, location: t.location, ...protectionOf(t.name) })), (t) => t.name);
    emit(ctx, rows, () =>
      rows.length === 0
        ? 'No tags.'
        : formatTable(rows, [
            { header: 'TAG', get: (t) => t.name },
            { header: 'LOCATION', get: (t) => t.location },
            ...protectedColumn(rows),
          ]),
    );
    return 0;
  },
};

type ProtectionFields = { deletable: boolean | null; protection?: ReturnType<typeof verdictJson> };

function protectionFields(v: Verdict): ProtectionFields {
  const json = verdictJson(v);
  return json ? { deletable: false, protection: json } : { deletable: v.deletable };
}

/** A PROTECTED column, only when some tag is protected (the table stays as it was otherwise). */
function protectedColumn<T extends ProtectionFields>(rows: readonly T[]): Array<{ header: string; get: (t: T) => string | null }> {
  if (!rows.some((r) => r.deletable === false)) return [];
  return [{ header: 'PROTECTED', get: (t) => (t.protection ? verdictLabel({ deletable: false, ...t.protection }) ?? null : null) }];
}
