// Pull Image: `docker pull <ref>` in an integrated terminal. docker runs as the terminal's process with the
// validated reference as one argument: no shell parses a line built from a server string.
import * as vscode from 'vscode';
import { checkedReference } from '../../core/registry/pullCommand';
import { handleError } from '../errors';
import type { CommandContext } from './context';
import { tagTarget } from './tagTarget';

export async function pullImage(ctx: CommandContext, node?: unknown): Promise<string[] | undefined> {
  try {
    const target = await tagTarget(ctx, node);
    if (!target) return undefined;
    const args = ['pull', checkedReference(target.location)];
    ctx.log.info(`Pull Image: docker ${args.join(' ')}`);
    ctx.ui.runInTerminal(`docker pull ${target.name}`, 'docker', args);
    return args;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Pulling the image failed'), err);
    return undefined;
  }
}
