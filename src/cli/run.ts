// The CLI without the process: parses argv, finds the command, builds its context and turns every error
// into one line on stderr and an exit code. main.ts wires it to the real process (signals, exit).
import { AccountRegistry, ManifestStore, createRegistryApi } from '../core';
import type { Credential as GitLabCredential } from '../core/types';
import type { StorageAccess } from '../core/repositoryStorage';
import { GitLabError, UsageError } from '../core/errors';
import type { RegistryApi } from '../core/registryApi';
import type { Logger } from '../core/types';
import { GLOBAL_OPTIONS, buildOptionTable, checkArgs, matchCommand, parseArgv, printable } from './args';
import type { CliContext, Command } from './command';
import { COMMANDS } from './commands';
import { commandHelp, generalHelp } from './help';
import { parseConcurrency, resolveCredential, resolveInstanceUrl } from './settings';

/** package.json's version; esbuild inlines the literal require into dist/cli.js. */
export const VERSION: string = readVersion();

function readVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0-dev'; // compiled test output (out/) has no package.json beside it
  }
}

export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** Raw writers: text is written as given (run() adds the newlines). */
  writeStdout(text: string): void;
  writeStderr(text: string): void;
  readStdin(): Promise<string>;
  signal: AbortSignal;
}

const MASK = '[REDACTED]';

