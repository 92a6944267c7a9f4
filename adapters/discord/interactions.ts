import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  GuildMember,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import type { CommandInvocation, InboundHandlers, Reply } from '../../src/chat/platform.ts';
import type { Logger } from '../../src/log.ts';
import { type Choice, toChoices } from './autocomplete.ts';
import { parseShareCustomId } from './buttons.ts';
import { ROOT_COMMAND } from './commands.ts';
import { channelRef, userRef } from './refs.ts';
import { renderReply } from './render.ts';

export interface InteractionContext {
  handlers: InboundHandlers;
  logger: Logger;
  /** Subcommands deferred publicly (everyone sees the answer); all others are ephemeral. */
  publicSubcommands: ReadonlySet<string>;
}

const FAILED: Reply = {
  visibility: 'ephemeral',
  text: 'Something went wrong while answering. Please try again in a moment.',
};

/** Discord's error codes for an interaction's token past its 15 minutes (50027) or unknown (10015). */
const EXPIRED_WEBHOOK = 50027;
const UNKNOWN_WEBHOOK = 10015;
/** 40005 Request entity too large: an attachment over the server's upload limit. */
const TOO_LARGE = 40005;
const FILE_TOO_LARGE =
  'The file is larger than Discord lets me attach here. Ask for fewer papers, e.g. a shorter period or a narrower search.';

/**
 * Handles one interaction: `/papers` commands, their autocomplete, and Share buttons. Never rejects:
 * failures are logged, and the person gets a one-sentence error instead of "The application did not
 * respond".
 */
export async function handleInteraction(interaction: Interaction, ctx: InteractionContext): Promise<void> {
  try {
    if (interaction.isChatInputCommand()) {
      // Discord keeps offering a command until it is registered again: a renamed or removed command, or
      // /papers from before it had subcommands, still reaches the bot and must be answered within 3 s.
      const current =
        interaction.commandName === ROOT_COMMAND && interaction.options.getSubcommand(false) !== null;
      await (current ? command(interaction, ctx) : unsupported(interaction, 'command'));
    } else if (interaction.isAutocomplete()) {
      // An empty answer, not none: without one Discord shows "Loading options failed".
      await (interaction.commandName === ROOT_COMMAND
        ? autocomplete(interaction, ctx)
        : interaction.respond([]));
    } else if (interaction.isButton()) {
      await button(interaction, ctx);
    }
  } catch (error) {
    ctx.logger.error({ err: error, interaction: interaction.id }, 'Discord interaction failed');
  }
}

async function command(interaction: ChatInputCommandInteraction, ctx: InteractionContext): Promise<void> {
  const subcommand = interaction.options.getSubcommand(true);
  // Discord drops an interaction not answered within 3 s; deferring first buys 15 minutes for the
  // command. Ephemerality is fixed by the deferral, so it is decided from the subcommand alone.
  const ephemeral = !ctx.publicSubcommands.has(subcommand);
  await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  const options: Record<string, string | number | boolean> = {};
  for (const option of interaction.options.data[0]?.options ?? []) {
    if (option.value !== undefined) options[option.name] = option.value;
  }
  const invocation: CommandInvocation = {
    platform: 'discord',
    channel: channelRef(interaction.channelId),
    user: userRef(interaction.user.id),
    userName: displayName(interaction),
    input: { kind: 'options', subcommand, options },
    canManageChannel: interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels) ?? false,
  };
  const reply = await run(() => ctx.handlers.onCommand(invocation), ctx, `/papers ${subcommand}`);
  await answer(interaction, reply, ctx, `/papers ${subcommand}`);
}

/**
 * Replaces the deferred "thinking…" with the reply. Should Discord refuse it (an answer it finds invalid, a
 * file over its size limit, a server error), the person is told so in a sentence rather than left with
 * "thinking…" for good. Nothing more can be said once the interaction's 15 minutes are over.
 */
async function answer(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  reply: Reply,
  ctx: InteractionContext,
  what: string,
): Promise<void> {
  try {
    await interaction.editReply(renderReply(reply));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    ctx.logger.error({ err: error, code }, `Discord refused the answer to ${what}`);
    if (code === EXPIRED_WEBHOOK || code === UNKNOWN_WEBHOOK) return;
    const text = code === TOO_LARGE ? FILE_TOO_LARGE : FAILED.text;
    await interaction.editReply(renderReply({ visibility: 'ephemeral', text }));
  }
}

/** A command this bot no longer has: said in one private sentence. */
async function unsupported(interaction: ChatInputCommandInteraction, what: string): Promise<void> {
  await interaction.reply({
    content: `This ${what} is no longer supported. Use /${ROOT_COMMAND} help to see what there is.`,
    flags: MessageFlags.Ephemeral,
    allowedMentions: { parse: [] },
  });
}

async function autocomplete(interaction: AutocompleteInteraction, ctx: InteractionContext): Promise<void> {
  const focused = interaction.options.getFocused(true);
  let choices: Choice[] = [];
  try {
    const suggestions = await ctx.handlers.onSuggest({
      channel: channelRef(interaction.channelId),
      user: userRef(interaction.user.id),
      subcommand: interaction.options.getSubcommand(false) ?? '',
      option: focused.name,
      value: String(focused.value),
    });
    choices = toChoices(suggestions);
  } catch (error) {
    // An empty list still answers the interaction; the person can type the value by hand.
    ctx.logger.warn({ err: error }, 'Discord autocomplete suggestions failed');
  }
  await interaction.respond(choices);
}

async function button(interaction: ButtonInteraction, ctx: InteractionContext): Promise<void> {
  const paperId = parseShareCustomId(interaction.customId);
  if (!paperId) {
    await interaction.reply({
      content: 'This button is no longer supported.',
      flags: MessageFlags.Ephemeral,
      allowedMentions: { parse: [] },
    });
    return;
  }
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const action = {
    platform: 'discord' as const,
    channel: channelRef(interaction.channelId),
    user: userRef(interaction.user.id),
    userName: displayName(interaction),
    paperId,
  };
  const reply = await run(() => ctx.handlers.onShare(action), ctx, 'Share button');
  await answer(interaction, reply, ctx, 'Share button');
}

async function run(fn: () => Promise<Reply>, ctx: InteractionContext, what: string): Promise<Reply> {
  try {
    return await fn();
  } catch (error) {
    ctx.logger.error({ err: error }, `${what} failed`);
    return FAILED;
  }
}

/** The name people see in the server: nickname, else global display name, else username. */
function displayName(interaction: ChatInputCommandInteraction | ButtonInteraction): string {
  const member = interaction.member;
  if (member instanceof GuildMember) return member.displayName;
  return member?.nick ?? interaction.user.globalName ?? interaction.user.username;
}
