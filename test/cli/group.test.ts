// glcr bulk over many repositories (--group, --project, --repos), gone-branch images and cosign companions,
// against the GitLab double. Expectations are literal: the double's seeded data (test/double/README.md).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { CliResult, assertNoStack, glcr, parseJson } from './helpers';

const MY = 'acme/platform/My.Project';
const MY_ROOT = 'acme/platform/my.project';

interface ScopeDryRun {
  plans: Array<{ project: string; repository: string; delete: string[]; keep_count: number }>;
  delete_count: number;
}
interface ScopeYes {
  results: Array<{ project: string; repository: string; deleted: string[]; failed: Array<{ tag: string; error: string }> }>;
}
interface Preview {
  delete: string[];
  keep: string[];
  reasons: Record<string, string>;
}

let double: GitLabDouble | undefined;

afterEach(async () => {
  await double?.close();
  double = undefined;
});

async function fresh(opts: { graphql?: boolean } = {}): Promise<GitLabDouble> {
  double = await startGitLabDouble({ scenario: 'small', bulkJobDelayMs: 0, ...opts });
  return double;
}

async function run(d: GitLabDouble, args: string[], token: keyof GitLabDouble['tokens'] = 'owner'): Promise<CliResult> {
  const r = await glcr(args, { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens[token] } });
  assertNoStack(r);
  return r;
}

function names(d: GitLabDouble, path: string): string[] {
  return (d.repositoryByPath(path)?.tags ?? []).map((t) => t.name);
}

const RULE = ['--delete', 'v.*', '--older-than', '15d'];

test('bulk --group --dry-run --json: every repository of the group and its subgroups, in project then repository order', async () => {
  const d = await fresh();
  const r = await run(d, ['bulk', '--group', 'acme', ...RULE, '--dry-run', '--json', '--no-size']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJson<ScopeDryRun>(r), {
    plans: [
      { project: MY, repository: MY_ROOT, delete: ['v1.0.0'], keep_count: 7 },
      { project: MY, repository: `${MY_ROOT}/api`, delete: ['v2.0.0', 'v2.1.0'], keep_count: 2 },
      { project: MY, repository: `${MY_ROOT}/tools/cli`, delete: [], keep_count: 2 },
      {
        project: 'acme/platform/tools/builder', repository: 'acme/platform/tools/builder',
        delete: ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0', 'v1.5.0', 'v1.6.0', 'v1.7.0', 'v1.8.0', 'v1.9.0'], keep_count: 20,
      },
      { project: 'acme/website', repository: 'acme/website', delete: ['v2024.01'], keep_count: 3 },
      { project: 'acme/website', repository: 'acme/website/cache', delete: [], keep_count: 0 },
    ],
    delete_count: 14,
  });
  assert.ok(!d.requests.some((q) => q.method === 'DELETE'), 'a dry run sends no DELETE');
});

test('bulk --group: each repository\'s plan is what glcr bulk <project> <repo> previews there', async () => {
  const d = await fresh();
  const rule = ['--delete', '.*', '--keep-n', '2', '--older-than', '7d', '--no-size'];
  const group = parseJson<ScopeDryRun>(await run(d, ['bulk', '--group', 'acme/platform', ...rule, '--dry-run', '--json']));
  assert.equal(group.plans.length, 4);
  for (const plan of group.plans) {
    const single = parseJson<Preview>(await run(d, ['bulk', plan.project, plan.repository, ...rule, '--dry-run', '--json']));
    assert.deepEqual(plan.delete, single.delete, plan.repository);
    assert.equal(plan.keep_count, single.keep.length, plan.repository);
  }
});

