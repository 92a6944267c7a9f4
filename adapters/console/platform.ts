import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { commandLines } from '../../commands/help.ts';
import { COMMANDS } from '../../commands/index.ts';
import type { CommandDefinition } from '../../commands/types.ts';
import {
  type ChannelRef,
  type ChatPlatform,
  type DirectOutcome,
  type InboundHandlers,
  type MessageRef,
  type PaperItem,
  type PostOptions,
  type Reply,
  type ReplyFile,
  replyItems,
  type UserRef,
} from '../../src/chat/platform.ts';
import { latexToText } from '../../src/papers/latex-text.ts';
import { type ConsoleLine, parseConsoleLine } from './input.ts';
import { GivenReactions, type ReactionMeaning, ReactionMeanings } from './reactions.ts';
import { plain, renderReply } from './render.ts';

/** Where the console writes: a stream, or anything with `write` (a test's buffer). */
export interface ConsoleOutput {
  write(chunk: string): unknown;
  /** Prompts are shown only on a terminal; a pipe gets just the replies. */
  isTTY?: boolean;
}

export interface ConsoleOptions {
  input: NodeJS.ReadableStream;
  output: ConsoleOutput;
  /** The person at the keyboard, platform-qualified. Default `console:you`. */
  user?: string;
  /** Their display name, used in "shared by" credits. Default `you`. */
  userName?: string;
  now?: () => Date;
  /** The subcommands the console's help lists: those the bot runs. Default {@link COMMANDS}. */
  commands?: readonly CommandDefinition[];
  /** Where files a reply hands over (exports) are written. Default the current directory. */
  fileDir?: string;
  /** The emoji that count as votes (UPVOTE_EMOJI), so a reaction is said for what it is. Default the bot's. */
  upvoteEmoji?: readonly string[];
  /** The emoji that puts a paper on the reading list (READING_LIST_EMOJI). Default 📌. */
  readingListEmoji?: string;
}

/** The console's one channel: everything the person shares lands here. */
export const CONSOLE_CHANNEL: ChannelRef = 'console:local';
/** The person's direct messages from the bot (watch matches). */
export const CONSOLE_DIRECT: ChannelRef = 'console:direct';

const WELCOME = `paperboy console: you are in ${CONSOLE_CHANNEL}.
Type /papers help, /papers <words> to search, :+1: N to upvote paper N of the last reply, quit to leave.
`;

/** The console's help: every subcommand as `/papers help` lists it, then the keys only the console has. */
function helpText(commands: readonly CommandDefinition[]): string {
  const lines = [
    ...commandLines(commands),
    '<words>  Search without typing /papers',
    ':+1: N  Upvote paper N of the last reply (other upvote emoji work too)',
    '-:+1: N  Take that upvote back',
    ":pushpin: N  Put paper N on the channel's reading list (-:pushpin: N takes it off)",
    'quit  Leave',
  ];
  return `Console keys:\n${lines.map((line) => `  ${line}\n`).join('')}`;
}

/** Why a file could not be saved, in words and with what to do, not the system's `ENOENT: …`. */
function unsaved(code: string | undefined, error: unknown): string {
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return 'that folder does not exist; create it, or set CONSOLE_EXPORT_DIR to another folder.';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return 'this user may not write there; set CONSOLE_EXPORT_DIR to a folder you may write.';
  return `${error instanceof Error ? error.message : String(error)}.`;
}

/** A paper shown in the last reply, and the channel message it lives on once posted. */
interface Shown {
  item: PaperItem;
  message: MessageRef | null;
}

/**
 * A terminal chat over injected streams: one person (`console:you`) in one channel (`console:local`).
 * Lines are handled one at a time, in order, so a reaction always refers to the reply printed before it.
 * Reacting to a private search result first shares it in the channel, so the vote has a message to live
 * on, exactly as a vote in Slack or Discord lives on a posted message.
 */
