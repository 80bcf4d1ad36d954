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
