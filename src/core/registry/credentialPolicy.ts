// Where registry credentials may go. One principle: a password goes only to an origin the user configured.
//
// - A GitLab job's CI_REGISTRY_USER / CI_REGISTRY_PASSWORD belong to the job's registry, $CI_REGISTRY. They
//   are used only when the image reference names that registry (host[:port], case-insensitive): a mistyped
//   or hostile reference must not receive the job's token.
// - The registry's 401 challenge names a token realm, and the password travels there as HTTP Basic. The
//   challenge is server data, so the realm gets the password only when it is on the registry's own host (any
//   port: a self-managed GitLab serves its registry on :5050 and /jwt/auth on :443) or on an origin the user
//   named (the GitLab instance: --url, $GITLAB_URL, $CI_SERVER_URL; registry.gitlab.com's realm is on
//   gitlab.com). Anywhere else the password is not sent. Anonymous token requests carry no secret and may go
//   to any realm.

function bare(host: string): string {
  return host.trim().toLowerCase().replace(/^\[|\]$/g, '');
}

/** Does an image reference's registry (host[:port]) name the registry `ciRegistry` ($CI_REGISTRY)? */
export function isSameRegistry(registry: string, ciRegistry: string | undefined): boolean {
  if (!ciRegistry || !ciRegistry.trim()) return false;
  return registry.trim().toLowerCase() === ciRegistry.trim().toLowerCase();
}

/** May the password go (as HTTP Basic) to this token realm? See the rule above. */
export function isTrustedRealm(realm: URL, registryHostname: string, trustedOrigins: readonly string[]): boolean {
  if (bare(realm.hostname) === bare(registryHostname)) return true;
  return trustedOrigins.some((o) => {
    try {
      return new URL(o).origin === realm.origin;
    } catch {
      return false;
    }
  });
}
