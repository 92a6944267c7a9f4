import {
  type APIGuildMember,
  type APIGuildTextChannel,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIRole,
  type APIUser,
  type ChannelFlags,
  ChannelType,
  type GatewayGuildCreateDispatchData,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  type GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  MessageType,
  PermissionFlagsBits,
  type RoleFlags,
} from 'discord.js';

/**
 * Payload builders for the fake Discord, shaped after discord-api-types (v10) so that discord.js parses
 * them exactly as it parses Discord's. Ids are snowflakes from one increasing counter.
 */

let next = 1_300_000_000_000_000_000n;
/** A fresh snowflake (numeric string), increasing across the process. */
export function snowflake(): string {
  next += 4_194_304n; // one millisecond later in snowflake time
  return next.toString();
}

/** Permissions of an ordinary member: view, send, read history, add reactions, use application commands. */
export const MEMBER_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.UseApplicationCommands;

export function user(id: string, username: string, bot = false): APIUser {
  return { id, username, discriminator: '0', global_name: username, avatar: null, bot };
}

export function guildMember(u: APIUser, roles: string[] = []): APIGuildMember {
  return {
    user: u,
    nick: null,
    roles,
    joined_at: '2024-01-01T00:00:00.000Z',
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
  };
}

/** A member as an interaction carries it: with the permissions computed for the channel. */
export function interactionMember(u: APIUser, permissions: bigint, roles: string[] = []) {
  return {
    ...guildMember(u, roles),
    permissions: permissions.toString(),
  } satisfies APIInteractionGuildMember;
}

export function role(id: string, name: string, permissions: bigint, position = 0): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

export function textChannel(
  id: string,
  guildId: string,
  name: string,
): APIGuildTextChannel<ChannelType.GuildText> {
  return {
    id,
    type: ChannelType.GuildText,
    guild_id: guildId,
    name,
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    parent_id: null,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0 as ChannelFlags,
  };
}

export interface GuildSetup {
  guildId: string;
  ownerId: string;
  channel: APIGuildTextChannel<ChannelType.GuildText>;
  members: APIGuildMember[];
  roles: APIRole[];
}

/** The GUILD_CREATE a bot receives after READY for a guild it is in (the Guilds intent). */
export function guildCreate(setup: GuildSetup): GatewayGuildCreateDispatchData {
  return {
    id: setup.guildId,
    name: 'Paper Club',
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: setup.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: setup.roles,
    emojis: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: '2024-01-01T00:00:00.000Z',
    large: false,
    member_count: setup.members.length,
    voice_states: [],
    members: setup.members,
    channels: [setup.channel],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A message as REST returns it for POST /channels/{id}/messages and PATCH of a webhook message. */
export function message(
  id: string,
  channelId: string,
  author: APIUser,
  body: Record<string, unknown>,
  flags = 0,
): APIMessage {
  return {
    id,
    channel_id: channelId,
    author,
    content: typeof body.content === 'string' ? body.content : '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: Array.isArray(body.embeds) ? (body.embeds as APIMessage['embeds']) : [],
    components: Array.isArray(body.components) ? (body.components as APIMessage['components']) : [],
    pinned: false,
    type: MessageType.Default,
    flags,
  };
}
