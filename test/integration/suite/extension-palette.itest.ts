// Delete Tag from the command palette (no node): quick picks walk account → project → repository → tags,
// answered through the test API's `ui`; the outcome is checked in the double's state and request log.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import type { TagDeletionOutcome } from '../../../src/extension/commands/deleteTag';
import type { Account } from '../../../src/extension/accounts/account';
import type { Project, Repository, Tag } from '../../../src/core/types';
import type { PickItem } from '../../../src/extension/ui';
import {
  addAccount, doubleHost, doubleRepo, doubleTagNames, fresh, removeAllAccounts, requests, restoreUi, type GitLabRegistryApi,
} from './extension-helpers';

const PROJECT = 'acme/platform/My.Project';
/** Repository 1, the project's root repository: latest, main and v1.2.3 share one digest. */
const ROOT_REPOSITORY_ID = 1;
const PICKED = ['latest', 'main'];
const SIBLING = 'v1.2.3';

type Step = 'account' | 'project' | 'repository' | 'tags';

interface Asked {
  steps: { step: Step; placeHolder: string; labels: string[] }[];
  confirms: { message: string; detail: string; button: string }[];
}

/**
 * Answers the palette's prompts: @alice's account, acme/platform/My.Project, its root repository and the
 * tags `PICKED`; `escapeAt` answers that step (and so the whole flow) with undefined, like Escape.
 */
function answerPalette(a: GitLabRegistryApi, ownerId: string, escapeAt?: Step): Asked {
  const asked: Asked = { steps: [], confirms: [] };
  const stepOf = (items: PickItem<unknown>[]): Step => {
    const v = items[0]?.value as Record<string, unknown> | undefined;
    if (v && 'instanceUrl' in v) return 'account';
    if (v && 'path_with_namespace' in v) return 'project';
    if (v && 'project_id' in v) return 'repository';
    return 'tags';
  };
  a.ui.pickOne = (async (items: PickItem<unknown>[], placeHolder: string) => {
    const step = stepOf(items);
    asked.steps.push({ step, placeHolder, labels: items.map((i) => i.label) });
    if (step === escapeAt) return undefined;
    switch (step) {
      case 'account': return items.find((i) => (i.value as Account).id === ownerId)?.value;
      case 'project': return items.find((i) => (i.value as Project).path_with_namespace === PROJECT)?.value;
      case 'repository': return items.find((i) => (i.value as Repository).id === ROOT_REPOSITORY_ID)?.value;
      default: throw new Error(`unexpected single pick at step ${step}`);
    }
  }) as typeof a.ui.pickOne;
  a.ui.pickMany = (async (items: PickItem<unknown>[], placeHolder: string) => {
    asked.steps.push({ step: 'tags', placeHolder, labels: items.map((i) => i.label) });
    if (escapeAt === 'tags') return undefined;
    return items.filter((i) => PICKED.includes((i.value as Tag).name)).map((i) => i.value);
  }) as typeof a.ui.pickMany;
  a.ui.confirm = async (message, detail, button) => {
    asked.confirms.push({ message, detail, button });
    return true;
  };
  return asked;
}

/** Two writable accounts, so that the account step is a real pick; returns @alice's (owner) account id. */
async function twoAccounts(a: GitLabRegistryApi): Promise<string> {
  const { account: owner } = await addAccount(a, 'owner');
  const { account: other } = await addAccount(a, 'maintainer');
  assert.ok(owner && other && owner.id !== other.id, 'two accounts');
  return owner.id;
}

const MUTATIONS = ['deleteTags', 'deleteRepository', 'scheduleBulkDelete', 'updateCleanupPolicy'];

/** Records every mutating RegistryApi call the commands make (GraphQL mutations are not visible in the request log). */
function spyMutations(a: GitLabRegistryApi): { calls: string[]; restore(): void } {
  const clients = a.clients;
  const original = clients.api.bind(clients);
  const calls: string[] = [];
  clients.api = (accountId) => new Proxy(original(accountId), {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof key === 'string' && MUTATIONS.includes(key) && typeof value === 'function') {
        return (...args: unknown[]) => {
          calls.push(key);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return value;
    },
  });
  return { calls, restore: () => { delete (clients as unknown as Record<string, unknown>).api; } };
}

async function allRepositoryTags(): Promise<Record<number, string[]>> {
  const out: Record<number, string[]> = {};
  for (let id = 1; id <= 12; id++) {
    const repo = await doubleRepo(id);
    if (repo) out[id] = repo.tags.map((t) => t.name).sort();
  }
  return out;
}

