// Command-line parsing. Options may stand before or after the command words, so parsing needs every
// option's type up front: the global options plus the union of all commands' options (the table test
// checks that no two commands give one name different types). Which options a command accepts is
// checked afterwards, once the command is known.
import { UsageError } from '../core/errors';
import type { Command, CommandOption, FlagValue } from './command';

/** Options every command accepts. */
export const GLOBAL_OPTIONS: CommandOption[] = [
  { name: 'url', type: 'string', value: 'URL', description: 'GitLab instance (else $GITLAB_URL, $CI_SERVER_URL, https://gitlab.com)' },
  { name: 'token-file', type: 'string', value: 'PATH', description: 'read the access token from this file (else $GITLAB_TOKEN, $CI_JOB_TOKEN)' },
  { name: 'json', type: 'boolean', description: 'print machine-readable JSON on stdout' },
  { name: 'concurrency', type: 'string', value: 'N', description: 'requests in flight for per-tag work (1-64, default 8)' },
  { name: 'allow-http', type: 'boolean', description: 'permit plain http:// to a host that is not loopback (token in clear text)' },
  { name: 'verbose', type: 'boolean', description: 'print request lines (method, path, status, ms) on stderr' },
  { name: 'help', short: 'h', type: 'boolean', description: 'print usage' },
  { name: 'version', type: 'boolean', description: 'print the version' },
];

/** Options that must never exist: a secret given on the command line shows in the process list and shell history. */
const REFUSED_OPTIONS: Record<string, string> = {
  token: 'glcr takes no token on the command line (it would show in the process list): use --token-file PATH or the GITLAB_TOKEN environment variable',
  'private-token': 'glcr takes no token on the command line (it would show in the process list): use --token-file PATH or the GITLAB_TOKEN environment variable',
  password: 'glcr takes no password on the command line: use --password-stdin or the CI_REGISTRY_PASSWORD environment variable',
  p: 'glcr takes no password on the command line: use --password-stdin or the CI_REGISTRY_PASSWORD environment variable',
};

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, FlagValue>;
  /** Long names of the options given, in order (for the per-command check). */
  given: string[];
}

export interface OptionTable {
  long: Map<string, CommandOption>;
  short: Map<string, CommandOption>;
}

export function buildOptionTable(commands: readonly Command[]): OptionTable {
  const long = new Map<string, CommandOption>();
  const short = new Map<string, CommandOption>();
  const add = (o: CommandOption): void => {
    const prev = long.get(o.name);
    if (prev && (prev.type !== o.type || prev.short !== o.short)) {
      throw new Error(`option --${o.name} is declared with different types or short names`);
    }
    long.set(o.name, o);
    if (o.short) {
      const s = short.get(o.short);
      if (s && s.name !== o.name) throw new Error(`short option -${o.short} is used by --${s.name} and --${o.name}`);
      short.set(o.short, o);
    }
  };
  GLOBAL_OPTIONS.forEach(add);
  for (const c of commands) c.options.forEach(add);
  return { long, short };
}

/** Splits argv into positionals and options. Throws UsageError (exit 2) for malformed options. */
export function parseArgv(argv: readonly string[], table: OptionTable): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, FlagValue> = {};
  const given: string[] = [];
  let i = 0;

  const setValue = (opt: CommandOption, shown: string, value: string | undefined): void => {
    if (opt.type === 'boolean') {
      if (value !== undefined) throw new UsageError(`option ${shown} takes no value`);
      flags[opt.name] = true;
    } else {
      let v = value;
      if (v === undefined) {
        if (i >= argv.length) throw new UsageError(`option ${shown} needs a value${opt.value ? ` (${opt.value})` : ''}`);
        v = argv[i++];
      }
      if (opt.type === 'multi') {
        const prev = flags[opt.name];
        flags[opt.name] = Array.isArray(prev) ? [...prev, v] : [v];
      } else {
        if (typeof flags[opt.name] === 'string') throw new UsageError(`option ${shown} is given more than once`);
        flags[opt.name] = v;
      }
    }
    given.push(opt.name);
  };

  while (i < argv.length) {
    const arg = argv[i++];
    if (arg === '--') {
      for (; i < argv.length; i++) positionals.push(argv[i]); // not push(...): argv may hold 100,000+ tag names
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      const value = eq >= 0 ? arg.slice(eq + 1) : undefined;
      // Never echo `value`: it might be a secret typed in the wrong place.
      if (REFUSED_OPTIONS[name]) throw new UsageError(REFUSED_OPTIONS[name]);
      const opt = table.long.get(name);
      if (!opt) throw new UsageError(`unknown option --${printable(name)}${didYouMean(name, [...table.long.keys()])} (see glcr help)`);
      setValue(opt, `--${name}`, value);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const letter = arg.slice(1, 2);
      const rest = arg.length > 2 ? arg.slice(2) : undefined;
      if (REFUSED_OPTIONS[letter]) throw new UsageError(REFUSED_OPTIONS[letter]);
      const opt = table.short.get(letter);
      if (!opt) throw new UsageError(`unknown option -${printable(letter)} (see glcr help)`);
      // `-uNAME` is `-u NAME`; `-hx` is not supported.
      if (opt.type === 'boolean' && rest !== undefined) throw new UsageError(`unknown option ${printable(arg.split('=')[0])} (see glcr help)`);
      setValue(opt, `-${letter}`, rest);
      continue;
    }
    positionals.push(arg);
  }
  return { positionals, flags, given };
}

/** Edit distance (insert, delete, replace), bounded: names longer than 64 characters are not compared. */
function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** " — did you mean --details?" for the known option nearest to a mistyped one (at most 2 edits), else "". */
export function didYouMean(name: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` — did you mean --${best}?`;
}

/** Finds the command whose words begin the positionals (longest match first). */
export function matchCommand(commands: readonly Command[], positionals: readonly string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.words.length > positionals.length) continue;
    if (!c.words.every((w, k) => positionals[k] === w)) continue;
    if (!best || c.words.length > best.words.length) best = c;
  }
  return best;
}

/** Checks the positional count against the command's declared arguments. */
export function checkArgs(command: Command, args: readonly string[]): void {
  const hint = ` — usage: ${command.usage}`;
  let k = 0;
  for (const spec of command.args) {
    if (spec.variadic) {
      if (!spec.optional && args.length <= k) throw new UsageError(`missing argument <${spec.name}>${hint}`);
      k = args.length;
      break;
    }
    if (k >= args.length) {
      if (spec.optional) continue;
      throw new UsageError(`missing argument <${spec.name}>${hint}`);
    }
    if (args[k] === '') throw new UsageError(`argument <${spec.name}> is empty${hint}`);
    k++;
  }
  if (k < args.length) throw new UsageError(`unexpected argument "${printable(args[k])}"${hint}`);
}

/** Keeps a user-typed string on one printable line, shortened. */
export function printable(s: string): string {
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}
