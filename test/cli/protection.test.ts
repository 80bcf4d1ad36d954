// Protection decided up front (issue 13) against the double's 'protected' scenario: acme/platform/vault
// has tag rules release-.* (delete: owner) and ^v\d (maintainer), an immutable rule ^stable$ and a
// repository rule acme/platform/vault/secure-* (delete: owner). Each test runs REST-only and with GraphQL.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { CliResult, assertNoStack, glcr, parseJson } from './helpers';

const VAULT = 'acme/platform/vault';
let double: GitLabDouble | undefined;

afterEach(async () => {
  await double?.close();
  double = undefined;
});

async function run(d: GitLabDouble, token: string, args: string[]): Promise<CliResult> {
  const r = await glcr(args, { env: { GITLAB_URL: d.url, GITLAB_TOKEN: token } });
  assertNoStack(r);
  return r;
}

const deletes = (d: GitLabDouble) => d.requests.filter((q) => q.method === 'DELETE');

for (const graphql of [false, true]) {
  const via = graphql ? 'with GraphQL' : 'REST only';

  test(`tags --json: deletable true/false/null and the protection that forbids it (${via})`, async () => {
    const d = (double = await startGitLabDouble({ scenario: 'protected', graphql }));
    const m = await run(d, d.tokens.maintainer, ['tags', VAULT, '.', '--json']);
    assert.equal(m.code, 0, m.stderr);
    const rows = parseJson<Array<Record<string, unknown>>>(m);
    assert.deepEqual(rows.map((r) => [r.name, r.deletable, r.protection]), [
      ['dev-1', true, undefined], ['dev-2', true, undefined], ['dev-3', true, undefined], ['main', true, undefined],
      ['release-1', false, { reason: 'protected', rule: 'release-.*', needs: 'owner' }],
      ['release-2', false, { reason: 'protected', rule: 'release-.*', needs: 'owner' }],
      ['stable', false, { reason: 'immutable', rule: '^stable$', needs: null }],
      ['v1.4.0', true, undefined],
    ]);
    assert.deepEqual(Object.keys(rows[0]), ['name', 'location', 'deletable']);
    // An Owner may delete release-*, but nobody an immutable tag.
    const o = parseJson<Array<Record<string, unknown>>>(await run(d, d.tokens.owner, ['tags', VAULT, '.', '--json', '--details']));
    assert.deepEqual(o.filter((r) => r.deletable !== true).map((r) => r.name), ['stable']);
    // A Developer may not read the rules: over REST unknown; GraphQL's per-tag levels still decide (no rule to name).
    for (const details of [[], ['--details']]) {
      const dev = parseJson<Array<Record<string, unknown>>>(await run(d, d.tokens.developer, ['tags', VAULT, '.', '--json', ...details]));
      if (!graphql) assert.deepEqual([...new Set(dev.map((r) => r.deletable))], [null]);
      else {
        assert.deepEqual(dev.map((r) => [r.name, r.deletable, r.protection]), [
          ['dev-1', true, undefined], ['dev-2', true, undefined], ['dev-3', true, undefined], ['main', true, undefined],
          ['release-1', false, { reason: 'protected', rule: '', needs: 'owner' }],
          ['release-2', false, { reason: 'protected', rule: '', needs: 'owner' }],
          ['stable', false, { reason: 'immutable', rule: '', needs: null }],
          ['v1.4.0', false, { reason: 'protected', rule: '', needs: 'maintainer' }],
        ]);
      }
    }
    // The human table marks protected tags.
    const text = await run(d, d.tokens.maintainer, ['tags', VAULT, '.']);
    assert.match(text.stdout.split('\n')[0], /^TAG\s+LOCATION\s+PROTECTED$/);
    assert.match(text.stdout, /\nrelease-1\s+\S+\s+protected: release-\.\* needs Owner\n/);
    assert.match(text.stdout, /\nstable\s+\S+\s+immutable\n/);
  });

  test(`rm: known-undeletable tags are never sent and fail naming their rule; the others go; exit 1 (${via})`, async () => {
    const d = (double = await startGitLabDouble({ scenario: 'protected', graphql }));
    const r = await run(d, d.tokens.maintainer, ['rm', VAULT, '.', 'release-1', 'stable', 'dev-1', 'v1.4.0', '--yes', '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(parseJson(r), {
      deleted: ['dev-1', 'v1.4.0'],
      failed: [
        { tag: 'release-1', error: '403 Forbidden - protected by tag rule release-.* (delete needs owner)' },
        { tag: 'stable', error: '403 Forbidden - immutable tag (rule ^stable$)' },
      ],
    });
    assert.deepEqual(d.repositoryByPath(VAULT)!.tags.map((t) => t.name).filter((n) => /release-1|stable/.test(n)), ['release-1', 'stable']);
    assert.deepEqual(d.repositoryByPath(VAULT)!.tags.map((t) => t.name), ['dev-2', 'dev-3', 'main', 'release-1', 'release-2', 'stable']);
  });

  test(`bulk --yes: protected tags matched by the rule are failed with their rule, never sent (${via})`, async () => {
    const d = (double = await startGitLabDouble({ scenario: 'protected', graphql }));
    const r = await run(d, d.tokens.maintainer, ['bulk', VAULT, '.', '--delete', '(release|stable|dev).*', '--yes', '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(parseJson(r), {
      deleted: ['dev-1', 'dev-2', 'dev-3'],
      failed: [
        { tag: 'release-1', error: '403 Forbidden - protected by tag rule release-.* (delete needs owner)' },
        { tag: 'release-2', error: '403 Forbidden - protected by tag rule release-.* (delete needs owner)' },
        { tag: 'stable', error: '403 Forbidden - immutable tag (rule ^stable$)' },
      ],
    });
    assert.deepEqual(deletes(d).filter((q) => /release|stable/.test(q.path)), []);
  });

  test(`rm-repo of a protected repository: exit 1, one line naming the rule, nothing sent (${via})`, async () => {
    const d = (double = await startGitLabDouble({ scenario: 'protected', graphql }));
    const r = await run(d, d.tokens.maintainer, ['rm-repo', VAULT, 'secure-api', '--yes']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'glcr: repository acme/platform/vault/secure-api is protected by rule acme/platform/vault/secure-* (delete needs owner); nothing was sent\n');
    const immutable = await run(d, d.tokens.owner, ['rm-repo', VAULT, '.', '--yes']);
    assert.equal(immutable.code, 1);
    assert.match(immutable.stderr, /^glcr: repository acme\/platform\/vault holds tags protected by immutable tag rule \^stable\$: nobody may delete it; nothing was sent\n$/);
    assert.equal(deletes(d).length, 0);
    assert.equal(d.repositoryByPath(`${VAULT}/secure-api`)?.status, null);
    // An empty repository is not held by tag rules.
    const empty = await run(d, d.tokens.maintainer, ['rm-repo', VAULT, 'scratch', '--yes', '--json']);
    assert.equal(empty.code, 0, empty.stderr);
  });

  test(`repos --json: deletable per repository for the caller's role (${via})`, async () => {
    const d = (double = await startGitLabDouble({ scenario: 'protected', graphql }));
    const table = async (token: string) =>
      parseJson<Array<{ path: string; deletable: boolean | null }>>(await run(d, token, ['repos', VAULT, '--json'])).map((r) => [r.path, r.deletable]);
    assert.deepEqual(await table(d.tokens.maintainer), [
      ['acme/platform/vault', false], ['acme/platform/vault/scratch', true], ['acme/platform/vault/secure-api', false],
    ]);
    assert.deepEqual(await table(d.tokens.developer), [
      ['acme/platform/vault', null], ['acme/platform/vault/scratch', null], ['acme/platform/vault/secure-api', null],
    ]);
  });

  test(`rm by a Developer: ${graphql ? "GraphQL's per-tag levels keep protected tags from being sent" : 'rules unreadable, so GitLab decides and its 403 is reported'} (${via})`, async () => {
    const d = (double = await startGitLabDouble({ scenario: 'protected', graphql }));
    const r = await run(d, d.tokens.developer, ['rm', VAULT, '.', 'release-1', 'dev-1', '--yes', '--json']);
    assert.equal(r.code, 1);
    const report = parseJson<{ deleted: string[]; failed: Array<{ tag: string; error: string }> }>(r);
    assert.deepEqual(report.deleted, ['dev-1']);
    assert.deepEqual(report.failed.map((f) => f.tag), ['release-1']);
    // REST only: tag deletes are DELETE …/tags/<name> (with GraphQL our own refusal text shows nothing was sent).
    const sentForRelease = d.requests.some((q) => q.method === 'DELETE' && q.path.includes('release-1'));
    if (graphql) {
      assert.equal(report.failed[0].error, '403 Forbidden - protected by tag rule (delete needs owner)');
      assert.equal(sentForRelease, false, 'nothing sent for release-1');
    } else {
      assert.match(report.failed[0].error, /^403\b/);
      assert.ok(sentForRelease, 'REST alone cannot know: the delete is sent and GitLab refuses it');
    }
  });
}

