// Copy Pull Command (`docker pull <ref>`) and Copy Reference by Digest (`<location>@sha256:…`), as GitLab's
// UI and the Container Tools extension offer them; the reference is validated first (core/registry/pullCommand).
import * as vscode from 'vscode';
import { digestReference, pullCommand } from '../../core/registry/pullCommand';
import { handleError } from '../errors';
import type { CommandContext } from './context';
import { tagDigest, tagTarget } from './tagTarget';

async function copy(ctx: CommandContext, text: string): Promise<string> {
  await vscode.env.clipboard.writeText(text);
  ctx.ui.status(vscode.l10n.t('Copied {0}', text));
  ctx.log.info(`Copied ${text}`);
  return text;
}

export async function copyPullCommand(ctx: CommandContext, node?: unknown): Promise<string | undefined> {
  try {
    const target = await tagTarget(ctx, node);
    return target && await copy(ctx, pullCommand(target.location));
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Copying the pull command failed'), err);
    return undefined;
  }
}

export async function copyReferenceByDigest(ctx: CommandContext, node?: unknown): Promise<string | undefined> {
  try {
    const target = await tagTarget(ctx, node);
    if (!target) return undefined;
    const digest = await tagDigest(ctx, target);
    if (!digest) return undefined;
    return await copy(ctx, digestReference(target.location, digest));
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Copying the reference by digest failed'), err);
    return undefined;
  }
}
