import { citeCommand } from './cite.ts';
import { exportCommand } from './export.ts';
import { createHelpCommand } from './help.ts';
import { likeCommand } from './like.ts';
import { readingListCommand } from './reading-list.ts';
import { roundupCommand } from './roundup.ts';
import { saveCommand } from './save.ts';
import { searchCommand } from './search.ts';
import { shareCommand } from './share.ts';
import { todayCommand } from './today.ts';
import { topCommand } from './top.ts';
import type { CommandDefinition } from './types.ts';
import { watchCommand } from './watch.ts';

export { parseCommandText, resolveOptions, usageOf } from './parse.ts';

/**
 * Every `/papers` subcommand, in the order help lists them and Discord registers them. Listed by hand:
 * adding a subcommand means adding its file and one line here.
 */
export const COMMANDS: readonly CommandDefinition[] = [
  searchCommand,
  todayCommand,
  topCommand,
  shareCommand,
  likeCommand,
  roundupCommand,
  watchCommand,
  citeCommand,
  exportCommand,
  saveCommand,
  readingListCommand,
  createHelpCommand(() => COMMANDS),
];
