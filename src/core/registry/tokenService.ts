// The Docker token flow's second half: ask the realm named by a Bearer challenge for a token
// (`GET <realm>?service=…&scope=…`, HTTP Basic with the user's credentials, or anonymous). The password goes
// only to a realm the credential policy trusts (credentialPolicy.ts) and, on a host that is not loopback,
// only over HTTPS unless the caller chose plain HTTP.
import { isTrustedRealm } from './credentialPolicy';
import { describeBody, type RegistryError, type RegistryErrorKind } from './errors';
import { isLoopbackHost } from './imageRef';
import type { Transport } from './transport';
import type { AuthChallenge } from './wwwAuthenticate';

export const HOW_TO_PASS_CREDENTIALS =
  'pass -u USER --password-stdin (in a GitLab job, CI_REGISTRY_USER / CI_REGISTRY_PASSWORD are used for $CI_REGISTRY only)';

export interface TokenRequest {
  challenge: AuthChallenge;
  scopes: string[];
  signal: AbortSignal | null | undefined;
  registryOrigin: string;
  registryHostname: string;
  repository: string;
  username?: string;
  password?: string;
  plainHttp: boolean;
  trustedRealmOrigins: readonly string[];
  transport: Transport;
  /** Builds a (redacted) error of the client. */
  error: (kind: RegistryErrorKind, message: string, status?: number) => RegistryError;
}

/** The first sentence of a long server message (GitLab's 401 text runs to several sentences and a URL). */
function firstSentence(text: string): string {
  if (text.length <= 120) return text;
  const i = text.indexOf('. ');
  return i > 0 && i < 200 ? text.slice(0, i + 1) : text.slice(0, 200);
}

/** Returns the token, or throws a RegistryError that says what to do. */
export async function requestToken(r: TokenRequest): Promise<string> {
  let realm: URL;
  try {
    realm = new URL(r.challenge.params.realm);
  } catch {
    throw r.error('bad_response', `the registry ${r.registryOrigin} sent an invalid token realm`);
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
    throw r.error('bad_response', `the registry ${r.registryOrigin} sent an unsupported token realm`);
  }
  const creds = !!(r.username || r.password);
  if (creds && realm.protocol !== 'https:' && !r.plainHttp && !isLoopbackHost(realm.hostname)) {
    throw r.error('credentials',
      `refusing to send the password to the token service ${realm.origin} over plain HTTP (use --plain-http to allow it)`);
  }
  if (creds && !isTrustedRealm(realm, r.registryHostname, r.trustedRealmOrigins)) {
    throw r.error('credentials',
      `the registry ${r.registryOrigin} names its token service at ${realm.origin}, which is neither the registry's host ` +
        `nor the GitLab instance you configured: the password was not sent there (if ${realm.host} is your GitLab, pass --url ${realm.origin})`);
  }
  if (r.challenge.params.service) realm.searchParams.set('service', r.challenge.params.service);
  for (const s of r.scopes) realm.searchParams.append('scope', s);
  if (r.username) realm.searchParams.set('account', r.username);
  const realmOrigin = realm.origin;
  const basic = creds ? 'Basic ' + Buffer.from(`${r.username ?? ''}:${r.password ?? ''}`).toString('base64') : undefined;
  const res = await r.transport.send({
    method: 'GET',
    url: realm.toString(),
    headers: { Accept: 'application/json' },
    authFor: (origin) => (origin === realmOrigin ? basic : undefined),
    signal: r.signal,
  });
  const detail = firstSentence(describeBody(res.body.toString('utf8')));
  if (res.status === 401) {
    throw r.error('credentials',
      creds
        ? `the token service ${realmOrigin} refused the credentials of user "${r.username ?? ''}"${detail ? `: ${detail}` : ''}`
        : `the registry ${r.registryOrigin} requires credentials: ${HOW_TO_PASS_CREDENTIALS}`,
      401);
  }
  if (res.status === 403) {
    throw r.error('denied', `the token service ${realmOrigin} denied access to ${r.repository}${detail ? `: ${detail}` : ''}`, 403);
  }
  if (res.status !== 200) {
    throw r.error('bad_response', `the token service ${realmOrigin} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`, res.status);
  }
  let token: unknown;
  try {
    const j = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
    token = j.token || j.access_token;
  } catch {
    /* below */
  }
  if (typeof token !== 'string' || !token) {
    throw r.error('bad_response', `the token service ${realmOrigin} answered without a token`);
  }
  return token;
}
