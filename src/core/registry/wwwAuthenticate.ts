// Parses WWW-Authenticate header values (RFC 7235): one or more challenges, each a scheme followed by
// comma-separated auth-params whose values are tokens or quoted strings (commas and escaped quotes allowed
// inside quotes), e.g.
//   Bearer realm="https://gitlab.example.com/jwt/auth",service="container_registry",scope="repository:g/p:pull,push"
// Several header lines joined with ", " (as fetch does) parse as several challenges.

export interface AuthChallenge {
  /** lower-cased scheme, e.g. "bearer" or "basic" */
  scheme: string;
  /** parameter names lower-cased; values unquoted */
  params: Record<string, string>;
  /** a token68 value (e.g. `Negotiate abc==`), rarely used */
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

export function parseWwwAuthenticate(header: string | null | undefined): AuthChallenge[] {
  const s = header ?? '';
  const out: AuthChallenge[] = [];
  let i = 0;
  const n = s.length;
  const skipWs = () => {
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && TCHAR.test(s[i])) i++;
    return s.slice(start, i);
  };
  /** An unquoted value; lenient (up to a comma or blank), since some servers send bare URLs. */
  const readBare = (): string => {
    const start = i;
    while (i < n && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
    return s.slice(start, i);
  };
  const readQuoted = (): string => {
    // s[i] === '"'
    i++;
    let v = '';
    while (i < n && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < n) i++;
      v += s[i++];
    }
    if (i < n) i++; // closing quote
    return v;
  };
  /** Is there `token BWS "="` (but not `==`, a token68 tail) at i? */
  const paramAhead = (): boolean => {
    let j = i;
    while (j < n && TCHAR.test(s[j])) j++;
    if (j === i) return false;
    while (j < n && (s[j] === ' ' || s[j] === '\t')) j++;
    return s[j] === '=' && s[j + 1] !== '=';
  };

  let guard = 0;
  while (i < n && guard++ < 10_000) {
    while (i < n && (s[i] === ',' || s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= n) break;
    const scheme = readToken();
    if (!scheme) {
      i++; // skip a stray character
      continue;
    }
    const ch: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(ch);
    skipWs();
    // token68?
    if (i < n && s[i] !== ',' && !paramAhead()) {
      const start = i;
      while (i < n && /[A-Za-z0-9\-._~+/]/.test(s[i])) i++;
      while (i < n && s[i] === '=') i++;
      if (i > start) ch.token68 = s.slice(start, i);
      skipWs();
      continue;
    }
    // auth-params
    while (i < n) {
      skipWs();
      if (!paramAhead()) break;
      const name = readToken().toLowerCase();
      skipWs();
      i++; // '='
      skipWs();
      const value = s[i] === '"' ? readQuoted() : readBare();
      if (!(name in ch.params)) ch.params[name] = value;
      skipWs();
      if (s[i] === ',') {
        i++;
        skipWs();
        // Next is either another param of this challenge or a new challenge (a scheme without "=").
        if (!paramAhead()) break;
      } else {
        break;
      }
    }
  }
  return out;
}
