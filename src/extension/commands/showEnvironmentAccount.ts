import * as vscode from 'vscode';
import { ContextKeys } from '../commandIds';
import type { CommandContext } from './context';

/** Brings back the environment account after "Remove Account" hid it. */
export async function showEnvironmentAccount(ctx: CommandContext): Promise<void> {
  await ctx.store.setEnvironmentHidden(false);
  await vscode.commands.executeCommand('setContext', ContextKeys.environmentAccountHidden, false);
}
