// The command table. Order here is the order in `glcr help`. To add a command, write
// commands/<name>.ts exporting a `Command` (see ../command.ts) and list it below; multi-word commands
// (`image rm`, later `policy set`) match by their longest word prefix, so `policy` and `policy set`
// can coexist.
import type { Command } from '../command';
import { bulkCommand } from './bulk';
import { duCommand } from './du';
import { imageRmCommand } from './imageRm';
import { policyCommand, policyPreviewCommand, policySetCommand } from './policy';
import { projectsCommand } from './projects';
import { reposCommand } from './repos';
import { restoreCommand } from './restore';
import { rmCommand } from './rm';
import { rmRepoCommand } from './rmRepo';
import { summaryCommand } from './summary';
import { tagsCommand } from './tags';

export const COMMANDS: readonly Command[] = [
  projectsCommand,
  reposCommand,
  tagsCommand,
  rmCommand,
  rmRepoCommand,
  imageRmCommand,
  bulkCommand,
  restoreCommand,
  policyCommand,
  policySetCommand,
  policyPreviewCommand,
  summaryCommand,
  duCommand,
];
