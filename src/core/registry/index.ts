// Public API of the registry (Docker Registry V2 / OCI Distribution) client.
export { removeImage, type CriticalState, type ImageRmOptions, type ImageRmResult, type TagManifest } from './imageRm';
export { isSameRegistry, isTrustedRealm } from './credentialPolicy';
export { RegistryError, type RegistryErrorKind } from './errors';
export { parseImageRef, formatImageRef, isLoopbackHost, type ImageRef } from './imageRef';
export { parseWwwAuthenticate, type AuthChallenge } from './wwwAuthenticate';
export { RegistryClient, type RegistryClientOptions, type ManifestInfo, type ManifestContent } from './client';
export { ACCEPT_ALL_MANIFESTS } from './mediaTypes';
export { AccountRegistry, type AccountRegistryOptions, type RegistryAction } from './accountRegistry';
export { ManifestStore, type ManifestStoreOptions, type ManifestStoreStats } from './manifestStore';
export { parseManifest, type ParsedManifest, type Descriptor } from './manifest';
