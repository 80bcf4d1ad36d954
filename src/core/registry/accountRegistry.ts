// Registry access for one GitLab account: the account's token goes only to the account's GitLab origin (as
// HTTP Basic to its /jwt/auth realm, which the realm-trust rule accepts because it is the configured
// instance); the registry only ever sees the short-lived bearer token it answers. One instance per account,
// shared by every command: it keeps one RegistryClient (and so one cached bearer token) per repository and
// set of actions.
import type { Credential, Logger } from '../types';
import { RegistryClient } from './client';
import { parseImageRef } from './imageRef';
import type { TransportOptions } from './transport';

export interface AccountRegistryOptions {
  /** The account's normalised GitLab base URL, e.g. https://gitlab.example.com */
  baseUrl: string;
  credential?: Credential;
  /** The user name sent with the credential; default: oauth2 (gitlab-ci-token for a job token). */
  username?: string;
  /** Speak plain HTTP to a non-loopback registry (the account allows http://). */
  allowHttp?: boolean;
  timeoutMs?: number;
  log?: Logger;
  userAgent?: string;
  /** node-fetch or a wrapper of it (the benchmarks count requests). */
  fetch?: TransportOptions['fetch'];
}

export type RegistryAction = 'pull' | 'push' | 'delete';

export class AccountRegistry {
  private readonly clients = new Map<string, RegistryClient>();

  constructor(private readonly opts: AccountRegistryOptions) {}

  /**
   * The client for an image repository, from its GitLab `location` (`registry.example.com[:port]/group/project/image`).
   * Asking for more actions than before gives a client whose token requests them too.
   */
  client(location: string, actions: RegistryAction[] = ['pull']): RegistryClient {
    const ref = parseImageRef(`${location}:_`); // a repository location has no tag; the parser wants one
    const wanted = [...new Set<RegistryAction>(['pull', ...actions])].sort();
    const key = `${ref.registry.toLowerCase()}/${ref.repository} ${wanted.join(',')}`;
    let c = this.clients.get(key);
    if (!c) {
      const cred = this.opts.credential;
      c = new RegistryClient({
        registry: ref.registry,
        hostname: ref.hostname,
        repository: ref.repository,
        // GitLab's realm accepts any user name with a personal access token; a CI job token goes as gitlab-ci-token.
        username: cred ? (this.opts.username ?? (cred.kind === 'job' ? 'gitlab-ci-token' : 'oauth2')) : undefined,
        password: cred?.value,
        plainHttp: this.opts.allowHttp,
        actions: wanted,
        trustedRealmOrigins: [new URL(this.opts.baseUrl).origin],
        timeoutMs: this.opts.timeoutMs,
        log: this.opts.log,
        userAgent: this.opts.userAgent,
        fetch: this.opts.fetch,
      });
      this.clients.set(key, c);
    }
    return c;
  }
}
