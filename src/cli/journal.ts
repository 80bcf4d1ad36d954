// --journal FILE for the deleting commands: before anything is deleted, each tag's manifest is appended to
// the journal (see core/restore/journal.ts) so `glcr restore` can put it back until garbage collection runs.
// A tag whose manifest cannot be read stops the command (nothing deleted) unless --no-journal accepts that
// it will not be restorable.
import { RegistryError } from '../core/registry';
import type { ManifestContent } from '../core/registry';
import { appendRecords, makeRecord, newOperationId } from '../core/restore';
import type { CliContext, CommandOption } from './command';
import { shown } from './output';

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
