// `glcr restore`: puts deleted tags back from a journal written by `glcr rm|bulk|image rm --journal FILE`,
// by pushing the saved manifest bytes under the tag again. Works until garbage collection removes the data.
import { UsageError } from '../../core/errors';
import { AccountRegistry, type RegistryClient } from '../../core/registry';
import { appendMarks, readJournal, restoreEntries, type JournalEntry } from '../../core/restore';
import type { CliContext, Command } from '../command';
import { emit, plural, shown } from '../output';
import { resolveCredential, resolveInstanceUrl } from '../settings';
import { registryLoginOptions, registryUser, stdinPassword } from '../registryLogin';
import { stringFlag } from './shared';

export const restoreCommand: Command = {
  words: ['restore'],
  usage: 'glcr restore --journal FILE [--tag NAME]... [--force] [-u USER --password-stdin] [--plain-http]',
  summary: 'put deleted tags back from a journal (until garbage collection runs)',
  args: [],
  options: [
    { name: 'journal', type: 'string', value: 'FILE', description: 'the journal written by --journal FILE when deleting' },
    { name: 'tag', type: 'multi', value: 'NAME', description: 'restore only this tag (repeatable); default: every tag not restored yet' },
    { name: 'force', type: 'boolean', description: 'overwrite a tag that exists again and points at another image' },
    ...registryLoginOptions('else the GitLab token'),
  ],
  details:
    'Each tag gets the newest record of it in the journal. A tag that exists again and points at another image\n' +
    'is skipped unless --force. After garbage collection a tag "cannot be restored: garbage collection has\n' +
    'already removed this image\'s data", and its record is marked so. Restoring needs push (Developer role).\n' +
    'Credentials: -u USER --password-stdin, else the GitLab token (--token-file, $GITLAB_TOKEN, $CI_JOB_TOKEN),\n' +
    'sent only to a token service on the registry\'s host or on the GitLab instance (--url, $GITLAB_URL, ...).\n' +
    'JSON: {"restored":[{"location","tag","digest"}],"failed":[{"tag","error"}],"skipped":[{"tag","reason"}]}.\n' +
    'Exit 0 when every chosen tag was restored, 1 otherwise, 2 on bad usage.',
  async run(ctx) {
    const file = stringFlag(ctx, 'journal');
    if (!file) throw new UsageError('glcr restore needs --journal FILE');
    const wanted = ((ctx.flags.tag as string[] | undefined) ?? []).filter((t) => t !== '');
    const registry = await registryAccess(ctx);

    let entries: JournalEntry[];
    try {
      entries = readJournal(file);
    } catch (e) {
      throw new UsageError(`cannot read --journal ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const chosen = choose(entries, wanted);
    const missing = wanted.filter((t) => !chosen.some((e) => e.tag === t));
    if (chosen.length === 0 && missing.length === 0) {
      ctx.stderr(`glcr: nothing to restore: ${shown(file)} holds no deleted tag that was not restored yet`);
    }

    const writerFor = (e: JournalEntry): RegistryClient => registry.client(e.location, ['pull', 'push']);
    const { report, marks } = await restoreEntries(chosen, writerFor, { force: ctx.flags.force === true, signal: ctx.signal });
    appendMarks(file, marks);
    for (const t of missing) report.failed.push({ tag: t, error: 'no record of this tag in the journal' });
    for (const f of report.failed) ctx.stderr(`glcr: tag "${shown(f.tag)}" not restored: ${shown(f.error)}`);
    for (const s of report.skipped) ctx.stderr(`glcr: tag "${shown(s.tag)}" skipped: ${shown(s.reason)}`);
    emit(ctx, report, () => [
      `Restored ${report.restored.length} of ${plural(chosen.length + missing.length, 'tag')}.`,
      ...report.restored.map((r) => `  restored  ${shown(r.location)}:${shown(r.tag)}  ${r.digest}`),
    ].join('\n'));
    return report.failed.length === 0 && report.skipped.length === 0 && chosen.length > 0 ? 0 : 1;
  },
};

/** The newest record of each named tag; without names, the newest record of every tag not restored yet. */
function choose(entries: JournalEntry[], wanted: string[]): JournalEntry[] {
  const newest = new Map<string, JournalEntry>();
  for (const e of entries) newest.set(`${e.location}:${e.tag}`, e); // file order: later wins
  const all = [...newest.values()];
  return wanted.length > 0 ? all.filter((e) => wanted.includes(e.tag)) : all.filter((e) => !e.restoredAt);
}

/**
 * The account's registry access (the GitLab token, --token-file, $GITLAB_TOKEN, $CI_JOB_TOKEN, sent only to the
 * GitLab instance's token service); with -u USER --password-stdin or --plain-http, one for those.
 */
async function registryAccess(ctx: CliContext): Promise<AccountRegistry> {
  const username = registryUser(ctx);
  const plainHttp = ctx.flags['plain-http'] === true;
  if (username === undefined && !plainHttp) return ctx.storage(undefined).registry;
  const credential = username !== undefined
    ? { kind: 'private' as const, value: await stdinPassword(ctx) }
    : resolveCredential(ctx.flags, ctx.env).credential;
  if (credential) ctx.addSecret(credential.value);
  return new AccountRegistry({
    baseUrl: resolveInstanceUrl(ctx.flags, ctx.env), credential, username, allowHttp: plainHttp || ctx.flags['allow-http'] === true, log: ctx.log,
  });
}
