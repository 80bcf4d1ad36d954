import * as vscode from 'vscode';
import { stripControls } from '../../core/text';
import { handleError } from '../errors';
import type { CommandContext } from './context';
import { tagDigest, tagTarget } from './tagTarget';

/** Copies the tag's manifest digest (sha256:…), fetching the tag's details if the tree has not yet. */
export async function copyDigest(ctx: CommandContext, node?: unknown): Promise<string | undefined> {
  try {
    const target = await tagTarget(ctx, node);
    if (!target) return undefined;
    const found = await tagDigest(ctx, target);
    if (!found) return undefined;
    // A server string pasted into a terminal: no control character (a line break would run what follows).
    const digest = stripControls(found);
    await vscode.env.clipboard.writeText(digest);
    ctx.ui.status(vscode.l10n.t('Copied {0}', digest));
    return digest;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Copying the digest failed'), err);
    return undefined;
  }
}