test('palette: account → project → repository → two tags sharing a digest; exactly those go, the sibling stays', async () => {
  const a = await fresh();
  await harness.restartDouble({ scenario: 'small', registryHost: 'self' }); // the double serves Registry V2 itself
  try {
    const ownerId = await twoAccounts(a);
    const before = (await doubleRepo(ROOT_REPOSITORY_ID))!;
    const digestOf = (name: string) => before.tags.find((t) => t.name === name)?.digest;
    // The seed: the two picked tags and the sibling are one image.
    assert.ok(digestOf('latest'));
    assert.strictEqual(digestOf('main'), digestOf('latest'));
    assert.strictEqual(digestOf(SIBLING), digestOf('latest'));
    const asked = answerPalette(a, ownerId);
    const spy = spyMutations(a);
    let outcome: TagDeletionOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag');
    } finally {
      restoreUi(a);
      spy.restore();
    }
    assert.deepStrictEqual(spy.calls, ['deleteTags'], 'one deletion call for the one repository');
    assert.deepStrictEqual(asked.steps.map((s) => s.step), ['account', 'project', 'repository', 'tags']);
    assert.strictEqual(asked.steps[0].labels.length, 2, 'both accounts offered');
    assert.ok(asked.steps[1].labels.includes(PROJECT), `${asked.steps[1].labels}`);
    assert.ok(asked.steps[2].labels.includes(PROJECT), `root repository labelled with the project path: ${asked.steps[2].labels}`);
    assert.ok(asked.steps[3].labels.includes(SIBLING), `${asked.steps[3].labels}`);
    assert.strictEqual(asked.confirms.length, 1, 'one modal: the tags were recorded for Undo');
    assert.strictEqual(asked.confirms[0].button, 'Delete');
    assert.match(asked.confirms[0].message, /2 tags/);
    assert.match(asked.confirms[0].detail, /my\.project:latest/);
    assert.match(asked.confirms[0].detail, /my\.project:main/);
    assert.deepStrictEqual(outcome?.deleted.slice().sort(), [
      `${doubleHost()}/acme/platform/my.project:latest`,
      `${doubleHost()}/acme/platform/my.project:main`,
    ]);
    assert.deepStrictEqual(outcome?.failed, []);
    const after = (await doubleRepo(ROOT_REPOSITORY_ID))!;
    const expected = before.tags.map((t) => t.name).filter((n) => !PICKED.includes(n)).sort();
    assert.deepStrictEqual(after.tags.map((t) => t.name).sort(), expected);
    assert.ok(after.tags.some((t) => t.name === SIBLING && t.digest === digestOf('latest')), 'the sibling keeps its digest');
    // The tag cache the picker filled follows the deletion.
    const tags = await a.model.tags(ownerId, a.model.repository(ownerId, ROOT_REPOSITORY_ID)!.project_id, ROOT_REPOSITORY_ID);
    assert.deepStrictEqual(tags.map((t) => t.name).sort(), expected);
  } finally {
    await harness.restartDouble({});
  }
});

for (const step of ['account', 'project', 'repository', 'tags'] as const) {
  test(`palette: Escape at the ${step} step deletes nothing and sends no DELETE or mutation`, async () => {
    const a = await fresh();
    const ownerId = await twoAccounts(a);
    const before = await allRepositoryTags();
    await harness.control('POST', '/__double/reset-log');
    const asked = answerPalette(a, ownerId, step);
    const spy = spyMutations(a);
    let result: unknown;
    try {
      result = await vscode.commands.executeCommand('gitlabRegistry.deleteTag');
    } finally {
      restoreUi(a);
      spy.restore();
    }
    assert.deepStrictEqual(spy.calls, [], 'no mutating API call');
    assert.strictEqual(result, undefined);
    assert.strictEqual(asked.steps[asked.steps.length - 1].step, step, `the flow stopped at ${step}`);
    assert.strictEqual(asked.confirms.length, 0, 'no confirmation after Escape');
    const log = await requests();
    const writes = log.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && !(r.method === 'POST' && r.path === '/api/graphql'));
    assert.deepStrictEqual(writes, [], 'no DELETE/PUT/POST besides GraphQL reads');
    assert.deepStrictEqual(await allRepositoryTags(), before, 'every repository keeps its tags');
    assert.deepStrictEqual(await doubleTagNames(ROOT_REPOSITORY_ID), before[ROOT_REPOSITORY_ID]);
  });
}

test('palette: every project is offered, not only the first 100 (large scenario, @mary is in 250)', async () => {
  const a = await fresh();
  await harness.restartDouble({ scenario: 'large' });
  try {
    await addAccount(a, 'maintainer');
    const projectLabels: string[] = [];
    const repositoryLabels: string[] = [];
    a.ui.pickOne = (async (items: PickItem<unknown>[]) => {
      const v = items[0]?.value as Record<string, unknown>;
      if ('path_with_namespace' in v) {
        projectLabels.push(...items.map((i) => i.label));
        return items.find((i) => /\/service-250$/.test(i.label))?.value;
      }
      repositoryLabels.push(...items.map((i) => i.label));
      return undefined; // Escape at the repository step
    }) as typeof a.ui.pickOne;
    try {
      assert.strictEqual(await vscode.commands.executeCommand('gitlabRegistry.deleteTag'), undefined);
    } finally {
      restoreUi(a);
    }
    assert.strictEqual(projectLabels.length, 250, 'all 250 projects');
    assert.strictEqual(new Set(projectLabels).size, 250, 'no project twice');
    assert.strictEqual(repositoryLabels.length, 1, `the repository step of service-250: ${repositoryLabels}`);
    assert.match(repositoryLabels[0], /service-250$/);
  } finally {
    restoreUi(a);
    await removeAllAccounts(a);
    await harness.restartDouble({});
  }
}, { timeout: 60_000 });