export class ConsolePlatform implements ChatPlatform {
  readonly name = 'console' as const;
  /** Settles when the person quits, the input ends, or stop() is called. */
  readonly closed: Promise<void>;
  readonly #opts: ConsoleOptions;
  readonly #user: string;
  #rl: Interface | null = null;
  #ended = false;
  /** Set by `quit`: lines typed after it (already buffered in a pipe) are not run. */
  #quitting = false;
  #queue: Promise<void> = Promise.resolve();
  #resolveClosed: () => void = () => {};
  #posts = 0;
  readonly #session = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  #shown: Shown[] = [];
  /** The latest message in the channel showing each paper, so a second vote reuses it. */
  readonly #messageOf = new Map<string, MessageRef>();
  /** True while a reaction shares a paper: that post must not replace the list the person is reading. */
  #sharingForVote = false;
  /** Messages by idempotency key: the terminal is this process's, so a repeat can only come from it. */
  readonly #keys = new Map<string, MessageRef>();
  readonly #meanings: ReactionMeanings;
  readonly #given = new GivenReactions();

  constructor(options: ConsoleOptions) {
    this.#opts = options;
    this.#meanings = new ReactionMeanings(options.upvoteEmoji, options.readingListEmoji);
    this.#user = options.user ?? 'console:you';
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /** Starts reading lines. Resolves once the welcome is printed; lines are handled as they arrive. */
  async start(handlers: InboundHandlers): Promise<void> {
    if (this.#rl) return;
    const rl = createInterface({
      input: this.#opts.input,
      terminal: false,
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    this.#rl = rl;
    rl.on('line', (line) => {
      this.#queue = this.#queue.then(() => this.#handle(handlers, line));
    });
    rl.on('close', () => {
      this.#ended = true;
      void this.#queue.then(() => this.#resolveClosed());
    });
    this.#write(WELCOME);
    this.#prompt();
  }

  /** Stops reading; idempotent. Lines already read are still answered before `closed` settles. */
  async stop(): Promise<void> {
    if (this.#rl) this.#rl.close();
    else this.#resolveClosed();
    await this.closed;
  }

  /**
   * Prints a message in the channel and returns its ref, `console:local:<session>-<n>`: unique across
   * sessions, since the archive (and the votes on these refs) outlives the terminal. A repeated
   * idempotency key prints nothing and returns the first message.
   */
  async post(channel: ChannelRef, reply: Reply, options: PostOptions = {}): Promise<MessageRef> {
    const key = options.idempotencyKey;
    const earlier = key === undefined ? undefined : this.#keys.get(key);
    if (earlier) return earlier;
    this.#posts += 1;
    const message = `${channel}:${this.#session}-${this.#posts}`;
    if (key !== undefined) this.#keys.set(key, message);
    const items = reply.papers ?? [];
    const [only] = items;
    if (items.length === 1 && only) this.#messageOf.set(only.paper.id, message);
    if (!this.#sharingForVote && items.length > 0) {
      this.#shown = items.map((item) => ({ item, message: items.length === 1 ? message : null }));
    }
    this.#write(`[${channel}] paperboy posted:\n${renderReply({ ...reply, papers: items })}`);
    return message;
  }

  /**
   * Prints a direct message to the person at this terminal (`console:direct` is their DM channel). Its
   * papers become the list `:+1: N` reacts to: paper N's vote lands on the message, or on its place N when
   * it shows several, as the bot records a multi-paper DM. Anyone else is not at this terminal.
   */
  async postDirect(user: UserRef, reply: Reply, options: PostOptions = {}): Promise<DirectOutcome> {
    if (user !== this.#user) return { sent: false, unreachable: `${user} is not at this terminal` };
    const key = options.idempotencyKey;
    const earlier = key === undefined ? undefined : this.#keys.get(key);
    if (earlier) return { sent: true, message: earlier, channel: CONSOLE_DIRECT };
    this.#posts += 1;
    const message = `${CONSOLE_DIRECT}:${this.#session}-${this.#posts}`;
    if (key !== undefined) this.#keys.set(key, message);
    const items = reply.papers ?? [];
    this.#shown = items.map((item, i) => ({
      item,
      message: items.length === 1 ? message : `${message}#${i + 1}`,
    }));
    // Votes here land on the DM itself (no share first), so the search results' voting hint would mislead.
    const shown = items.map((item) => ({ ...item, shareable: false }));
    this.#write(`[direct message] paperboy:\n${renderReply({ ...reply, papers: shown })}`);
    return { sent: true, message, channel: CONSOLE_DIRECT };
  }

  /**
   * The person at this terminal sees every channel of the console; the direct-message channel only from
   * within it.
   */
  async visibleChannels(
    _user: UserRef,
    from: ChannelRef,
    channels: readonly ChannelRef[],
  ): Promise<ChannelRef[]> {
    return channels.filter((c) => c === from || (c !== CONSOLE_DIRECT && /^console:[\w-]+$/.test(c)));
  }

  /** The bot's own seed reactions are not shown: in a terminal they would only be noise. */
  async react(): Promise<void> {}

  async #handle(handlers: InboundHandlers, raw: string): Promise<void> {
    if (this.#quitting) return;
    const line = parseConsoleLine(raw);
    try {
      await this.#dispatch(handlers, line);
    } catch (error) {
      // A reaction the archive could not record rejects (the only handler that may); say so and go on.
      this.#write(`Something went wrong: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    this.#prompt();
  }

  async #dispatch(handlers: InboundHandlers, line: ConsoleLine): Promise<void> {
    switch (line.kind) {
      case 'empty':
        return;
      case 'quit':
        this.#quitting = true;
        this.#rl?.close();
        return;
      case 'help':
        this.#write(helpText(this.#opts.commands ?? COMMANDS));
        return;
      case 'unknown':
        this.#write(`"${plain(line.text)}" is not something I know. Type help.\n`);
        return;
      case 'command':
        return this.#command(handlers, line.text);
      case 'react':
        return this.#react(handlers, line.emoji, line.index, line.added);
      case 'no-number':
        this.#write(
          `"${plain(line.text)}" looks like a reaction: give the number of a paper from the last reply, e.g. ${plain(line.emoji)} 1. Nothing changed.\n`,
        );
        return;
    }
  }

  async #command(handlers: InboundHandlers, text: string): Promise<void> {
    const reply = await handlers.onCommand({
      platform: 'console',
      channel: CONSOLE_CHANNEL,
      user: this.#user,
      userName: this.#opts.userName ?? 'you',
      input: { kind: 'text', text },
      canManageChannel: true,
    });
    const items = replyItems(reply);
    if (items.length > 0) {
      this.#shown = items.map((item) => ({
        item,
        message: this.#messageOf.get(item.paper.id) ?? null,
      }));
    }
    this.#write(renderReply(reply.file ? { ...reply, text: this.#save(reply.file, reply.text) } : reply));
  }

  /**
   * Writes a reply's file into {@link ConsoleOptions.fileDir} and returns the reply's text with where it
   * went. An existing file is never overwritten: the name gets `-2`, `-3`… instead.
   */
  #save(file: ReplyFile, text: string | undefined): string {
    const dir = resolve(this.#opts.fileDir ?? process.cwd());
    const dot = file.name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [file.name.slice(0, dot), file.name.slice(dot)] : [file.name, ''];
    for (let n = 1; ; n++) {
      const path = join(dir, n === 1 ? file.name : `${stem}-${n}${ext}`);
      try {
        writeFileSync(path, file.text, { flag: 'wx' });
        return [text, `Saved to ${path}`].filter(Boolean).join('\n');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' && n < 1000) continue;
        return [text, `The file could not be saved in ${dir}: ${unsaved(code, error)}`]
          .filter(Boolean)
          .join('\n');
      }
    }
  }

  /**
   * A reaction typed for paper N of the last reply. As on Slack and Discord, the person's reactions on a
   * message are a set: the same emoji again changes nothing, and only one given can be taken back; each
   * case is said as it is. A vote or a 📌 on a private result first shares the paper, so it has a message
   * to live on; any other emoji does not, since it would count for nothing there (the bot ignores it, and
   * a private result takes no reactions on either platform).
   */
  async #react(handlers: InboundHandlers, emoji: string, index: number, added: boolean): Promise<void> {
    const shown = this.#shown[index - 1];
    if (!shown) {
      this.#write(
        this.#shown.length === 0
          ? 'There are no papers to react to yet: search or type /papers today first.\n'
          : `The last reply shows papers 1 to ${this.#shown.length}; there is no paper ${index}.\n`,
      );
      return;
    }
    const { paper } = shown.item;
    const title = `“${plain(latexToText(paper.title))}”`;
    const meaning = this.#meanings.of(emoji);
    let message = shown.message ?? this.#messageOf.get(paper.id) ?? null;
    const typed = message ? this.#given.typed(message, emoji) : undefined;
    if (!added && typed === undefined) {
      this.#write(`You have not reacted ${emoji} on ${title}, so there is nothing to take back.\n`);
      return;
    }
    if (added && typed !== undefined) {
      this.#write(`You already reacted ${typed} on ${title}; nothing changed.\n`);
      return;
    }
    if (!message && meaning === 'other') {
      this.#write(
        `${emoji} is no vote and no pin, so ${title} was not shared for it: only ${this.#meanings.describe()} count. Nothing changed.\n`,
      );
      return;
    }
    if (!message) {
      message = await this.#shareFor(handlers, paper.id);
      if (!message) return;
    }
    shown.message = message;
    await handlers.onReaction({
      message,
      channel: CONSOLE_CHANNEL,
      user: this.#user,
      // Taking back names the reaction as it was given: the archive keeps the form typed (👍 or :+1:).
      emoji: typed ?? emoji,
      added,
      byBot: false,
      at: (this.#opts.now ?? (() => new Date()))().toISOString(),
    });
    if (added) this.#given.add(message, emoji);
    else this.#given.remove(message, emoji);
    this.#write(`${this.#said(meaning, added, emoji, title)}\n`);
  }

  /** Shares a paper so a reaction has a message to live on; the message, or null when it was not shared. */
  async #shareFor(handlers: InboundHandlers, paperId: string): Promise<MessageRef | null> {
    this.#sharingForVote = true;
    try {
      const reply = await handlers.onShare({
        platform: 'console',
        channel: CONSOLE_CHANNEL,
        user: this.#user,
        userName: this.#opts.userName ?? 'you',
        paperId,
      });
      this.#write(renderReply(reply));
    } finally {
      this.#sharingForVote = false;
    }
    return this.#messageOf.get(paperId) ?? null;
  }

  /** What a reaction given or taken back did, in one sentence. */
  #said(meaning: ReactionMeaning, added: boolean, emoji: string, title: string): string {
    if (meaning === 'pin') {
      return added
        ? `You reacted ${emoji} on ${title}: it is on this channel's reading list (/papers list).`
        : `You took back ${emoji} on ${title}; it stays on the reading list only while another ${this.#meanings.pinGlyph} or a /papers save holds it.`;
    }
    const did = `${added ? 'You reacted' : 'You took back'} ${emoji} on ${title}.`;
    return meaning === 'vote' ? did : `${did} Only ${this.#meanings.describe()} count.`;
  }

  #prompt(): void {
    if (this.#opts.output.isTTY && this.#rl && !this.#ended) this.#write('> ');
  }

  #write(text: string): void {
    this.#opts.output.write(text);
  }
}
