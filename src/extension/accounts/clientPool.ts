import * as vscode from 'vscode';
import { createRegistryApi } from '../../core';
import type { RegistryApi } from '../../core/registryApi';
import { Settings } from '../commandIds';
import type { Log } from '../log';
import type { Account } from './account';
import type { AccountStore } from './accountStore';

export function concurrencySetting(): number {
  const n = vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.concurrency, 8);
  return Math.max(1, Math.min(32, Math.floor(n)));
}

export function pageSizeSetting(): number {
  const n = vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.pageSize, 100);
  return Math.max(1, Math.min(100, Math.floor(n)));
}

/** One RegistryApi per account and token, rebuilt when the token or the concurrency setting changes. */
export class ClientPool {
  private readonly clients = new Map<string, { token: string; concurrency: number; api: RegistryApi }>();

  constructor(private readonly store: AccountStore, private readonly log: Log, private readonly userAgent: string) {}

  forAccount(account: Account): RegistryApi {
    const token = this.store.token(account.id);
    if (token === undefined) throw new Error(`No token stored for ${account.id}.`);
    const concurrency = concurrencySetting();
    const cached = this.clients.get(account.id);
    if (cached && cached.token === token && cached.concurrency === concurrency) return cached.api;
    const api = this.create(account.instanceUrl, token, account.allowHttp, concurrency);
    this.clients.set(account.id, { token, concurrency, api });
    return api;
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