test('bulk --project and --repos: one project\'s repositories, filtered by an RE2 search on the path', async () => {
  const d = await fresh();
  const all = parseJson<ScopeDryRun>(await run(d, ['bulk', '--project', MY, ...RULE, '--dry-run', '--json']));
  assert.deepEqual(all.plans.map((p) => p.repository), [MY_ROOT, `${MY_ROOT}/api`, `${MY_ROOT}/tools/cli`]);
  assert.equal(all.delete_count, 3);
  const some = parseJson<ScopeDryRun>(await run(d, ['bulk', '--group', 'acme', '--repos', '/(api|cache)$', ...RULE, '--dry-run', '--json', '--no-size']));
  assert.deepEqual(some, {
    plans: [
      { project: MY, repository: `${MY_ROOT}/api`, delete: ['v2.0.0', 'v2.1.0'], keep_count: 2 },
      { project: 'acme/website', repository: 'acme/website/cache', delete: [], keep_count: 0 },
    ],
    delete_count: 2,
  });
  const before = d.requests.length;
  const bad = await run(d, ['bulk', '--group', 'acme', '--repos', '(', ...RULE, '--dry-run']);
  assert.equal(bad.code, 2);
  const both = await run(d, ['bulk', MY, '.', '--group', 'acme', ...RULE, '--dry-run']);
  assert.equal(both.code, 2);
  assert.equal(d.requests.length, before, 'refused runs sent nothing');
});

