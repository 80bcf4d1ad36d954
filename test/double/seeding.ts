// Test-only additions to the seeded data (additive: the scenarios stay as documented). A test that needs an
// unusual project path, tags sharing a digest with other tags, a 128-character tag or its own token adds
// them here instead of changing the small/large scenarios other tests rely on. reset() drops them.

import { createHash } from 'node:crypto';
import type { SeedProject, SeedTag, TokenName } from './contract';
import { RepoRec, State, TagRec, compareNames, findGroupByRef, findTagIndex, isoTimestamp, tagTimestamp } from './model';
import { contentOf, materialize } from './registryContent';

const DAY_MS = 86_400_000;
/** Docker/OCI tag grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function nextId(keys: Iterable<number>): number {
  let max = 0;
  for (const k of keys) max = Math.max(max, k);
  return max + 1;
}

/** Adds tags to a repository (kept sorted). `sameImageAs` copies digest, revision, size and timestamp. */
export function addTags(state: State, repositoryId: number, tags: readonly SeedTag[], now: number): void {
  const repo = state.repos.get(repositoryId);
  if (!repo) throw new Error(`no repository ${repositoryId}`);
  for (const spec of tags) insertTag(state, repo, spec, now);
  materialize(state);
}

function insertTag(state: State, repo: RepoRec, spec: SeedTag, now: number): void {
  if (!TAG_RE.test(spec.name)) throw new Error(`not a valid tag name: ${JSON.stringify(spec.name)}`);
  const at = findTagIndex(repo.tags, spec.name);
  if (at >= 0) throw new Error(`tag ${spec.name} exists in repository ${repo.id}`);
  let tag: TagRec;
  if (spec.sameImageAs !== undefined) {
    const source = repo.tags[findTagIndex(repo.tags, spec.sameImageAs)];
    if (!source) throw new Error(`sameImageAs: no tag ${spec.sameImageAs} in repository ${repo.id}`);
    tag = { ...source, name: spec.name };
  } else {
    const age = spec.ageDays === undefined ? 1 : spec.ageDays;
    tag = {
      name: spec.name,
      digest: spec.digest ?? `sha256:${hex(`digest:${repo.id}:${spec.name}`)}`,
      revision: hex(`config:${repo.id}:${spec.name}`),
      created_at: age === null ? null : tagTimestamp(now - age * DAY_MS),
      total_size: 1_000_000 + (parseInt(hex(spec.name).slice(0, 6), 16) % 100_000_000),
    };
  }
  if (spec.digest !== undefined && spec.sameImageAs === undefined) {
    if (!/^sha256:[a-f0-9]{64}$/.test(spec.digest)) throw new Error(`not a sha256 digest: ${spec.digest}`);
    contentOf(state).external.add(spec.digest);
  }
  repo.tags.splice(-at - 1, 0, tag);
  // Keep the invariant the handlers rely on (sorted by code unit) even if findTagIndex and sort disagree.
  repo.tags.sort((a, b) => compareNames(a.name, b.name));
}

/** Adds a project below an existing group (by full path or id); returns its id. */
export function addProject(state: State, spec: SeedProject, now: number): number {
  const group = findGroupByRef(state, String(spec.namespace));
  if (!group) throw new Error(`no group ${spec.namespace}`);
  const fullPath = `${group.fullPath}/${spec.path}`;
  for (const p of state.projects.values()) {
    if (p.fullPath.toLowerCase() === fullPath.toLowerCase()) throw new Error(`project ${fullPath} exists`);
  }
  const id = nextId(state.projects.keys());
  state.projects.set(id, {
    id, name: spec.name ?? spec.path, path: spec.path, groupId: group.id, fullPath,
    visibility: spec.visibility ?? 'private', registryAccessLevel: 'enabled', description: `Project ${spec.path}`,
    createdAt: isoTimestamp(now - DAY_MS), lastActivityAt: isoTimestamp(now), defaultBranch: 'main', archived: false,
    policy: {
      cadence: '1d', enabled: false, keep_n: 10, older_than: '90d', name_regex: '.*', name_regex_keep: null, next_run_at: null,
    },
    tagRules: [], repoRules: [],
  });
  state.projectMembers.set(id, new Map());
  return id;
}

/** Adds an image repository to a project; `name` "" is the root image. Returns its id. */
export function addRepository(state: State, projectId: number, name: string, tags: readonly SeedTag[], now: number): number {
  if (!state.projects.has(projectId)) throw new Error(`no project ${projectId}`);
  const id = nextId(state.repos.keys());
  const repo: RepoRec = {
    id, projectId, name, createdAt: isoTimestamp(now - DAY_MS), cleanupPolicyStartedAt: null, status: null, tags: [],
    sizeBytes: 0, failDeletion: false,
  };
  state.repos.set(id, repo);
  for (const spec of tags) insertTag(state, repo, spec, now);
  repo.sizeBytes = repo.tags.reduce((s, t) => s + (t.total_size ?? 0), 0);
  materialize(state);
  return id;
}

/** Adds a personal access token that acts exactly like the seeded one named `like` (same user, scopes, expiry). */
export function addToken(state: State, value: string, like: TokenName): void {
  if (state.tokens.some((t) => t.value === value)) throw new Error('token exists');
  const model = state.tokens.find((t) => t.value === state.tokenNames[like]);
  if (!model) throw new Error(`no seeded token ${like} (job tokens cannot be copied)`);
  state.tokens.push({ ...model, id: nextId(state.tokens.map((t) => t.id)), value, name: `double-extra-${like}` });
}

