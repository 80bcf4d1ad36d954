// glcr refuses project, group, repository and tag names with "." / ".." segments (also %2e%2e, any case)
// and tag names outside the OCI grammar: exit 2, one line on stderr, and not a single request sent.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { assertNoStack, errLines, glcr } from './helpers';

const P1 = 'acme/platform/My.Project';
let double: GitLabDouble | undefined;

afterEach(async () => {
  await double?.close();
  double = undefined;
});

test('dot segments in project, group and repository arguments and bad tag names: exit 2, nothing sent', async () => {
  const d = await startGitLabDouble({ scenario: 'small' });
  double = d;
  const env = { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.owner };
  const cases: Array<{ args: string[]; says: RegExp }> = [
    { args: ['tags', '..', '.'], says: /project path "\.\." has a "\." or "\.\." segment/ },
    { args: ['tags', '.', '.'], says: /project path "\." has/ },
    { args: ['tags', '%2e%2e', '.'], says: /project path "%2e%2e" has/ },
    { args: ['tags', '%2E%2E', '.'], says: /project path "%2E%2E" has/ },
    { args: ['tags', 'acme/../other/x', '.'], says: /project path "acme\/\.\.\/other\/x" has/ },
    { args: ['repos', 'acme/platform/%2e%2e'], says: /project path/ },
    { args: ['projects', '--group', 'acme/..'], says: /group path "acme\/\.\." has/ },
    { args: ['tags', P1, '..'], says: /repository "\.\." has/ },
    { args: ['tags', P1, 'a/../b'], says: /repository "a\/\.\.\/b" has/ },
    { args: ['rm', P1, '.', '..', '--yes'], says: /invalid tag name "\.\."/ },
    { args: ['rm', P1, '.', 'dev-0001', '.', '--yes'], says: /invalid tag name "\."/ },
    { args: ['rm', P1, '.', '%2e%2e', '--yes'], says: /invalid tag name "%2e%2e"/ },
    { args: ['rm', P1, '.', '--yes', '--', '-x'], says: /invalid tag name "-x"/ },
    { args: ['rm', P1, '.', 'a/b', '--yes'], says: /invalid tag name "a\/b"/ },
    { args: ['rm', P1, '.', 'x'.repeat(129), '--yes'], says: /invalid tag name/ },
  ];
  for (const c of cases) {
    const r = await glcr(c.args, { env });
    assertNoStack(r);
    assert.equal(r.code, 2, `${c.args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(errLines(r).length, 1, r.stderr);
    assert.match(r.stderr, c.says);
  }
  assert.deepEqual(d.requests, [], 'not a single request');
  assert.ok(d.repositoryByPath('acme/platform/my.project')!.tags.some((t) => t.name === 'dev-0001'));
});

test('"." still names the root image and ordinary dotted names still work', async () => {
  const d = await startGitLabDouble({ scenario: 'small' });
  double = d;
  const r = await glcr(['tags', P1, '.', '--json'], { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.owner } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok((JSON.parse(r.stdout) as Array<{ name: string }>).some((t) => t.name === 'dev-0001'));
});
