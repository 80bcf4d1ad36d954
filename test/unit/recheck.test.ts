// The re-check before deleting (issue 11 item 4): tags re-pushed, re-dated or removed between a preview and
// the deletion are not deleted and are reported; keep_n is honoured again when a kept tag went away.
// Against the GitLab double through the client every caller uses (GraphQL fast path, REST fallback).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { createRegistryApi } from '../../src/core/client';
import type { RegistryApi } from '../../src/core/registryApi';
import { recheckPreview, recheckTags } from '../../src/core/recheck';
import { previewRule } from '../../src/core/rules/preview';
import { bulkCommand } from '../../src/cli/commands/bulk';
import type { CliContext } from '../../src/cli/command';
import { removeTag, repushTag } from '../support/repush';

const BUILDER = 'acme/platform/tools/builder';
const PROJECT_ID = 2;
const REPO_ID = 4;
let double: GitLabDouble | undefined;

afterEach(async () => {
  await double?.close();
  double = undefined;
});

async function fresh(): Promise<{ d: GitLabDouble; api: RegistryApi }> {
  const d = await startGitLabDouble({ scenario: 'small' });
  double = d;
  assert.equal(d.repositoryByPath(BUILDER)!.id, REPO_ID);
  return { d, api: createRegistryApi({ baseUrl: d.url, credential: { kind: 'private', value: d.tokens.owner } }) };
}

function shown(d: GitLabDouble, name: string): { name: string; digest: string; created_at: string | null } {
  const t = d.repositoryByPath(BUILDER)!.tags.find((x) => x.name === name)!;
  return { name, digest: t.digest, created_at: t.created_at };
}

function tagNames(d: GitLabDouble, prefix: string): string[] {
  return d.repositoryByPath(BUILDER)!.tags.map((t) => t.name).filter((n) => n.startsWith(prefix));
}

test('recheckTags: unchanged (GraphQL whole seconds vs REST milliseconds), re-pushed, re-dated, gone', async () => {
  const { d, api } = await fresh();
  const expected = ['feature-alpha', 'feature-beta', 'feature-gamma', 'feature-delta'].map((n) => shown(d, n));
  expected[2] = { ...expected[2], created_at: '2020-01-01T00:00:00.000Z' }; // shown with another date
  await repushTag(d, PROJECT_ID, REPO_ID, 'feature-beta', 'main-a1c2c6');
  await removeTag(d, PROJECT_ID, REPO_ID, 'feature-delta');
  const r = await recheckTags(api, PROJECT_ID, REPO_ID, expected);
  assert.deepEqual(r.unchanged, ['feature-alpha']);
  assert.deepEqual(r.changed, [
    { name: 'feature-beta', change: 'digest' },
    { name: 'feature-gamma', change: 'created_at' },
    { name: 'feature-delta', change: 'gone' },
  ]);
  // A name-only expectation (the tree had not shown details) is checked for existence only.
  const nameOnly = await recheckTags(api, PROJECT_ID, REPO_ID, [{ name: 'feature-beta' }, { name: 'feature-delta' }]);
  assert.deepEqual(nameOnly.unchanged, ['feature-beta']);
  assert.deepEqual(nameOnly.changed, [{ name: 'feature-delta', change: 'gone' }]);
});

test('recheckPreview: nothing changed → exactly the preview; a keep_n tag gone → a previewed tag is kept now', async () => {
  const { d, api } = await fresh();
  const rule = { deleteRegex: 'feature-.*', keepN: 2 };
  const preview = await previewRule(api, PROJECT_ID, REPO_ID, rule);
  assert.deepEqual(preview.delete, ['feature-delta', 'feature-epsilon', 'feature-eta', 'feature-gamma', 'feature-theta', 'feature-zeta']);
  assert.deepEqual(await recheckPreview(api, PROJECT_ID, REPO_ID, preview, rule), { delete: preview.delete, changed: [], nowKept: [] });

  await removeTag(d, PROJECT_ID, REPO_ID, 'feature-alpha'); // one of the 2 newest: feature-gamma moves up
  await repushTag(d, PROJECT_ID, REPO_ID, 'feature-theta', 'v1.0.0');
  const plan = await recheckPreview(api, PROJECT_ID, REPO_ID, preview, rule);
  assert.deepEqual(plan, {
    delete: ['feature-delta', 'feature-epsilon', 'feature-eta', 'feature-zeta'],
    changed: [{ name: 'feature-theta', change: 'digest' }],
    nowKept: [{ name: 'feature-gamma', reason: 'keep_n' }],
  });
});

