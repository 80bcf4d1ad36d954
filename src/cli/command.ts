import type { RegistryApi } from '../core/registryApi';

// The shape of one `glcr` command. main.ts parses options (which may stand before or after the command),
// looks the command up in the table in commands/index.ts and calls run(). Commands print through the
// context so that --json output stays machine-readable and errors go to stderr as one line each.

export type FlagValue = string | boolean | string[];

export interface CliContext {
  /** Positional arguments after the command words (e.g. for `glcr tags P R`: ['P', 'R']). */
  args: string[];
  flags: Record<string, FlagValue | undefined>;
  json: boolean;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT: stop sending, report what was done. */
  signal: AbortSignal;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads all of standard input (for --password-stdin). */
  readStdin(): Promise<string>;
  /** The GitLab API client for --url / GITLAB_URL / CI_SERVER_URL with the resolved credential. */
  api(): RegistryApi;
}

export interface CommandOption {
  name: string;           // without leading dashes, e.g. 'details'
  type: 'boolean' | 'string' | 'multi';
  short?: string;         // e.g. 'u'
  description: string;
}

export interface Command {
  /** Command words, e.g. ['tags'] or ['image', 'rm'] or ['policy', 'set']. */
  words: string[];
  usage: string;          // e.g. 'glcr tags <project> <repo> [--details]'
  summary: string;
  options: CommandOption[];
  /** Returns the exit code: 0 done, 1 failed or partly failed, 2 bad usage (nothing sent). */
  run(ctx: CliContext): Promise<number>;
}
