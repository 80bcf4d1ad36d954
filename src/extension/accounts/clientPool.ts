import * as vscode from 'vscode';
import { AccountRegistry, ManifestStore, createRegistryApi } from '../../core';
import type { StorageAccess } from '../../core/repositoryStorage';
import type { RegistryApi } from '../../core/registryApi';
import { concurrencySetting } from '../settings';
import type { Log } from '../log';
import type { Account } from './account';
import type { AccountStore } from './accountStore';

/** One RegistryApi per account and token, rebuilt when the token or the concurrency setting changes. */
export class ClientPool {
  private readonly clients = new Map<string, { token: string; concurrency: number; api: RegistryApi }>();
  private readonly registries = new Map<string, { token: string; registry: AccountRegistry }>();
  /** Manifests are content-addressed: one store (memory + disk under globalStorageUri) for every account. */
  private manifests?: ManifestStore;

  constructor(
    private readonly store: AccountStore, private readonly log: Log, private readonly userAgent: string,
    /** Directory of the manifest cache (the extension's globalStorageUri); none: memory only. */
    private readonly manifestCacheDir?: string,
  ) {}

  /** Registry access (token flow through the account's GitLab) and the manifest store, per account. */
  storage(accountId: string): StorageAccess {
    const account = this.store.get(accountId);
    if (!account) throw new Error(vscode.l10n.t('The account was removed.'));
    const token = this.store.token(account.id);
    if (token === undefined) throw new Error(`No token stored for ${account.id}.`);
    let entry = this.registries.get(account.id);
    if (!entry || entry.token !== token) {
      entry = {
        token,
        registry: new AccountRegistry({
          baseUrl: account.instanceUrl, credential: { kind: 'private', value: token }, allowHttp: account.allowHttp,
          log: this.log, userAgent: this.userAgent,
        }),
      };
      this.registries.set(account.id, entry);
    }
    this.manifests ??= new ManifestStore({ dir: this.manifestCacheDir, concurrency: concurrencySetting() });
    return { registry: entry.registry, store: this.manifests };
  }

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
    if (accountId === undefined) {
      this.clients.clear();
      this.registries.clear();
    } else {
      this.clients.delete(accountId);
      this.registries.delete(accountId);
    }
  }
}