test('recheckPreview over most of the repository (full listing): a re-pushed and a removed tag are found', async () => {
  const { d, api } = await fresh();
  const rule = { deleteRegex: '.*', keepN: 1 };
  const preview = await previewRule(api, PROJECT_ID, REPO_ID, rule);
  assert.equal(preview.delete.length, 28); // 30 tags: latest, and pr-123 (no date = newest) kept
  await repushTag(d, PROJECT_ID, REPO_ID, 'v1.0.0', 'main-a1c2c6');
  await removeTag(d, PROJECT_ID, REPO_ID, 'feature-eta');
  d.resetLog();
  const plan = await recheckPreview(api, PROJECT_ID, REPO_ID, preview, rule);
  assert.deepEqual(plan.changed, [{ name: 'feature-eta', change: 'gone' }, { name: 'v1.0.0', change: 'digest' }]);
  assert.deepEqual(plan.nowKept, []);
  assert.deepEqual(plan.delete, preview.delete.filter((n) => n !== 'feature-eta' && n !== 'v1.0.0'));
  assert.ok(!d.requests.some((q) => /\/tags\/[^/]+$/.test(q.path)), 'no per-tag reads: the list was read whole');
});

/** Runs `glcr bulk` in this process with an API that lets `between` act once the preview has read the tags. */
async function bulkInProcess(d: GitLabDouble, api: RegistryApi, args: string[], between: () => Promise<void>): Promise<{ code: number; out: string[]; err: string[] }> {
  let fired = false;
  const wrapped = new Proxy(api, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'listTagDetails' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (...a: unknown[]) => {
        const result = await (value as (...x: unknown[]) => Promise<unknown>).apply(target, a);
        if (!fired && a[2] === undefined) { // the preview's full read
          fired = true;
          await between();
        }
        return result;
      };
    },
  });
  const out: string[] = [];
  const err: string[] = [];
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('--')) positionals.push(args[i]);
    else if (['--yes', '--json'].includes(args[i])) flags[args[i].slice(2)] = true;
    else flags[args[i].slice(2)] = args[++i];
  }
  const ctx: CliContext = {
    args: positionals, flags, json: flags.json === true, verbose: false, env: {}, signal: new AbortController().signal,
    stdout: (t) => out.push(t), stderr: (t) => err.push(t), readStdin: async () => '', addSecret: () => undefined,
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    api: () => wrapped,
    storage: () => { throw new Error('this test reads no registry'); },
  };
  const code = await bulkCommand.run(ctx);
  assert.ok(fired, 'the re-push happened between preview and delete');
  return { code, out, err };
}

test('glcr bulk --yes: a tag re-pushed between preview and delete is not deleted and is reported; exit 1', async () => {
  const { d, api } = await fresh();
  const r = await bulkInProcess(d, api, [BUILDER, '.', '--delete', 'feature-.*', '--keep-n', '2', '--yes', '--json'],
    () => repushTag(d, PROJECT_ID, REPO_ID, 'feature-delta', 'main-a1c2c6'));
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.out.join('\n')), {
    deleted: ['feature-epsilon', 'feature-eta', 'feature-gamma', 'feature-theta', 'feature-zeta'],
    failed: [{ tag: 'feature-delta', error: 'changed since the preview — not deleted (it now points to another image)' }],
  });
  assert.ok(r.err.includes('glcr: tag "feature-delta" not deleted: changed since the preview — not deleted (it now points to another image)'), r.err.join('\n'));
  // The re-pushed tag and the two kept ones are still there; feature-beta too, though the re-push made the
  // rule select it now: it was not in the preview.
  assert.deepEqual(tagNames(d, 'feature-'), ['feature-alpha', 'feature-beta', 'feature-delta']);
  assert.equal(shown(d, 'feature-delta').digest, shown(d, 'main-a1c2c6').digest);
});

test('glcr bulk --yes: a keep_n tag removed meanwhile → the next newest is kept, not deleted', async () => {
  const { d, api } = await fresh();
  const r = await bulkInProcess(d, api, [BUILDER, '.', '--delete', 'feature-.*', '--keep-n', '2', '--yes', '--json'],
    () => removeTag(d, PROJECT_ID, REPO_ID, 'feature-alpha'));
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.out.join('\n')), {
    deleted: ['feature-delta', 'feature-epsilon', 'feature-eta', 'feature-theta', 'feature-zeta'],
    failed: [{ tag: 'feature-gamma', error: 'changed since the preview — not deleted (other tags changed; the rule now keeps it: keep_n)' }],
  });
  assert.deepEqual(tagNames(d, 'feature-'), ['feature-beta', 'feature-gamma']);
});
