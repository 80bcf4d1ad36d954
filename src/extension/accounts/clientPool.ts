import * as vscode from 'vscode';
import { createRegistryApi } from '../../core';
import { parseImageRef, RegistryClient } from '../../core/registry';
import type { RegistryApi } from '../../core/registryApi';
import { concurrencySetting } from '../settings';
import type { Log } from '../log';
import type { Account } from './account';
import type { AccountStore } from './accountStore';

/** One RegistryApi per account and token, rebuilt when the token or the concurrency setting changes. */
export class ClientPool {
  private readonly clients = new Map<string, { token: string; concurrency: number; api: RegistryApi }>();

  constructor(private readonly store: AccountStore, private readonly log: Log, private readonly userAgent: string) {}

  /** The one way a command or the tree gets a client: by account id (throws once the account is removed). */
  api(accountId: string): RegistryApi {
    const account = this.store.get(accountId);
    if (!account) throw new Error(vscode.l10n.t('The account was removed.'));
    return this.forAccount(account);
  }

  private forAccount(account: Account): RegistryApi {
    const token = this.store.token(account.id);
    if (token === undefined) throw new Error(`No token stored for ${account.id}.`);
    const concurrency = concurrencySetting();
    const cached = this.clients.get(account.id);
    if (cached && cached.token === token && cached.concurrency === concurrency) return cached.api;
    const api = this.create(account.instanceUrl, token, account.allowHttp, concurrency);
    this.clients.set(account.id, { token, concurrency, api });
    return api;
  }

  /**
   * A Registry V2 client for one repository (its `location`) with the account's token: the token goes only
   * to a token service on the GitLab instance or the registry's host (/jwt/auth), the registry sees only
   * the bearer token. (Superseded by the storage foundation's registry access when that lands.)
   */
  registry(accountId: string, location: string, actions: string[]): RegistryClient {
    const account = this.store.get(accountId);
    if (!account) throw new Error(vscode.l10n.t('The account was removed.'));
    const token = this.store.token(account.id);
    if (token === undefined) throw new Error(`No token stored for ${account.id}.`);
    const ref = parseImageRef(`${location}:latest`);
    return new RegistryClient({
      registry: ref.registry, hostname: ref.hostname, repository: ref.repository, username: account.username || 'glcr', password: token,
      plainHttp: account.allowHttp, trustedRealmOrigins: [new URL(account.instanceUrl).origin], actions,
      log: this.log,
    });
  }

  /** A throwaway client for checking a token before it is saved. */
  create(instanceUrl: string, token: string, allowHttp: boolean, concurrency = concurrencySetting()): RegistryApi {
    return createRegistryApi({
      baseUrl: instanceUrl,
      credential: { kind: 'private', value: token },
      allowHttp,
      concurrency,
      log: this.log,
      userAgent: this.userAgent,
    });
  }

  invalidate(accountId?: string): void {
    if (accountId === undefined) this.clients.clear();
    else this.clients.delete(accountId);
  }
}