test('bulk by a Developer with GraphQL: per-tag levels keep protected tags (dry run says so, --yes never sends them)', async () => {
  const d = (double = await startGitLabDouble({ scenario: 'protected' }));
  const dry = await run(d, d.tokens.developer, ['bulk', VAULT, '.', '--delete', '(release|stable|dev).*', '--dry-run', '--json']);
  assert.equal(dry.code, 0, dry.stderr);
  const preview = parseJson<{ delete: string[]; reasons: Record<string, string>; warnings: string[] }>(dry);
  assert.deepEqual(preview.delete, ['dev-1', 'dev-2', 'dev-3']);
  assert.deepEqual([preview.reasons['release-1'], preview.reasons.stable], ['protected', 'immutable']);
  assert.ok(!preview.warnings.some((w) => /could not be checked/.test(w)), preview.warnings.join('\n'));
  const yes = await run(d, d.tokens.developer, ['bulk', VAULT, '.', '--delete', '(release-1|dev-1)', '--yes', '--json']);
  assert.equal(yes.code, 1, yes.stderr);
  assert.deepEqual(parseJson(yes), {
    deleted: ['dev-1'],
    failed: [{ tag: 'release-1', error: '403 Forbidden - protected by tag rule (delete needs owner)' }],
  });
  // The same through --project: protected tags are failed with their refusal, never sent.
  const scoped = await run(d, d.tokens.developer, ['bulk', '--project', VAULT, '--repos', 'vault$', '--delete', 'release-2', '--yes', '--json']);
  assert.equal(scoped.code, 1, scoped.stderr);
  const results = parseJson<{ results: Array<{ deleted: string[]; failed: Array<{ tag: string; error: string }> }> }>(scoped).results;
  assert.deepEqual(results.map((x) => [x.deleted, x.failed]), [[[], [{ tag: 'release-2', error: '403 Forbidden - protected by tag rule (delete needs owner)' }]]]);
  assert.equal(deletes(d).filter((q) => /release/.test(q.path)).length, 0, 'nothing sent for release-*');
  assert.ok(d.repositoryByPath(VAULT)!.tags.some((t) => t.name === 'release-2'));
});

