// --journal FILE for the deleting commands: before anything is deleted, each tag's manifest is appended to
// the journal (see core/restore/journal.ts) so `glcr restore` can put it back until garbage collection runs.
// A tag whose manifest cannot be read stops the command (nothing deleted) unless --no-journal accepts that
// it will not be restorable.
import { mapLimit } from '../core/concurrency';
import { RegistryError } from '../core/registry';
import type { ManifestContent } from '../core/registry';
import { appendRecords, makeRecord, newOperationId, readStoredManifestsForJournal } from '../core/restore';
import type { CliContext, CommandOption } from './command';
import { shown } from './output';
import { manifestCacheDir } from './commands/storage';
import { resolveInstanceUrl } from './settings';

export const JOURNAL_OPTIONS: CommandOption[] = [
  { name: 'journal', type: 'string', value: 'FILE', description: 'record each tag\'s manifest before deleting it, for glcr restore (JSON lines, mode 0600)' },
  { name: 'no-journal', type: 'boolean', description: 'with --journal: delete tags whose manifest cannot be read anyway (they cannot be restored)' },
];

export interface JournalTarget {
  tag: string;
  manifest?: ManifestContent;
  unreadable?: string;
}

export interface JournalPlace {
  instance: string;
  project: string;
  repositoryPath: string;
  location: string;
}

export function journalFile(ctx: CliContext): string | undefined {
  const v = ctx.flags.journal;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Appends one operation's records; throws (exit 1, nothing deleted) when a manifest is unreadable and --no-journal was not given. */
export function writeJournal(ctx: CliContext, file: string, targets: JournalTarget[], place: JournalPlace): void {
  const unreadable = targets.filter((t) => !t.manifest);
  if (unreadable.length > 0 && ctx.flags['no-journal'] !== true) {
    const t = unreadable[0];
    throw new RegistryError('bad_response',
      `cannot record tag "${shown(t.tag)}" in the journal (${shown(t.unreadable ?? 'unreadable')}), so it could not be restored; ` +
        'nothing was deleted (add --no-journal to delete it anyway)');
  }
  for (const t of unreadable) ctx.stderr(`glcr: warning: tag "${shown(t.tag)}" is deleted without a journal record (${shown(t.unreadable ?? '')})`);
  const operation = newOperationId();
  const time = new Date();
  try {
    appendRecords(file, targets.flatMap((t) => t.manifest
      ? [makeRecord({ ...place, operation, tag: t.tag, digest: t.manifest.digest, mediaType: t.manifest.mediaType, bytes: t.manifest.bytes, time })]
      : []));
  } catch (e) {
    throw new RegistryError('bad_response', `cannot write the journal ${shown(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; nothing was deleted`);
  }
}

/**
 * Before `rm` / `bulk --yes` delete tags of a GitLab repository: read each manifest from the registry by
 * digest through the run's manifest store (each unique digest once, none that a size figure already read;
 * tags without a known digest are looked up by HEAD first) and append the records. No GitLab API request is made.
 */
export async function journalGitLabTags(
  ctx: CliContext, file: string, project: string, location: string, tags: { tag: string; digest: string | null }[],
): Promise<void> {
  if (tags.length === 0) return;
  const { registry, store } = ctx.storage(manifestCacheDir(ctx));
  const client = registry.client(location, ['pull']);
  const concurrency = ctx.concurrency ?? 8;
  const digests = new Map<string, string>();
  const unreadable = new Map<string, string>();
  let broken: string | undefined; // the first error answers for the rest: an unreachable registry is not asked per tag
  await mapLimit(tags, concurrency, async (t) => {
    if (t.digest) return void digests.set(t.tag, t.digest);
    if (broken !== undefined) return void unreadable.set(t.tag, broken);
    try {
      const info = await client.headManifest(t.tag);
      if (info) digests.set(t.tag, info.digest); // absent: nothing to record, and the deletion reports it missing
    } catch (e) {
      broken ??= (e as Error).message;
      unreadable.set(t.tag, broken);
    }
  });
  const known = [...digests].map(([tag, digest]) => ({ tag, digest }));
  const got = await readStoredManifestsForJournal(known, store, client, concurrency, ctx.signal);
  for (const u of got.unreadable) unreadable.set(u.tag, u.reason);
  for (const t of got.tags) digests.set(t.tag, t.digest);
  writeJournal(ctx, file, tags.filter((t) => digests.has(t.tag) || unreadable.has(t.tag)).map((t) => {
    const digest = digests.get(t.tag);
    const manifest = digest ? got.read.get(digest) : undefined;
    return manifest && !unreadable.has(t.tag) ? { tag: t.tag, manifest } : { tag: t.tag, unreadable: unreadable.get(t.tag) ?? 'unreadable' };
  }), { instance: resolveInstanceUrl(ctx.flags, ctx.env), project, repositoryPath: client.repository, location });
}
