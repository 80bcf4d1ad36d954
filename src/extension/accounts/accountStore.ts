import * as vscode from 'vscode';
import { normalizeInstanceUrl } from '../../core/url';
import type { Log } from '../log';
import { type Account, environmentAccountId } from './account';

const TOKENS_KEY = 'gitlabRegistry.tokens';
const ACCOUNTS_KEY = 'gitlabRegistry.accounts';
const HIDDEN_ENV_KEY = 'gitlabRegistry.hiddenEnvironmentAccounts';

export const ENV_URL = 'GITLAB_REGISTRY_URL';
export const ENV_TOKEN = 'GITLAB_REGISTRY_TOKEN';

/** The account given by GITLAB_REGISTRY_URL / GITLAB_REGISTRY_TOKEN; its user is known after the first check. */
export interface EnvironmentAccount {
  instanceUrl: string;
  token: string;
  account?: Account;
  problem?: string;
}

/**
 * Accounts: metadata in globalState, all tokens in ONE SecretStorage entry (JSON keyed by account id).
 * The tokens are cached in memory and re-read when another window changes the entry, so an account removed
 * elsewhere disappears here. Writes re-read the entry first and apply the change on top of what is there.
 * The environment account lives only in memory: its token is never written anywhere.
 */
export class AccountStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private tokens: Record<string, string> = {};
  private loaded: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  readonly environment: EnvironmentAccount | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
    env: NodeJS.ProcessEnv,
    private readonly log: Log,
  ) {
    this.environment = readEnvironment(env, log);
    this.disposables.push(
      secrets.onDidChange((e) => {
        if (e.key !== TOKENS_KEY) return;
        void this.reload().then(() => this.changed.fire());
      }),
    );
  }

  /** Reads the token entry once; every reader awaits this. */
  ready(): Promise<void> {
    this.loaded ??= this.reload();
    return this.loaded;
  }

  private async reload(): Promise<void> {
    this.tokens = await this.readTokens();
  }

  private async readTokens(): Promise<Record<string, string>> {
    const raw = await this.secrets.get(TOKENS_KEY);
    if (!raw) return {};
    try {
      const parsed = JSON.parse(raw) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch {
      this.log.warn('The stored token entry is not valid JSON; ignoring it.');
      return {};
    }
  }

  private async writeToken(id: string, token: string | undefined): Promise<void> {
    // Apply the change on top of the latest stored value: another window may have written meanwhile.
    const latest = await this.readTokens();
    if (token === undefined) delete latest[id];
    else latest[id] = token;
    this.tokens = latest;
    await this.secrets.store(TOKENS_KEY, JSON.stringify(latest));
  }

  private storedMetadata(): Account[] {
    return this.state.get<Account[]>(ACCOUNTS_KEY, []);
  }

  /** Visible accounts: stored accounts that still have a token, then the environment account unless hidden. */
  list(): Account[] {
    const stored = this.storedMetadata().filter((a) => this.tokens[a.id] !== undefined);
    const env = this.environmentAccount();
    return env && !this.isEnvironmentHidden() ? [...stored, env] : stored;
  }

  /** The environment account as far as it is known (user fields empty before the first check). */
  environmentAccount(): Account | undefined {
    const e = this.environment;
    if (!e) return undefined;
    return e.account ?? {
      id: environmentAccountId(e.instanceUrl), instanceUrl: e.instanceUrl, userId: 0, username: '', name: '',
      scopes: null, readOnly: false, expiresAt: null, allowHttp: false, source: 'environment',
    };
  }

  get(id: string): Account | undefined {
    return this.list().find((a) => a.id === id);
  }

  token(id: string): string | undefined {
    const env = this.environment;
    if (env && id === environmentAccountId(env.instanceUrl)) return env.token;
    return this.tokens[id];
  }

  /** Adds or replaces an account (same instance and user = same account). */
  async save(account: Account, token: string): Promise<void> {
    if (account.source === 'environment') throw new Error('The environment account is not stored.');
    await this.ready();
    await this.writeToken(account.id, token);
    const others = this.storedMetadata().filter((a) => a.id !== account.id);
    await this.state.update(ACCOUNTS_KEY, [...others, account]);
    this.log.info(`Saved account ${account.id} (scopes: ${account.scopes?.join(', ') ?? 'unknown'}).`);
    this.changed.fire();
  }

  /** Updates metadata of a known account (e.g. after a successful check). */
  async updateMetadata(account: Account): Promise<void> {
    if (account.source === 'environment') {
      if (this.environment) this.environment.account = account;
      this.changed.fire();
      return;
    }
    const all = this.storedMetadata().map((a) => (a.id === account.id ? account : a));
    await this.state.update(ACCOUNTS_KEY, all);
    this.changed.fire();
  }

  async remove(id: string): Promise<void> {
    await this.ready();
    await this.writeToken(id, undefined);
    await this.state.update(ACCOUNTS_KEY, this.storedMetadata().filter((a) => a.id !== id));
    this.log.info(`Removed account ${id}.`);
    this.changed.fire();
  }

  /** The environment account cannot be removed (it comes back with the variables); it can be hidden. */
  isEnvironmentHidden(): boolean {
    const e = this.environment;
    return !!e && this.state.get<string[]>(HIDDEN_ENV_KEY, []).includes(e.instanceUrl);
  }

  async setEnvironmentHidden(hidden: boolean): Promise<void> {
    const e = this.environment;
    if (!e) return;
    const list = this.state.get<string[]>(HIDDEN_ENV_KEY, []).filter((u) => u !== e.instanceUrl);
    await this.state.update(HIDDEN_ENV_KEY, hidden ? [...list, e.instanceUrl] : list);
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function readEnvironment(env: NodeJS.ProcessEnv, log: Log): EnvironmentAccount | undefined {
  const url = env[ENV_URL]?.trim();
  const token = env[ENV_TOKEN]?.trim();
  if (!url || !token) return undefined;
  try {
    return { instanceUrl: normalizeInstanceUrl(url), token };
  } catch (err) {
    log.warn(`${ENV_URL} is not a usable GitLab URL: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
