// Account metadata (never the token) and the pure rules around it.
import type { TokenCheck } from '../../core/types';

export interface Account {
  /** `<instanceUrl>|<userId>` for stored accounts, `<instanceUrl>|env` for the environment account. */
  id: string;
  /** Normalised base URL, e.g. https://gitlab.example.com/gitlab */
  instanceUrl: string;
  userId: number;
  username: string;
  name: string;
  /** Null when the instance could not tell (then deletes are offered and GitLab decides). */
  scopes: string[] | null;
  readOnly: boolean;
  /** YYYY-MM-DD or null. */
  expiresAt: string | null;
  /** The user accepted sending the token over plain http:// to a non-loopback host. */
  allowHttp: boolean;
  source: 'stored' | 'environment';
}

export function accountId(instanceUrl: string, userId: number): string {
  return `${instanceUrl}|${userId}`;
}

export function environmentAccountId(instanceUrl: string): string {
  return `${instanceUrl}|env`;
}

/** The account's label: the instance's host[:port]. */
export function instanceHost(instanceUrl: string): string {
  return new URL(instanceUrl).host;
}

export function isGitLabDotCom(instanceUrl: string): boolean {
  const host = new URL(instanceUrl).hostname;
  return host === 'gitlab.com' || host.endsWith('.gitlab.com');
}

/** A scope problem that makes a token useless here, or undefined when it can list registries. */
export function missingScope(check: TokenCheck): 'api' | undefined {
  if (check.scopes === null) return undefined;
  return check.scopes.includes('api') || check.scopes.includes('read_api') ? undefined : 'api';
}

export function accountFromCheck(instanceUrl: string, check: TokenCheck, allowHttp: boolean, source: Account['source']): Account {
  return {
    id: source === 'environment' ? environmentAccountId(instanceUrl) : accountId(instanceUrl, check.user.id),
    instanceUrl,
    userId: check.user.id,
    username: check.user.username,
    name: check.user.name,
    scopes: check.scopes,
    readOnly: check.readOnly,
    expiresAt: check.token?.expires_at ?? null,
    allowHttp,
    source,
  };
}

/**
 * The page URL GitLab gave (a project's or group's web_url, plus a path) when it may be opened for this
 * account: on the instance's own host and port, over https — or over http only when the account itself
 * talks plain http. Anything else (another host, javascript:, file:, a downgrade to http) is undefined.
 */
export function accountPageUrl(url: string, instanceUrl: string): string | undefined {
  let page: URL;
  let instance: URL;
  try {
    page = new URL(url);
    instance = new URL(instanceUrl);
  } catch {
    return undefined;
  }
  const schemeOk = page.protocol === 'https:' || (page.protocol === 'http:' && instance.protocol === 'http:');
  if (!schemeOk || page.host !== instance.host || page.username !== '' || page.password !== '') return undefined;
  return page.href;
}
