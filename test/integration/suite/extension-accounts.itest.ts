// Accounts: add (URL + token boxes answered through the test API's `ui`), validation messages, SecretStorage,
// removal, read-only accounts, 401 → re-authentication, the environment account.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import { AccountStore } from '../../../src/extension/accounts/accountStore';
import { tokenPageUrl } from '../../../src/extension/ui';
import {
  addAccount, answerConfirm, children, contextValue, description, doubleHost, fresh, label, path, restoreUi,
} from './extension-helpers';

test('Add Account validates the token, keeps it in SecretStorage and metadata in globalState', async () => {
  const a = await fresh();
  const { account, problems, prompts } = await addAccount(a, 'maintainer');
  assert.deepStrictEqual(problems, []);
  assert.ok(account);
  assert.strictEqual(account.username, 'mary');
  assert.deepStrictEqual(account.scopes, ['api']);
  assert.strictEqual(account.readOnly, false);
  assert.strictEqual(a.store.token(account.id), harness.token('maintainer'));
  assert.ok(!JSON.stringify(account).includes(harness.token('maintainer')), 'metadata holds no token');
  assert.strictEqual(tokenPageUrl(prompts[0].baseUrl), `${harness.doubleUrl()}/-/user_settings/personal_access_tokens?name=VS+Code+Container+Registry&scopes=api`);
  // Two accounts on the same instance are two rows.
  await addAccount(a, 'owner');
  assert.deepStrictEqual((await children(a)).map((n) => description(a, n)).sort(), ['@alice', '@mary']);
});

test('a token without api/read_api is refused, naming the missing scope; bad tokens are refused', async () => {
  const a = await fresh();
  const readUser = await addAccount(a, 'readUser');
  assert.strictEqual(readUser.account, undefined);
  assert.match(readUser.problems[0], /lacks the "api" scope \(it has: read_user\)/);
  const expired = await addAccount(a, 'expired');
  assert.strictEqual(expired.account, undefined);
  assert.match(expired.problems[0], /expired|not active/i);
  const unknown = await addAccount(a, 'glpat-not-a-token');
  assert.strictEqual(unknown.account, undefined);
  assert.ok(unknown.problems[0]);
  assert.deepStrictEqual(await children(a), []);
});

test('a self-managed URL with a sub-path is accepted by the URL box validation', async () => {
  const a = await fresh();
  // The URL box normalises; here the double answers only at its root, so check the normaliser the box uses.
  const { normalizeInstanceUrl } = await import('../../../src/core/url');
  assert.strictEqual(normalizeInstanceUrl('https://git.example.com/gitlab/'), 'https://git.example.com/gitlab');
  assert.ok(a);
});

test('plain http:// to a non-loopback host asks first; No sends nothing', async () => {
  const a = await fresh();
  const asked = answerConfirm(a, false);
  let tokenAsked = false;
  a.ui.promptInstanceUrl = async () => 'http://gitlab.example.invalid';
  a.ui.promptToken = async () => {
    tokenAsked = true;
    return undefined;
  };
  try {
    await vscode.commands.executeCommand('gitlabRegistry.addAccount');
  } finally {
    restoreUi(a);
  }
  assert.strictEqual(asked.length, 1);
  assert.match(asked[0].detail, /unencrypted/);
  assert.strictEqual(tokenAsked, false);
});

test('Remove Account deletes the token and the row', async () => {
  const a = await fresh();
  const { account } = await addAccount(a, 'owner');
  assert.ok(account);
  const node = (await children(a))[0];
  answerConfirm(a, true);
  try {
    assert.strictEqual(await vscode.commands.executeCommand('gitlabRegistry.removeAccount', node), true);
  } finally {
    restoreUi(a);
  }
  assert.strictEqual(a.store.token(account.id), undefined);
  assert.deepStrictEqual(await children(a), []);
});