test('bulk --group --yes: deletes repository by repository and reports per repository', async () => {
  const d = await fresh();
  const r = await run(d, ['bulk', '--group', 'acme', ...RULE, '--yes', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJson<ScopeYes>(r), {
    results: [
      { project: MY, repository: MY_ROOT, deleted: ['v1.0.0'], failed: [] },
      { project: MY, repository: `${MY_ROOT}/api`, deleted: ['v2.0.0', 'v2.1.0'], failed: [] },
      {
        project: 'acme/platform/tools/builder', repository: 'acme/platform/tools/builder',
        deleted: ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0', 'v1.5.0', 'v1.6.0', 'v1.7.0', 'v1.8.0', 'v1.9.0'], failed: [],
      },
      { project: 'acme/website', repository: 'acme/website', deleted: ['v2024.01'], failed: [] },
    ],
  });
  assert.deepEqual(names(d, `${MY_ROOT}/api`), ['latest', 'nightly']);
  assert.deepEqual(names(d, 'acme/website'), ['latest', 'prod', 'staging']);
});

test('bulk --group --yes as a Developer (REST only: GitLab decides): protected tags fail per repository, exit 1', async () => {
  const d = await fresh({ graphql: false });
  const r = await run(d, ['bulk', '--project', MY, '--repos', 'my\\.project$', ...RULE, '--yes', '--json'], 'developer');
  assert.equal(r.code, 1);
  const out = parseJson<ScopeYes>(r);
  assert.equal(out.results.length, 1);
  assert.deepEqual(out.results[0].deleted, []);
  assert.deepEqual(out.results[0].failed.map((f) => f.tag), ['v1.0.0']);
  assert.match(out.results[0].failed[0].error, /^403 /);
  assert.ok(names(d, MY_ROOT).includes('v1.0.0'));
});

test('--gone-branches: only the slugs of merged/closed merge requests\' deleted branches, with the reason', async () => {
  const d = await fresh();
  const one = parseJson<Preview>(await run(d, ['bulk', MY, '.', '--delete', '.*', '--gone-branches', '--dry-run', '--json']));
  assert.deepEqual(one.delete, ['feature-login']);
  assert.equal(one.reasons['feature-login'], 'gone_branch');
  assert.equal(one.reasons.main, 'branch_exists', 'main is a current branch');
  assert.equal(one.reasons['dev-0002'], 'branch_exists', 'an open merge request\'s branch is not gone');
  assert.equal(one.reasons['v1.0.0'], 'branch_exists', 'not a branch at all: never deleted as gone');
  assert.equal(one.reasons.latest, 'latest');
  const group = parseJson<ScopeDryRun>(await run(d, ['bulk', '--group', 'acme', '--delete', '.*', '--gone-branches', '--dry-run', '--json']));
  assert.deepEqual(group.plans.filter((p) => p.delete.length > 0).map((p) => [p.repository, p.delete]), [
    [MY_ROOT, ['feature-login']],
    [`${MY_ROOT}/api`, ['nightly']],
  ]);
  assert.equal(group.delete_count, 2);
});

async function signedRepository(d: GitLabDouble): Promise<{ repo: number; hex: (tag: string) => string }> {
  const repo = d.addRepository(6, 'signed', [
    { name: 'app-1', ageDays: 40 }, { name: 'app-2', ageDays: 40 }, { name: 'app-3', ageDays: 1 },
    { name: 'keep-app-2', sameImageAs: 'app-2' },
  ]);
  const seeded = new Map(d.repositoryByPath('acme/docs/signed')!.tags.map((t) => [t.name, t.digest.slice('sha256:'.length)]));
  const digestOf = (tag: string): string => seeded.get(tag)!;
  d.addTags(repo, [
    { name: `sha256-${digestOf('app-1')}.sig` }, { name: `sha256-${digestOf('app-1')}.att` },
    { name: `sha256-${digestOf('app-2')}.sbom` }, { name: `sha256-${digestOf('app-3')}.sig` },
    { name: `sha256-${'a'.repeat(64)}.sig` },
  ]);
  return { repo, hex: digestOf };
}

test('--with-signatures / --orphaned-signatures on bulk: companions of images that lose their last tag, and orphans', async () => {
  const d = await fresh();
  const { hex } = await signedRepository(d);
  const rule = ['--delete', 'app-.*', '--older-than', '30d'];
  const plain = parseJson<Preview>(await run(d, ['bulk', 'acme/docs', 'signed', ...rule, '--dry-run', '--json']));
  assert.deepEqual(plain.delete, ['app-1', 'app-2']);
  const signed = parseJson<Preview>(await run(d, ['bulk', 'acme/docs', 'signed', ...rule, '--with-signatures', '--dry-run', '--json']));
  const sig1 = `sha256-${hex('app-1')}.sig`;
  const att1 = `sha256-${hex('app-1')}.att`;
  assert.deepEqual(signed.delete, ['app-1', 'app-2', att1, sig1].sort());
  assert.equal(signed.reasons[sig1], 'signature');
  assert.equal(signed.reasons[att1], 'signature');
  assert.equal(signed.reasons[`sha256-${hex('app-2')}.sbom`], 'no_match', 'keep-app-2 still tags that image');
  const orphans = parseJson<Preview>(await run(d, ['bulk', 'acme/docs', 'signed', '--orphaned-signatures', '--dry-run', '--json']));
  assert.deepEqual(orphans.delete, [`sha256-${'a'.repeat(64)}.sig`]);
  assert.equal(orphans.reasons[`sha256-${'a'.repeat(64)}.sig`], 'orphaned_signature');
  const yes = await run(d, ['bulk', 'acme/docs', 'signed', ...rule, '--with-signatures', '--yes', '--json']);
  assert.equal(yes.code, 0, yes.stderr);
  assert.deepEqual(names(d, 'acme/docs/signed'), ['app-3', 'keep-app-2', `sha256-${'a'.repeat(64)}.sig`, `sha256-${hex('app-2')}.sbom`, `sha256-${hex('app-3')}.sig`].sort());
});

test('rm --with-signatures deletes the named tags and their companions; rm --orphaned-signatures adds the orphans', async () => {
  const d = await fresh();
  const { hex } = await signedRepository(d);
  const r = await run(d, ['rm', 'acme/docs', 'signed', 'app-1', 'app-2', '--with-signatures', '--yes', '--json']);
  assert.equal(r.code, 0, r.stderr);
  // app-2's image keeps the tag keep-app-2, so its .sbom stays.
  assert.deepEqual(parseJson<{ deleted: string[] }>(r).deleted, ['app-1', 'app-2', `sha256-${hex('app-1')}.att`, `sha256-${hex('app-1')}.sig`]);
  const o = await run(d, ['rm', 'acme/docs', 'signed', 'app-3', '--orphaned-signatures', '--yes', '--json']);
  assert.equal(o.code, 0, o.stderr);
  // app-3 loses its last tag, but without --with-signatures its .sig stays; the orphan goes.
  assert.deepEqual(parseJson<{ deleted: string[] }>(o).deleted, ['app-3', `sha256-${'a'.repeat(64)}.sig`]);
  assert.ok(names(d, 'acme/docs/signed').includes(`sha256-${hex('app-3')}.sig`));
});

test('bulk over many repositories refuses what it cannot do, before any request (exit 2)', async () => {
  const d = await fresh();
  for (const args of [
    ['bulk', '--group', 'acme', '--delete', '.*', '--yes', '--server'],
    ['bulk', '--group', 'acme', '--project', MY, '--delete', '.*', '--dry-run'],
    ['bulk', MY, '.', '--repos', 'api', '--delete', '.*', '--dry-run'],
    ['bulk', MY, '.', '--delete', '.*', '--gone-branches', '--yes', '--server'],
    ['bulk', '--group', 'acme', '--delete', '.*'],
  ]) {
    const r = await run(d, args);
    assert.equal(r.code, 2, args.join(' '));
  }
  assert.equal(d.requests.length, 0);
});

test('bulk --project: a repository protection rule above the caller marks the plan, keeps its tags and sends nothing there; protection is read once per project', async () => {
  const d = (double = await startGitLabDouble({ scenario: 'protected', bulkJobDelayMs: 0 }));
  const VAULT = 'acme/platform/vault';
  const dry = await run(d, ['bulk', '--project', VAULT, '--delete', '(dev-.*|v1)', '--dry-run', '--json', '--no-size'], 'maintainer');
  assert.equal(dry.code, 0, dry.stderr);
  const plans = parseJson<{ plans: Array<Record<string, unknown>>; delete_count: number }>(dry);
  assert.deepEqual(plans.plans.map((p) => [p.repository, p.delete, p.keep_count, p.protected]), [
    [VAULT, ['dev-1', 'dev-2', 'dev-3'], 5, undefined],
    [`${VAULT}/scratch`, [], 0, undefined],
    [`${VAULT}/secure-api`, [], 1, { reason: 'protected', rule: 'acme/platform/vault/secure-*', needs: 'owner' }],
  ]);
  assert.equal(plans.delete_count, 3);
  const reads = (suffix: string) => d.requests.filter((q) => q.method === 'GET' && q.path.endsWith(suffix)).length;
  assert.equal(reads('/registry/protection/tag/rules'), 1, 'tag rules read once for the project\'s three repositories');
  assert.equal(reads('/registry/protection/repository/rules'), 1, 'repository rules read once');

  d.resetLog();
  const yes = await run(d, ['bulk', '--project', VAULT, '--delete', '(dev-.*|v1)', '--yes', '--json'], 'maintainer');
  assert.equal(yes.code, 1, 'the protected repository\'s tag is failed (never sent), as protected tags are in glcr bulk <project> <repo>');
  const out = parseJson<ScopeYes>(yes);
  assert.deepEqual(out.results.map((r) => [r.repository, r.deleted, r.failed.map((f) => f.tag)]), [
    [VAULT, ['dev-1', 'dev-2', 'dev-3'], []],
    [`${VAULT}/secure-api`, [], ['v1']],
  ]);
  assert.equal(out.results[1].failed[0].error,
    '403 Forbidden - repository acme/platform/vault/secure-api is protected by rule acme/platform/vault/secure-* (delete needs owner)');
  const secure = d.repositoryByPath(`${VAULT}/secure-api`)!;
  assert.ok(!d.requests.some((q) => q.method === 'DELETE' && q.path.includes(`/registry/repositories/${secure.id}/`)), 'nothing sent for it');
  assert.deepEqual(names(d, `${VAULT}/secure-api`), ['v1']);
});

test('bulk --project --dry-run: each plan with deletions carries reclaimable_bytes from the registry; --no-size reads none', async () => {
  const d = (double = await startGitLabDouble({ registryHost: 'self' }));
  const r = await run(d, ['bulk', '--project', MY, '--delete', 'dev-.*', '--dry-run', '--json', '--no-cache']);
  assert.equal(r.code, 0, r.stderr);
  const j = parseJson<{ plans: Array<Record<string, unknown>>; delete_count: number }>(r);
  // The root image's dev-0001 and dev-0002: the figure glcr rm --dry-run gives for them (test/cli/storage.test.ts).
  assert.deepEqual(j.plans.map((p) => [p.repository, p.delete, p.reclaimable_bytes]), [
    [MY_ROOT, ['dev-0001', 'dev-0002'], 258393340],
    [`${MY_ROOT}/api`, [], 0],
    [`${MY_ROOT}/tools/cli`, [], 0],
  ]);
  assert.deepEqual(Object.keys(j).sort(), ['delete_count', 'plans']);
  const text = await run(d, ['bulk', '--project', MY, '--delete', 'dev-.*', '--dry-run', '--no-cache']);
  assert.match(text.stdout, /my\.project: 2 to delete, 6 kept, frees up to 258\.4 MB/);
  d.resetLog();
  const none = parseJson<{ plans: Array<Record<string, unknown>> }>(await run(d, ['bulk', '--project', MY, '--delete', 'dev-.*', '--dry-run', '--json', '--no-size']));
  assert.ok(none.plans.every((p) => !('reclaimable_bytes' in p)));
  assert.equal(d.requests.filter((q) => q.path.startsWith('/v2/') || q.path === '/jwt/auth').length, 0);
});

test('bulk --project --dry-run: a registry that refuses gives reclaimable_bytes null with size_error per plan, exit 0', async () => {
  const d = (double = await startGitLabDouble({ registryHost: 'self' }));
  d.injectFault({ path: '^/jwt/auth$', status: 403, body: JSON.stringify({ errors: [{ code: 'DENIED', message: 'access forbidden' }] }), times: 100 });
  const r = await run(d, ['bulk', '--project', MY, '--delete', 'dev-.*', '--dry-run', '--json', '--no-cache']);
  assert.equal(r.code, 0, r.stderr);
  const root = parseJson<{ plans: Array<Record<string, unknown>> }>(r).plans[0];
  assert.equal(root.reclaimable_bytes, null);
  assert.match(String(root.size_error), /denied access/);
});

test('bulk --project --yes --journal: every tag is recorded (registry manifest, previewed digest) before it is deleted', async () => {
  const d = (double = await startGitLabDouble({ registryHost: 'self', bulkJobDelayMs: 0 }));
  const digests = new Map<string, string>();
  for (const repo of [MY_ROOT, `${MY_ROOT}/api`]) {
    for (const t of d.repositoryByPath(repo)!.tags) digests.set(`${repo}:${t.name}`, t.digest);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-group-journal-'));
  const journal = path.join(dir, 'j.jsonl');
  const r = await run(d, ['bulk', '--project', MY, ...RULE, '--yes', '--journal', journal, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJson<ScopeYes>(r).results.map((x) => [x.repository, x.deleted]), [
    [MY_ROOT, ['v1.0.0']], [`${MY_ROOT}/api`, ['v2.0.0', 'v2.1.0']],
  ]);
  const records = fs.readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
  assert.deepEqual(records.map((x) => [x.project, x.repositoryPath, x.tag, x.digest]), [
    [MY, MY_ROOT, 'v1.0.0', digests.get(`${MY_ROOT}:v1.0.0`)],
    [MY, `${MY_ROOT}/api`, 'v2.0.0', digests.get(`${MY_ROOT}/api:v2.0.0`)],
    [MY, `${MY_ROOT}/api`, 'v2.1.0', digests.get(`${MY_ROOT}/api:v2.1.0`)],
  ]);
  assert.equal(new Set(records.map((x) => x.operation)).size, 2, 'one journal operation per repository');
  assert.equal((fs.statSync(journal).mode & 0o777), 0o600);
});

test('bulk --group --yes --journal: a repository whose manifests cannot be read is not deleted from (its tags fail), exit 1', async () => {
  const d = await fresh(); // its locations name a registry host that does not exist
  const journal = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-group-journal-')), 'j.jsonl');
  // --no-cache: an earlier test of this file may have cached these digests' manifests (content-addressed,
  // so a cached manifest would rightly be recorded without the registry).
  const r = await run(d, ['bulk', '--project', MY, ...RULE, '--yes', '--journal', journal, '--json', '--no-cache']);
  assert.equal(r.code, 1);
  const out = parseJson<ScopeYes>(r);
  assert.deepEqual(out.results.map((x) => [x.repository, x.deleted, x.failed.map((f) => f.tag)]), [
    [MY_ROOT, [], ['v1.0.0']], [`${MY_ROOT}/api`, [], ['v2.0.0', 'v2.1.0']],
  ]);
  assert.match(out.results[0].failed[0].error, /^cannot record tag "v1\.0\.0" in the journal .*nothing was deleted/);
  assert.ok(!d.requests.some((q) => q.method === 'DELETE'), 'nothing deleted');
  const forced = await run(d, ['bulk', '--project', MY, ...RULE, '--yes', '--journal', journal, '--no-journal', '--json']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(names(d, `${MY_ROOT}/api`), ['latest', 'nightly']);
});

test('the double is no kinder than GitLab: a tag delete sent to a guarded repository is refused (403), so the plan must not send it', async () => {
  const d = (double = await startGitLabDouble({ scenario: 'protected', bulkJobDelayMs: 0 }));
  const secure = d.repositoryByPath('acme/platform/vault/secure-api')!;
  const res = await fetch(`${d.url}/api/v4/projects/${secure.project_id}/registry/repositories/${secure.id}/tags/v1`, {
    method: 'DELETE', headers: { 'PRIVATE-TOKEN': d.tokens.maintainer },
  });
  assert.equal(res.status, 403);
  assert.deepEqual(names(d, 'acme/platform/vault/secure-api'), ['v1']);
  const owner = await fetch(`${d.url}/api/v4/projects/${secure.project_id}/registry/repositories/${secure.id}/tags/v1`, {
    method: 'DELETE', headers: { 'PRIVATE-TOKEN': d.tokens.owner },
  });
  assert.equal(owner.status, 200, 'the Owner the rule asks for may');
});

test('glcr bulk <project> <repo> on a guarded repository previews what --project does there: kept as protected, nothing sent', async () => {
  const d = (double = await startGitLabDouble({ scenario: 'protected', bulkJobDelayMs: 0 }));
  const VAULT = 'acme/platform/vault';
  const dry = await run(d, ['bulk', VAULT, 'secure-api', '--delete', 'v1', '--dry-run', '--json', '--no-size'], 'maintainer');
  assert.equal(dry.code, 0, dry.stderr);
  const j = parseJson<Preview & { protected?: unknown }>(dry);
  assert.deepEqual([j.delete, j.keep, j.reasons, j.protected],
    [[], ['v1'], { v1: 'protected' }, { reason: 'protected', rule: 'acme/platform/vault/secure-*', needs: 'owner' }]);
  const group = parseJson<{ plans: Array<Record<string, unknown>> }>(await run(d, ['bulk', '--project', VAULT, '--repos', 'secure', '--delete', 'v1', '--dry-run', '--json', '--no-size'], 'maintainer'));
  assert.deepEqual([group.plans[0].delete, group.plans[0].keep_count, group.plans[0].protected], [j.delete, j.keep.length, j.protected]);
  d.resetLog();
  const yes = await run(d, ['bulk', VAULT, 'secure-api', '--delete', 'v1', '--yes', '--json'], 'maintainer');
  assert.equal(yes.code, 1);
  assert.deepEqual(parseJson(yes), { deleted: [], failed: [{ tag: 'v1', error: '403 Forbidden - repository acme/platform/vault/secure-api is protected by rule acme/platform/vault/secure-* (delete needs owner)' }] });
  // The failure is ours (the double's own refusal would read "403 Forbidden" or "not permitted"): never sent.
  assert.ok(!d.requests.some((q) => q.method === 'DELETE'), 'no DELETE');
  assert.deepEqual(names(d, `${VAULT}/secure-api`), ['v1']);
});
