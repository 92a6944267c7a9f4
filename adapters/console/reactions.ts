import {
  DEFAULT_READING_LIST_EMOJI,
  DEFAULT_UPVOTE_EMOJI,
  emojiGlyph,
  normalizeEmoji,
} from '../../src/chat/emoji.ts';
import type { MessageRef } from '../../src/chat/platform.ts';

/** What a reaction means to the bot: a vote, a reading-list pin, or nothing it counts. */
export type ReactionMeaning = 'vote' | 'pin' | 'other';

/** The emoji the bot counts, as configured (UPVOTE_EMOJI, READING_LIST_EMOJI). */
export class ReactionMeanings {
  readonly #upvotes: ReadonlySet<string>;
  readonly #pin: string;

  constructor(upvotes: readonly string[] = DEFAULT_UPVOTE_EMOJI, pin = DEFAULT_READING_LIST_EMOJI) {
    this.#upvotes = new Set(upvotes.map(normalizeEmoji));
    this.#pin = normalizeEmoji(pin);
  }

  of(emoji: string): ReactionMeaning {
    const name = normalizeEmoji(emoji);
    if (name === this.#pin) return 'pin';
    return this.#upvotes.has(name) ? 'vote' : 'other';
  }

  /** The reading-list emoji as people see it (📌 unless configured otherwise). */
  get pinGlyph(): string {
    return emojiGlyph(this.#pin);
  }

  /** The counted emoji in words, for telling someone which reactions do something. */
  describe(): string {
    const votes = [...this.#upvotes].map(emojiGlyph).join(' ');
    return `${votes} (votes) and ${emojiGlyph(this.#pin)} (the reading list)`;
  }
}

/**
 * The person's reactions on the console's messages, as Slack and Discord keep them on theirs: one of each
 * emoji a message, so giving it again changes nothing and only a reaction given can be taken back. The
 * console's message refs are this session's own, so what it holds here is all there is on them. Emoji
 * are held by their normalised name (`:+1:` and 👍 are one), with the form first typed, which is what the
 * archive recorded and so what taking it back must name.
 */
export class GivenReactions {
  readonly #given = new Map<MessageRef, Map<string, string>>();

  /** The emoji as first typed, when this reaction is on the message. */
  typed(message: MessageRef, emoji: string): string | undefined {
    return this.#given.get(message)?.get(normalizeEmoji(emoji));
  }

  add(message: MessageRef, emoji: string): void {
    const on = this.#given.get(message) ?? new Map<string, string>();
    on.set(normalizeEmoji(emoji), emoji);
    this.#given.set(message, on);
  }

  remove(message: MessageRef, emoji: string): void {
    this.#given.get(message)?.delete(normalizeEmoji(emoji));
  }
}
