// -u USER --password-stdin [--plain-http]: explicit registry credentials for the commands that talk to a
// registry directly (glcr image rm, glcr restore). The password is never an argument: it is read from
// standard input and masked in everything printed from then on.
import { UsageError } from '../core/errors';
import type { CliContext, CommandOption } from './command';
import { stringFlag } from './commands/shared';

/** The three options; `userHelp` says what is used without -u. */
export function registryLoginOptions(userHelp: string): CommandOption[] {
  return [
    { name: 'username', short: 'u', type: 'string', value: 'USER', description: `registry user (with --password-stdin; ${userHelp})` },
    { name: 'password-stdin', type: 'boolean', description: 'read the password or token from standard input (one trailing newline is stripped)' },
    { name: 'plain-http', type: 'boolean', description: 'speak plain http to the registry' },
  ];
}

/** -u USER and --password-stdin go together (checked before anything is read or sent); the user, or undefined without them. */
export function registryUser(ctx: CliContext): string | undefined {
  const username = stringFlag(ctx, 'username');
  const fromStdin = ctx.flags['password-stdin'] === true;
  if (fromStdin && username === undefined) throw new UsageError('--password-stdin needs -u USER');
  if (username !== undefined && !fromStdin) {
    throw new UsageError('-u USER needs --password-stdin (glcr takes no password on the command line)');
  }
  if (username === '') throw new UsageError('-u needs a user name');
  return username;
}

/** The password from standard input, one trailing newline stripped; masked from now on. */
export async function stdinPassword(ctx: CliContext): Promise<string> {
  const password = stripOneNewline(await ctx.readStdin());
  if (password === '') throw new UsageError('--password-stdin: standard input is empty');
  ctx.addSecret(password);
  return password;
}

export function stripOneNewline(text: string): string {
  let t = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (t.endsWith('\r')) t = t.slice(0, -1);
  return t;
}
