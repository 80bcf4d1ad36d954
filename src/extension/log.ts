import * as vscode from 'vscode';
import type { Logger } from '../core/types';

/** The extension's one LogOutputChannel. Nothing logged here ever contains a token. */
export class Log implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('GitLab Container Registry', { log: true });
  }

  debug(message: string): void { this.channel.debug(message); }
  info(message: string): void { this.channel.info(message); }
  warn(message: string): void { this.channel.warn(message); }
  error(message: string): void { this.channel.error(message); }
  show(): void { this.channel.show(true); }
  dispose(): void { this.channel.dispose(); }
}
