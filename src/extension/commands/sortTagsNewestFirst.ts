import type { CommandContext } from './context';
import { setTagSortOrder } from './sortTagsByName';

export async function sortTagsNewestFirst(_ctx: CommandContext): Promise<void> {
  await setTagSortOrder('newest');
}
