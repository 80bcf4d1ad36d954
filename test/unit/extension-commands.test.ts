// package.json contributions against src/extension/commandIds.ts: a renamed command cannot silently
// break a menu, a keybinding or a title. Plain Node: commandIds.ts has no vscode import.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { CommandIds, ContextKeys, Traits, VIEW_CONTAINER_ID, VIEW_ID, contextValue } from '../../src/extension/commandIds';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
const contributes = pkg.contributes;
const contributed: { command: string; title: string; category?: string }[] = contributes.commands;
const ids = new Set<string>(Object.values(CommandIds));
const localise = (value: string): string => (/^%.+%$/.test(value) ? nls[value.slice(1, -1)] : value);

describe('package.json commands', () => {
  test('every command id constant is contributed, and nothing else', () => {
    assert.deepEqual(new Set(contributed.map((c) => c.command)), ids);
  });

  test('ids are gitlabRegistry.<camelCaseTitle>', () => {
    for (const c of contributed) {
      const title = localise(c.title).replace('…', '').replace(/-/g, ' ');
      const camel = title.split(/\s+/).filter(Boolean).map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase())).join('');
      assert.equal(c.command.toLowerCase(), `gitlabRegistry.${camel}`.toLowerCase(), c.command);
    }
  });

  test('every command has a localised title and the category GitLab Registry', () => {
    for (const c of contributed) {
      assert.match(c.title, /^%.+%$/, `${c.command} title goes through package.nls.json`);
      assert.ok(localise(c.title), `${c.command} has a title in package.nls.json`);
      assert.equal(localise(c.category ?? ''), 'GitLab Registry', `${c.command} category`);
    }
  });

  test('the contract titles', () => {
    const title = (id: string) => localise(contributed.find((c) => c.command === id)!.title);
    assert.equal(title(CommandIds.addAccount), 'Add Account');
    assert.equal(title(CommandIds.removeAccount), 'Remove Account');
    assert.equal(title(CommandIds.refresh), 'Refresh');
    assert.equal(title(CommandIds.deleteTag), 'Delete Tag');
    assert.equal(title(CommandIds.deleteRepository), 'Delete Repository');
    assert.equal(title(CommandIds.copyImageReference), 'Copy Image Reference');
    assert.equal(title(CommandIds.copyDigest), 'Copy Digest');
    assert.equal(title(CommandIds.openInBrowser), 'Open in Browser');
    assert.equal(title(CommandIds.deleteTagsByRule), 'Delete Tags by Rule…');
    assert.equal(title(CommandIds.editCleanupPolicy), 'Edit Cleanup Policy');
    assert.equal(title(CommandIds.previewCleanupPolicy), 'Preview Cleanup Policy');
  });

  test('menus and keybindings reference only existing commands', () => {
    for (const [menu, items] of Object.entries(contributes.menus as Record<string, { command: string }[]>)) {
      for (const item of items) assert.ok(ids.has(item.command), `${menu}: ${item.command}`);
    }
    for (const k of contributes.keybindings) assert.ok(ids.has(k.command), `keybinding ${k.command}`);
  });

  test('delete entries are direct context-menu entries in their own group', () => {
    const context: { command: string; group?: string }[] = contributes.menus['view/item/context'];
    const deleteIds: string[] = [CommandIds.deleteTag, CommandIds.deleteRepository, CommandIds.deleteTagsByRule];
    const deletes = context.filter((m) => deleteIds.includes(m.command));
    const nonInline = deletes.filter((m) => !m.group?.startsWith('inline'));
    for (const id of deleteIds) assert.ok(nonInline.some((m) => m.command === id), id);
    const groups = new Set(nonInline.map((m) => m.group!.split('@')[0]));
    assert.equal(groups.size, 1);
    const others = context.filter((m) => !deletes.includes(m) && m.command !== CommandIds.removeAccount && !m.group?.startsWith('inline'));
    for (const o of others) assert.ok(!groups.has(o.group!.split('@')[0]), `${o.command} shares the delete group`);
    assert.ok(!contributes.submenus, 'no submenus');
  });

  test('delete entries are hidden for read-only accounts (writable trait) and the Delete key works in the view', () => {
    const context: { command: string; when: string }[] = contributes.menus['view/item/context'];
    const writes: string[] = [CommandIds.deleteTag, CommandIds.deleteRepository, CommandIds.deleteTagsByRule, CommandIds.editCleanupPolicy];
    for (const m of context.filter((m) => writes.includes(m.command))) {
      assert.match(m.when, new RegExp(Traits.writable));
    }
    const del = contributes.keybindings.find((k: { key: string }) => k.key === 'delete');
    assert.equal(del.command, CommandIds.deleteTag);
    assert.equal(del.mac, 'cmd+backspace');
    assert.match(del.when, new RegExp(`focusedView == ${VIEW_ID.replace('.', '\\.')}`));
  });

  test('when clauses use the declared context keys and traits', () => {
    const whens: string[] = Object.values(contributes.menus as Record<string, { when?: string }[]>).flat().map((m) => m.when ?? '');
    const keys = new Set(whens.join(' ').match(/gitlabRegistry\.[A-Za-z]+(?=\s*(==|!=|&&|\|\||$))/g) ?? []);
    for (const k of keys) assert.ok((Object.values(ContextKeys) as string[]).includes(k) || k === VIEW_ID, `unknown context key ${k}`);
    const traits = new Set([...whens.join(' ').matchAll(/\(\^\|;\)\(?([A-Za-z|]+?)\)?\(;\|\$\)/g)].flatMap((m) => m[1].split('|')));
    assert.ok(traits.size > 5, `${[...traits]}`);
    for (const t of traits) assert.ok((Object.values(Traits) as string[]).includes(t), `unknown trait ${t}`);
  });
});

