// After a restore the tree changes only where tags came back: each restored record's repository is listed
// again, under every account on the record's instance. A record without a repository id (written before
// the journal had one) cannot be placed, so then the whole tree is refreshed.
import type { JournalEntry } from '../../core/restore';
import type { CommandContext } from '../commands/context';

export function refreshRestored(ctx: Pick<CommandContext, 'model' | 'store'>, restored: JournalEntry[]): void {
  if (restored.length === 0) return;
  if (restored.some((e) => e.repositoryId === undefined)) return ctx.model.refresh();
  const done = new Set<string>();
  for (const e of restored) {
    for (const account of ctx.store.list().filter((a) => a.instanceUrl === e.instance)) {
      const key = `${account.id}|${e.repositoryId}`;
      if (done.has(key)) continue;
      done.add(key);
      ctx.model.refreshRepository(account.id, e.repositoryId as number);
    }
  }
}
