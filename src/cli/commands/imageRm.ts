// `glcr image rm`: removes a tag (or, with --digest, the manifest and every tag on it) through the
// registry's own V2 API instead of GitLab's REST API; the work is done by core/registry's removeImage.
import { UsageError } from '../../core/errors';
import { removeImage } from '../../core/registry';
import type { Command } from '../command';
import { emit } from '../output';
import { stringFlag } from './shared';

export const imageRmCommand: Command = {
  words: ['image', 'rm'],
  usage: 'glcr image rm <registry>/<path>:<tag> [--digest] [-u USER --password-stdin] [--plain-http]',
  summary: 'remove an image tag through the registry V2 API (like regctl tag rm)',
  args: [{ name: 'reference' }],
  options: [
    { name: 'digest', type: 'boolean', description: 'delete the manifest by digest: removes every tag pointing at it' },
    { name: 'username', short: 'u', type: 'string', value: 'USER', description: 'registry user (with --password-stdin; else $CI_REGISTRY_USER)' },
    { name: 'password-stdin', type: 'boolean', description: 'read the password or token from standard input (one trailing newline is stripped)' },
    { name: 'plain-http', type: 'boolean', description: 'speak plain http to the registry' },
  ],
  details:
    'Credentials: -u USER --password-stdin, else $CI_REGISTRY_USER / $CI_REGISTRY_PASSWORD, else anonymous.\n' +
    'JSON: {"removed","mode":"tag"|"digest","also_removed":[…]}.',
  async run(ctx) {
    const username = stringFlag(ctx, 'username');
    const fromStdin = ctx.flags['password-stdin'] === true;
    if (fromStdin && username === undefined) throw new UsageError('--password-stdin needs -u USER');
    if (username !== undefined && !fromStdin) {
      throw new UsageError('-u USER needs --password-stdin (glcr takes no password on the command line)');
    }
    if (username === '') throw new UsageError('-u needs a user name');

    let user: string | undefined;
    let password: string | undefined;
    if (fromStdin) {
      user = username;
      password = stripOneNewline(await ctx.readStdin());
      if (password === '') throw new UsageError('--password-stdin: standard input is empty');
    } else {
      const envUser = ctx.env.CI_REGISTRY_USER;
      const envPassword = ctx.env.CI_REGISTRY_PASSWORD;
      if (envUser && envPassword) {
        user = envUser;
        password = envPassword;
      }
    }
    if (password !== undefined) ctx.addSecret(password);

    const result = await removeImage({
      reference: ctx.args[0],
      digestMode: ctx.flags.digest === true,
      username: user,
      password,
      plainHttp: ctx.flags['plain-http'] === true,
      log: ctx.log,
      signal: ctx.signal,
    });
    const row = { removed: result.removed, mode: result.mode, also_removed: [...result.also_removed] };
    emit(ctx, row, () => {
      const lines = [`Removed ${row.removed} (${row.mode === 'digest' ? 'by digest' : 'tag only'}).`];
      if (row.also_removed.length > 0) lines.push(`Also removed (same manifest): ${row.also_removed.join(', ')}`);
      return lines.join('\n');
    });
    return 0;
  },
};

/** Like docker login --password-stdin: strips one trailing "\n" (and then one "\r"). */
export function stripOneNewline(text: string): string {
  let t = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (t.endsWith('\r')) t = t.slice(0, -1);
  return t;
}
