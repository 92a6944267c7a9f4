import type { CommandDefinition } from './types.ts';

/**
 * `/papers roundup …`: reserved for channel roundup settings, which arrive with the scheduler. Until then
 * it answers that roundups are not available, so the word never falls through to a search.
 */
export const roundupCommand: CommandDefinition = {
  name: 'roundup',
  description: 'Channel roundup settings (not available yet)',
  options: [
    {
      name: 'settings',
      description: 'Roundup settings',
      type: 'string',
      required: false,
      rest: true,
    },
  ],
  async run() {
    return { visibility: 'ephemeral', text: 'Channel roundups are not set up in this version yet.' };
  },
};
