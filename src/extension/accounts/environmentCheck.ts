// The environment account ($GITLAB_TOKEN): its user and scopes, learned once per instance when the view
// first shows it; what went wrong is kept on the account as its problem.
import * as vscode from 'vscode';
import { accountFromCheck, missingScope } from './account';
import type { AccountStore } from './accountStore';
import type { ClientPool } from './clientPool';
import { describeError, isAuthError } from '../errors';
import type { Log } from '../log';

export class EnvironmentAccountCheck {
  private readonly checks = new Map<string, Promise<void>>();

  constructor(
    private readonly store: AccountStore, private readonly clients: ClientPool, private readonly log: Log,
    /** GitLab rejected the token (401): the account is marked as such. */
    private readonly unauthorized: (accountId: string, reason: string) => void,
  ) {}

  check(): Promise<void> {
    const env = this.store.environment;
    if (!env) return Promise.resolve();
    let p = this.checks.get(env.instanceUrl);
    if (!p) {
      p = (async () => {
        try {
          const check = await this.clients.create(env.instanceUrl, env.token, false).checkToken();
          const scope = missingScope(check);
          env.problem = scope ? vscode.l10n.t('The token lacks the "{0}" scope.', scope) : undefined;
          env.account = accountFromCheck(env.instanceUrl, check, false, 'environment');
          this.log.info(`Environment account: @${check.user.username} on ${env.instanceUrl}`);
        } catch (err) {
          env.problem = describeError(err);
          this.log.error(`Environment account on ${env.instanceUrl}: ${describeError(err)}`);
          if (isAuthError(err)) this.unauthorized(this.store.environmentAccount()!.id, describeError(err));
        }
      })();
      this.checks.set(env.instanceUrl, p);
    }
    return p;
  }

  /** Refresh: the next look checks again. */
  clear(): void {
    this.checks.clear();
  }
}
