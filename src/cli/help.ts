// Usage text, generated from the command table so that a new command documents itself.
import { GLOBAL_OPTIONS } from './args';
import type { Command, CommandOption } from './command';

function optionLine(o: CommandOption): string {
  const names = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.type !== 'boolean' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  return `  ${names.padEnd(30)} ${o.description}`;
}

export function generalHelp(commands: readonly Command[], version: string): string {
  const width = commands.reduce((w, c) => Math.max(w, c.words.join(' ').length), 0);
  return [
    `glcr ${version} — browse and delete GitLab Container Registry images`,
    '',
    'Usage: glcr <command> [arguments] [options]   (options may also come before the command)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  print this text, or \`glcr help <command>\` for one command`,
    '',
    'Options for every command:',
    ...GLOBAL_OPTIONS.map(optionLine),
    '',
    'Arguments: <project> is a numeric id or a full path (group/sub/project); <repo> is a numeric id,',
    'the repository name ("." for the root image) or its full path.',
    '',
    'Exit codes: 0 done; 1 the operation failed or partly failed; 2 bad usage or input (nothing sent).',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  const lines = [`Usage: ${c.usage}`, '', c.summary];
  if (c.details) lines.push('', c.details);
  if (c.options.length > 0) lines.push('', 'Options:', ...c.options.map(optionLine));
  lines.push('', 'Options for every command:', ...GLOBAL_OPTIONS.map(optionLine));
  return lines.join('\n');
}
