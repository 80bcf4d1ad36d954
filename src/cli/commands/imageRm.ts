// `glcr image rm`: removes a tag (or, with --digest, the manifest and every tag on it) through the
// registry's own V2 API instead of GitLab's REST API; the work is done by core/registry's removeImage.
import { RegistryError, isSameRegistry, parseImageRef, removeImage, type ImageRmResult } from '../../core/registry';
import type { CliContext, Command } from '../command';
import { setCriticalSection } from '../criticalSection';
import { emit } from '../output';
import { resolveInstanceUrl } from '../settings';
import { JOURNAL_OPTIONS, journalFile, writeJournal } from '../journal';
import { registryLoginOptions, registryUser, stdinPassword } from '../registryLogin';
import { YES_OPTION, requireYes } from './shared';

export const imageRmCommand: Command = {
  words: ['image', 'rm'],
  usage: 'glcr image rm <registry>/<path>:<tag> --yes [--digest] [-u USER --password-stdin] [--plain-http] [--journal FILE [--no-journal]]',
  summary: 'remove an image tag through the registry V2 API (like regctl tag rm)',
  args: [{ name: 'reference' }],
  options: [
    YES_OPTION,
    { name: 'digest', type: 'boolean', description: 'delete the manifest by digest: removes every tag pointing at it' },
    ...registryLoginOptions('else $CI_REGISTRY_USER for $CI_REGISTRY'),
    ...JOURNAL_OPTIONS,
  ],
  details:
    'Without --yes nothing is sent (exit 2); --digest needs --yes too.\n' +
    'Credentials: -u USER --password-stdin; else $CI_REGISTRY_USER / $CI_REGISTRY_PASSWORD, but only when the\n' +
    'image is on $CI_REGISTRY (host[:port], case-insensitive); else anonymous. The password goes to the\n' +
    'registry\'s token service only when that is on the registry\'s host or on the GitLab instance (--url,\n' +
    '$GITLAB_URL, $CI_SERVER_URL, else https://gitlab.com).\n' +
    'If the registry cannot delete a tag by name, the tag is pointed at a throwaway manifest that is then\n' +
    'deleted; on any doubt glcr looks at the tag and finishes or restores it, and says which. Ctrl-C in that\n' +
    'step restores the tag.\n' +
    'With --journal FILE each removed tag\'s manifest is recorded first (glcr restore puts it back until garbage\n' +
    'collection runs).\n' +
    'JSON: {"removed","mode":"tag"|"digest","also_removed":[…]}.',
  async run(ctx) {
    const username = registryUser(ctx);
    const ref = parseImageRef(ctx.args[0]);
    requireYes(ctx, ref.digest || ctx.flags.digest === true ? 'a manifest and every tag on it' : `tag "${ref.tag ?? ''}"`);
    const trustedRealmOrigins = [new URL(resolveInstanceUrl(ctx.flags, ctx.env)).origin];

    let user: string | undefined;
    let password: string | undefined;
    let skippedCi = '';
    if (username !== undefined) {
      user = username;
      password = await stdinPassword(ctx);
    } else {
      const ci = ciCredentials(ctx, ref.registry);
      ({ user, password } = ci);
      skippedCi = ci.skipped;
    }
    if (password !== undefined) ctx.addSecret(password);

    const journal = journalFile(ctx);
    let result: ImageRmResult;
    try {
      result = await removeImage({
        reference: ctx.args[0],
        digestMode: ctx.flags.digest === true,
        username: user,
        password,
        plainHttp: ctx.flags['plain-http'] === true,
        trustedRealmOrigins,
        log: ctx.log,
        signal: ctx.signal,
        onCriticalSection: setCriticalSection,
        beforeDelete: journal === undefined ? undefined : async (tags, client) => writeJournal(ctx, journal, tags, {
          instance: client.origin, project: '', repositoryPath: client.repository, location: client.name,
        }),
      });
    } catch (e) {
      if (!(e instanceof RegistryError)) throw e;
      if (e.kind === 'credentials' && skippedCi) {
        throw new RegistryError(e.kind, `${e.message} (${skippedCi})`, e.status, e.code);
      }
      // An interrupt that had to settle the tag says in which state it left it.
      if (e.kind === 'cancelled' && e.message !== 'cancelled') {
        ctx.stderr(`glcr: ${e.message}`);
        return 1;
      }
      throw e;
    }
    const row = { removed: result.removed, mode: result.mode, also_removed: [...result.also_removed] };
    emit(ctx, row, () => {
      const lines = [`Removed ${row.removed} (${row.mode === 'digest' ? 'by digest' : 'tag only'}).`];
      if (row.also_removed.length > 0) lines.push(`Also removed (same manifest): ${row.also_removed.join(', ')}`);
      return lines.join('\n');
    });
    return 0;
  },
};

/**
 * The job's CI_REGISTRY_USER / CI_REGISTRY_PASSWORD, only for the job's own registry ($CI_REGISTRY): a
 * mistyped or hostile reference must not receive the job token. `skipped` says why they were not used.
 */
function ciCredentials(ctx: CliContext, registry: string): { user?: string; password?: string; skipped: string } {
  const user = ctx.env.CI_REGISTRY_USER;
  const password = ctx.env.CI_REGISTRY_PASSWORD;
  if (!user || !password) return { skipped: '' };
  const ci = ctx.env.CI_REGISTRY;
  if (isSameRegistry(registry, ci)) return { user, password, skipped: '' };
  const why = ci?.trim()
    ? `the image is on ${registry}, not on $CI_REGISTRY (${ci.trim().slice(0, 100)})`
    : '$CI_REGISTRY is not set';
  return { skipped: `CI_REGISTRY_USER / CI_REGISTRY_PASSWORD were not sent: they are used only for $CI_REGISTRY, and ${why}; pass -u USER --password-stdin` };
}

/** Like docker login --password-stdin: strips one trailing "\n" (and then one "\r"). */