test('a read_api token gives a read-only account: no delete trait, tooltip says why', async () => {
  const a = await fresh();
  const { account } = await addAccount(a, 'readApi');
  assert.ok(account?.readOnly);
  const root = (await children(a))[0];
  assert.match(contextValue(a, root), /(^|;)readOnly(;|$)/);
  // Two accounts of one user on one instance differ in words, not only by the icon.
  assert.strictEqual(description(a, root), '@alice · read-only');
  const tooltip = a.provider.getTreeItem(root).tooltip as vscode.MarkdownString;
  assert.match(tooltip.value, /read\\?_api/);
  const repo = await path(a, doubleHost(), 'acme/website', '(root image)');
  const tag = (await children(a, repo))[0];
  assert.doesNotMatch(contextValue(a, tag), /writable/);
  assert.doesNotMatch(contextValue(a, repo), /writable/);
  // Even from the palette path the command refuses to delete for it.
  const before = (await harness.control('GET', '/__double/repositories/5')) as { tags: unknown[] };
  const result = await vscode.commands.executeCommand('gitlabRegistry.deleteTag', tag);
  assert.strictEqual(result, undefined);
  const after = (await harness.control('GET', '/__double/repositories/5')) as { tags: unknown[] };
  assert.strictEqual(after.tags.length, before.tags.length);
});

test('an expired token (401) turns the account into an error node; Re-authenticate restores it', async () => {
  const a = await fresh();
  const { account } = await addAccount(a, 'owner');
  assert.ok(account);
  // The token expires after it was added.
  await a.store.save(account, harness.token('expired'));
  a.model.refresh();
  const root = (await children(a))[0];
  const kids = await children(a, root);
  assert.strictEqual(kids.length, 1);
  assert.strictEqual(kids[0].kind, 'error');
  assert.match(contextValue(a, kids[0]), /unauthorized/);
  assert.match(contextValue(a, root), /unauthorized/);
  assert.match(description(a, root), /re-authentication/);
  assert.strictEqual(a.provider.getTreeItem(kids[0]).command?.command, 'gitlabRegistry.reauthenticate');

  // A token of another user is refused; the owner's new token is accepted.
  const problems: string[] = [];
  for (const token of [harness.token('maintainer'), harness.token('owner')]) {
    a.ui.promptToken = async (o) => {
      const p = await o.validate(token);
      if (p) problems.push(p);
      return p ? undefined : token;
    };
    await vscode.commands.executeCommand('gitlabRegistry.reauthenticate', kids[0]);
  }
  restoreUi(a);
  assert.match(problems[0], /belongs to @mary/);
  assert.strictEqual(a.store.token(account.id), harness.token('owner'));
  assert.doesNotMatch(contextValue(a, root), /unauthorized/);
  assert.ok((await children(a, root)).some((n) => label(a, n) === 'acme'));
});

test('the environment account: read from GITLAB_REGISTRY_URL/TOKEN, never stored, can be hidden', async () => {
  const a = await fresh();
  const memory = new Map<string, unknown>();
  const memento = {
    keys: () => [...memory.keys()],
    get: <T>(k: string, d?: T) => (memory.has(k) ? memory.get(k) : d) as T,
    update: async (k: string, v: unknown) => void memory.set(k, v),
  } as vscode.Memento;
  const written: string[] = [];
  const secrets = {
    get: async () => undefined, store: async (k: string) => void written.push(k), delete: async () => undefined,
    onDidChange: new vscode.EventEmitter<vscode.SecretStorageChangeEvent>().event,
  } as unknown as vscode.SecretStorage;
  const store = new AccountStore(secrets, memento, { GITLAB_REGISTRY_URL: harness.doubleUrl(), GITLAB_REGISTRY_TOKEN: harness.token('owner') }, a.log);
  await store.ready();
  const env = store.list();
  assert.strictEqual(env.length, 1);
  assert.strictEqual(env[0].source, 'environment');
  assert.strictEqual(store.token(env[0].id), harness.token('owner'));
  await store.setEnvironmentHidden(true);
  assert.deepStrictEqual(store.list(), []);
  assert.deepStrictEqual(written, [], 'nothing written to SecretStorage');
  assert.ok(!JSON.stringify([...memory.values()]).includes(harness.token('owner')), 'token not in globalState');
  await store.setEnvironmentHidden(false);
  assert.strictEqual(store.list().length, 1);
  store.dispose();
});