/** Runs one glcr invocation and resolves to its exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly Command[] = COMMANDS): Promise<number> {
  const secrets = new Set<string>();
  const mask = (text: string): string => {
    let t = text;
    for (const s of secrets) t = t.split(s).join(MASK);
    return t;
  };
  const out = (text: string): void => io.writeStdout(`${mask(text)}\n`);
  const err = (text: string): void => io.writeStderr(`${mask(text)}\n`);
  let credentialSource = 'none';
  // Secrets known from the start; --token-file's content and --password-stdin are added when read.
  for (const name of ['GITLAB_TOKEN', 'CI_JOB_TOKEN', 'CI_REGISTRY_PASSWORD']) {
    const value = io.env[name]?.trim();
    if (value && value.length >= 4) secrets.add(value);
  }

  try {
    const table = buildOptionTable(commands);
    const parsed = parseArgv(argv, table);
    const { flags, positionals } = parsed;

    if (flags.version === true) {
      out(VERSION);
      return 0;
    }
    if (positionals[0] === 'help' || flags.help === true) {
      const words = positionals[0] === 'help' ? positionals.slice(1) : positionals;
      if (words.length === 0 || (words.length === 1 && words[0] === 'help')) {
        out(generalHelp(commands, VERSION));
        return 0;
      }
      const c = matchCommand(commands, words);
      // `glcr help image`: the words begin a command (image rm) without naming it whole.
      const family = commands.filter((x) => words.length < x.words.length && words.every((w, k) => x.words[k] === w));
      if (!c && family.length === 0) throw unknownCommand(commands, words);
      out(c ? commandHelp(c) : family.map(commandHelp).join('\n\n'));
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('missing command (run glcr help for the list of commands)');

    const command = matchCommand(commands, positionals);
    if (!command) throw unknownCommand(commands, positionals);
    for (const name of parsed.given) {
      if (GLOBAL_OPTIONS.some((o) => o.name === name) || command.options.some((o) => o.name === name)) continue;
      throw new UsageError(`option --${name} does not apply to glcr ${command.words.join(' ')} — usage: ${command.usage}`);
    }
    const args = positionals.slice(command.words.length);
    checkArgs(command, args);
    const concurrency = parseConcurrency(flags.concurrency);
    const verbose = flags.verbose === true;

    const say = (prefix: string) => (m: string): void => {
      if (verbose) err(`glcr: ${prefix}${m}`);
    };
    const log: Logger = { debug: say(''), info: say(''), warn: say('warning: '), error: say('') };

    let api: RegistryApi | undefined;
    const addSecret = (s: string): void => {
      if (s.length >= 4) secrets.add(s);
    };
    let resolved: { baseUrl: string; credential?: GitLabCredential } | undefined;
    const account = (): { baseUrl: string; credential?: GitLabCredential } => {
      if (resolved) return resolved;
      const baseUrl = resolveInstanceUrl(flags, io.env);
      const cred = resolveCredential(flags, io.env);
      credentialSource = cred.source;
      if (cred.credential) addSecret(cred.credential.value);
      resolved = { baseUrl, credential: cred.credential };
      return resolved;
    };
    let storage: StorageAccess | undefined;
    const ctx: CliContext = {
      args,
      flags,
      json: flags.json === true,
      verbose,
      concurrency,
      env: io.env,
      signal: io.signal,
      stdout: out,
      stderr: err,
      readStdin: io.readStdin,
      addSecret,
      log,
      api: () => {
        if (api) return api;
        const { baseUrl, credential } = account();
        api = createRegistryApi({
          baseUrl,
          credential,
          concurrency,
          allowHttp: flags['allow-http'] === true,
          log,
          userAgent: `glcr/${VERSION}`,
        });
        return api;
      },
      storage: (cacheDir) => {
        if (storage) return storage;
        const { baseUrl, credential } = account();
        storage = {
          registry: new AccountRegistry({ baseUrl, credential, allowHttp: flags['allow-http'] === true, log, userAgent: `glcr/${VERSION}` }),
          store: new ManifestStore({ dir: cacheDir, concurrency: concurrency ?? 8 }),
        };
        return storage;
      },
    };
    return await command.run(ctx);
  } catch (e) {
    const { line, code } = describeError(e, credentialSource, io.signal.aborted);
    err(line);
    return code;
  }
}

function unknownCommand(commands: readonly Command[], words: readonly string[]): UsageError {
  const prefix = commands.filter((c) => c.words[0] === words[0]);
  if (prefix.length > 0) {
    const options = prefix.map((c) => `glcr ${c.words.join(' ')}`).join(', ');
    return new UsageError(`unknown command "${printable(words.slice(0, 2).join(' '))}" — did you mean: ${options}?`);
  }
  return new UsageError(`unknown command "${printable(words[0])}" (run glcr help for the list of commands)`);
}

/** One line for stderr (prefixed `glcr: `, no stack) and the exit code for any error. */
export function describeError(e: unknown, credentialSource: string, interrupted: boolean): { line: string; code: number } {
  const oneLine = (s: string): string => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  if (e instanceof UsageError) return { line: `glcr: ${oneLine(e.message)}`, code: 2 };
  if (e instanceof GitLabError) {
    if (e.kind === 'cancelled') return { line: 'glcr: interrupted', code: 1 };
    return { line: `glcr: ${oneLine(e.message)}${gitLabHint(e, credentialSource)}`, code: 1 };
  }
  if (e instanceof Error && e.name === 'RegistryError') {
    if ((e as { kind?: string }).kind === 'cancelled') return { line: 'glcr: interrupted', code: 1 };
    return { line: `glcr: ${oneLine(e.message)}`, code: 1 };
  }
  if (e instanceof Error && e.name === 'UsageError') return { line: `glcr: ${oneLine(e.message)}`, code: 2 };
  if (interrupted || (e instanceof Error && e.name === 'AbortError')) return { line: 'glcr: interrupted', code: 1 };
  const message = e instanceof Error ? e.message : String(e);
  return { line: `glcr: unexpected error: ${oneLine(message)}`, code: 1 };
}

/** A short hint after GitLab's message where the next step is not obvious from it. */
export function gitLabHint(e: GitLabError, credentialSource: string): string {
  switch (e.kind) {
    case 'unauthorized':
      if (credentialSource === 'CI_JOB_TOKEN') {
        return ' (a CI job token only opens its own project\'s /registry endpoints)';
      }
      return credentialSource === 'none'
        ? ' (no token given: use --token-file PATH, GITLAB_TOKEN or CI_JOB_TOKEN)'
        : ` (the token from ${credentialSource} was not accepted)`;
    case 'token_expired':
    case 'token_revoked':
      return ` (token from ${credentialSource})`;
    case 'insufficient_scope': {
      const scope = e.details.requiredScope ?? 'api';
      return ` (insufficient_scope: the token needs the "${scope}" scope)`;
    }
    case 'not_found':
      return credentialSource === 'none' ? ' (no token given: private projects look missing to anonymous requests)' : '';
    default:
      return '';
  }
}