describe('package.json views and settings', () => {
  test('activity-bar container and view', () => {
    const container = contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === VIEW_CONTAINER_ID);
    assert.equal(localise(container.title), 'GitLab Registry');
    const view = contributes.views[VIEW_CONTAINER_ID].find((v: { id: string }) => v.id === VIEW_ID);
    assert.equal(localise(view.name), 'Registries');
    assert.ok(contributes.viewsWelcome.some((w: { view: string; contents: string }) => w.view === VIEW_ID && localise(w.contents).includes(`command:${CommandIds.addAccount}`)));
    // Shown only once the accounts are resolved (no "Add Account" flash before the environment account).
    assert.deepStrictEqual(contributes.viewsWelcome.map((w: { when?: string }) => w.when), [ContextKeys.accountsResolved]);
  });

  test('activation only on the view or commands, and localisation wired', () => {
    assert.ok(Array.isArray(pkg.activationEvents) && pkg.activationEvents.every((e: string) => /^(onView|onCommand):/.test(e)));
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(pkg.l10n, './l10n');
    assert.equal(pkg.engines.vscode, '^1.100.0');
  });

  test('runs on the UI side in remote windows by default, still works on the workspace side', () => {
    assert.deepEqual(pkg.extensionKind, ['ui', 'workspace']);
  });

  test('supported in untrusted and virtual workspaces (reads no workspace files)', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(pkg.capabilities.virtualWorkspaces, true);
    // A folder's own settings must not lower the typed confirmation of large deletions before it is trusted.
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['gitlabRegistry.confirmTypingThreshold']);
  });

  test('settings with documented defaults', () => {
    const p = contributes.configuration.properties;
    assert.equal(p['gitlabRegistry.pageSize'].default, 100);
    assert.equal(p['gitlabRegistry.concurrency'].default, 8);
    assert.deepEqual(p['gitlabRegistry.tagSortOrder'].enum, ['newest', 'name']);
    for (const v of Object.values(p) as { markdownDescription?: string; description?: string }[]) {
      assert.ok(localise(v.markdownDescription ?? v.description ?? ''), 'described');
    }
  });

  test('every %key% in package.json exists in package.nls.json', () => {
    const keys = JSON.stringify(pkg).match(/"%[^"%]+%"/g) ?? [];
    for (const k of keys) assert.ok(nls[k.slice(2, -2)] !== undefined, `missing ${k}`);
  });

  test('icons exist; the product icon is a PNG', () => {
    const icon = fs.readFileSync(path.join(root, pkg.icon));
    assert.deepEqual([...icon.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    assert.ok(fs.existsSync(path.join(root, contributes.viewsContainers.activitybar[0].icon)));
  });
});

describe('contextValue', () => {
  test('sorted, de-duplicated, ;-joined traits', () => {
    assert.equal(contextValue(['tag', 'writable', 'hasDigest', 'tag']), 'hasDigest;tag;writable');
  });
});
