import type { RegistryApi } from '../core/registryApi';
import type { Logger } from '../core/types';
import type { StorageAccess } from '../core/repositoryStorage';

// The shape of one `glcr` command. main.ts parses options (which may stand before or after the command),
// looks the command up in the table in commands/index.ts and calls run(). Commands print through the
// context so that --json output stays machine-readable and errors go to stderr as one line each.
//
// Adding a command: write src/cli/commands/<name>.ts exporting one `Command`, add it to COMMANDS in
// commands/index.ts. The parser, `glcr help`, `glcr help <command>` and the unknown-option check all
// read the table; nothing else needs to change.

export type FlagValue = string | boolean | string[];

export interface CliContext {
  /** Positional arguments after the command words (e.g. for `glcr tags P R`: ['P', 'R']). */
  args: string[];
  /** Options by long name (without dashes): booleans `true`, strings as given, `multi` as arrays. */
  flags: Record<string, FlagValue | undefined>;
  json: boolean;
  verbose: boolean;
  /** --concurrency, when given (validated: a whole number 1..64). */
  concurrency?: number;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT: stop sending, report what was done. */
  signal: AbortSignal;
  /** Writes to standard output / error (a newline is added). Known secrets are masked. */
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads all of standard input (for --password-stdin). */
  readStdin(): Promise<string>;
  /** Registers a secret (token, password) so that it is masked in anything printed. */
  addSecret(secret: string): void;
  /** Request lines for --verbose (stderr); silent otherwise. Never carries a token. */
  log: Logger;
  /** The GitLab API client for --url / GITLAB_URL / CI_SERVER_URL with the resolved credential. */
  api(): RegistryApi;
  /** Registry access and the manifest store for the same account (cacheDir undefined: memory only). */
  storage(cacheDir: string | undefined): StorageAccess;
}

export interface CommandOption {
  name: string;           // without leading dashes, e.g. 'details'
  type: 'boolean' | 'string' | 'multi';
  short?: string;         // e.g. 'u'
  /** Placeholder in help, e.g. 'REGEX' (string and multi options). */
  value?: string;
  description: string;
}

export interface CommandArg {
  name: string;           // e.g. 'project'
  /** Takes every remaining argument (at least one unless also optional). */
  variadic?: boolean;
  optional?: boolean;
}

export interface Command {
  /** Command words, e.g. ['tags'] or ['image', 'rm'] or ['policy', 'set']. */
  words: string[];
  usage: string;          // e.g. 'glcr tags <project> <repo> [--details]'
  summary: string;
  /** Positional arguments; main checks their count (missing/extra → exit 2) before run(). */
  args: CommandArg[];
  options: CommandOption[];
  /** Extra help text (what the output looks like, exit codes particular to the command). */
  details?: string;
  /** Returns the exit code: 0 done, 1 failed or partly failed, 2 bad usage (nothing sent). */
  run(ctx: CliContext): Promise<number>;
}
