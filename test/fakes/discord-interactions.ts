import {
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataSubcommandOption,
  type APIGuildTextChannel,
  type APIPartialEmoji,
  type APIUser,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
} from 'discord.js';
import { interactionMember, message, snowflake } from './discord-payloads.ts';
import type { RestWorld } from './discord-rest.ts';

/** Someone in the fake guild: who they are and their permissions in the channel. */
export interface Actor {
  user: APIUser;
  permissions: bigint;
  roles: string[];
}

/** An interaction the fake dispatched; its token names the webhook routes the reply goes to. */
export interface SentInteraction {
  id: string;
  token: string;
}

export type OptionValue = string | number | boolean;

/** Gateway events a test can make happen, as Discord would deliver them. */
export interface FakeInteractions {
  /** `/papers <subcommand> …options` typed by `as` (default: alice). */
  command(subcommand: string, options?: Record<string, OptionValue>, as?: Actor): SentInteraction;
  /**
   * A command as an older registration still sends it until the commands are registered again: `/<name>`
   * with `options` given directly, no subcommand (a renamed command, or /papers before its subcommands).
   */
  staleCommand(name: string, options?: Record<string, OptionValue>, as?: Actor): SentInteraction;
  /** An autocomplete request while typing `focused` of such a stale `/<name>`. */
  staleAutocomplete(name: string, focused: string, options: Record<string, OptionValue>): SentInteraction;
  /** An autocomplete request while typing `focused` of `/papers <subcommand>`. */
  autocomplete(
    subcommand: string,
    focused: string,
    options: Record<string, OptionValue>,
    as?: Actor,
  ): SentInteraction;
  /** A press of the button `customId` on `messageId` (default: a fresh message the bot sent). */
  button(customId: string, as?: Actor, messageId?: string): SentInteraction;
  /**
   * MESSAGE_REACTION_ADD, for any message id (known to the client or not). `burst`: a super reaction,
   * which a person may give beside a normal one of the same emoji.
   */
  reactionAdd(messageId: string, emoji: APIPartialEmoji, by: APIUser, options?: { burst?: boolean }): void;
  /** MESSAGE_REACTION_REMOVE (`burst`: of a super reaction). */
  reactionRemove(messageId: string, emoji: APIPartialEmoji, by: APIUser, options?: { burst?: boolean }): void;
}

interface Context {
  applicationId: string;
  guildId: string;
  channel: APIGuildTextChannel<ChannelType.GuildText>;
  defaultActor: Actor;
  dispatch(t: string, d: unknown): void;
  world: RestWorld;
}

export function buildInteractions(ctx: Context): FakeInteractions {
  const commandId = snowflake();
  const base = (type: InteractionType, as: Actor) => {
    const id = snowflake();
    const token = `itoken-${id}`;
    ctx.world.interactionChannels.set(token, ctx.channel.id);
    return {
      sent: { id, token },
      payload: {
        id,
        token,
        type,
        application_id: ctx.applicationId,
        version: 1,
        guild_id: ctx.guildId,
        channel_id: ctx.channel.id,
        channel: ctx.channel,
        member: interactionMember(as.user, as.permissions, as.roles),
        app_permissions: '2147483647',
        locale: Locale.EnglishUS,
        guild_locale: Locale.EnglishUS,
        entitlements: [],
        authorizing_integration_owners: { '0': ctx.guildId },
        context: InteractionContextType.Guild,
        attachment_size_limit: 8_388_608,
      },
    };
  };
  const subcommandData = (
    subcommand: string,
    options: Record<string, OptionValue>,
    focused?: string,
  ): APIApplicationCommandInteractionDataSubcommandOption => ({
    type: ApplicationCommandOptionType.Subcommand,
    name: subcommand,
    options: Object.entries(options).map(
      ([name, value]) =>
        ({
          name,
          value,
          type:
            typeof value === 'number'
              ? ApplicationCommandOptionType.Integer
              : typeof value === 'boolean'
                ? ApplicationCommandOptionType.Boolean
                : ApplicationCommandOptionType.String,
          ...(name === focused ? { focused: true } : {}),
        }) as APIApplicationCommandInteractionDataBasicOption,
    ),
  });
  const commandData = (sub: APIApplicationCommandInteractionDataSubcommandOption) => ({
    id: commandId,
    name: 'papers',
    type: ApplicationCommandType.ChatInput,
    guild_id: ctx.guildId,
    options: [sub],
  });
  // A command of an older registration: its options at the top, under an id Discord has since forgotten.
  const staleData = (name: string, options: Record<string, OptionValue>, focused?: string) => ({
    id: snowflake(),
    name,
    type: ApplicationCommandType.ChatInput,
    guild_id: ctx.guildId,
    options: subcommandData('', options, focused).options ?? [],
  });
  // type: 0 a normal reaction, 1 a super (burst) reaction.
  const reaction = (messageId: string, emoji: APIPartialEmoji, by: APIUser, burst = false) => ({
    user_id: by.id,
    channel_id: ctx.channel.id,
    message_id: messageId,
    guild_id: ctx.guildId,
    emoji,
    burst,
    type: burst ? 1 : 0,
  });

  return {
    command(subcommand, options = {}, as = ctx.defaultActor) {
      const { sent, payload } = base(InteractionType.ApplicationCommand, as);
      ctx.dispatch('INTERACTION_CREATE', {
        ...payload,
        data: commandData(subcommandData(subcommand, options)),
      });
      return sent;
    },
    staleCommand(name, options = {}, as = ctx.defaultActor) {
      const { sent, payload } = base(InteractionType.ApplicationCommand, as);
      ctx.dispatch('INTERACTION_CREATE', { ...payload, data: staleData(name, options) });
      return sent;
    },
    staleAutocomplete(name, focused, options) {
      const { sent, payload } = base(InteractionType.ApplicationCommandAutocomplete, ctx.defaultActor);
      ctx.dispatch('INTERACTION_CREATE', { ...payload, data: staleData(name, options, focused) });
      return sent;
    },
    autocomplete(subcommand, focused, options, as = ctx.defaultActor) {
      const { sent, payload } = base(InteractionType.ApplicationCommandAutocomplete, as);
      const data = commandData(subcommandData(subcommand, options, focused));
      ctx.dispatch('INTERACTION_CREATE', { ...payload, data });
      return sent;
    },
    button(customId, as = ctx.defaultActor, messageId) {
      const { sent, payload } = base(InteractionType.MessageComponent, as);
      const shown =
        (messageId ? ctx.world.messages.get(messageId) : undefined) ??
        message(messageId ?? snowflake(), ctx.channel.id, ctx.world.botUser, {}, 64);
      ctx.dispatch('INTERACTION_CREATE', {
        ...payload,
        message: shown,
        data: { custom_id: customId, component_type: ComponentType.Button },
      });
      return sent;
    },
    reactionAdd(messageId, emoji, by, { burst = false } = {}) {
      const member = {
        user: by,
        roles: [],
        joined_at: '2024-01-01T00:00:00.000Z',
        deaf: false,
        mute: false,
        flags: 0,
      };
      ctx.dispatch('MESSAGE_REACTION_ADD', {
        ...reaction(messageId, emoji, by, burst),
        member,
        burst_colors: burst ? ['#ff9d00'] : [],
      });
    },
    reactionRemove(messageId, emoji, by, { burst = false } = {}) {
      ctx.dispatch('MESSAGE_REACTION_REMOVE', reaction(messageId, emoji, by, burst));
    },
  };
}
