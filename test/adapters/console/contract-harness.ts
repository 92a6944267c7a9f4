import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import { CONSOLE_CHANNEL, ConsolePlatform } from '../../../adapters/console/platform.ts';
import type { PlatformUnderContract } from '../../contract/platform.contract.ts';

/** The header the console prints above every message it posts in its channel. */
const POSTED = /^\[([^\]]+)\] paperboy posted:\n/;

/** A terminal that keeps each chunk written to it and lets a test wait for the next one. */
class Terminal {
  readonly chunks: string[] = [];
  readonly #events = new EventEmitter();
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    this.#events.emit('write');
    return true;
  }
  /** Resolves with chunk `index` once it has been written. */
  chunk(index: number): Promise<string> {
    return new Promise((resolve) => {
      const check = () => {
        const chunk = this.chunks[index];
        if (chunk === undefined) return;
        this.#events.off('write', check);
        resolve(chunk);
      };
      this.#events.on('write', check);
      check();
    });
  }
  /** The messages posted in the channel, in order. */
  posts(): string[] {
    return this.chunks.filter((c) => POSTED.test(c));
  }
}

/**
 * The console over injected streams: what the person types goes into `input`, everything the console
 * shows lands in the terminal. There is no network edge; the terminal is what the person sees.
 */
export const consoleUnderContract: PlatformUnderContract = {
  name: 'console',
  echoesOwnReactions: false,
  reactsThroughApi: false,

  async open() {
    const input = new PassThrough();
    const terminal = new Terminal();
    const platform = new ConsolePlatform({
      input,
      output: terminal,
      now: () => new Date('2025-11-12T09:00:00Z'),
    });

    /** Types a line and resolves with the first chunk the console writes after it. */
    const type = (line: string) => {
      const next = terminal.chunk(terminal.chunks.length);
      input.write(`${line}\n`);
      return next;
    };

    return {
      platform,
      channel: CONSOLE_CHANNEL,
      missingMessage: `${CONSOLE_CHANNEL}:gone-1`,
      delivered(ref) {
        // Refs end in the post's number within the session: `console:local:<session>-<n>`.
        const n = Number(/-(\d+)$/.exec(ref)?.[1]);
        const post = terminal.posts()[n - 1];
        const channel = post && POSTED.exec(post)?.[1];
        return post && channel ? { channel, payload: post } : undefined;
      },
      async personReacts(ref) {
        // The person reacts to paper N of the last reply shown: the post under test must be that reply.
        const latest = terminal.posts().length;
        if (!ref.endsWith(`-${latest}`)) throw new Error(`the console can only react to its latest post`);
        const echo = await type(':+1: 1');
        expect(echo).toMatch(/^You reacted :\+1: on /);
        return { user: 'console:you', emoji: ':+1:' };
      },
      async ask() {
        return { channel: CONSOLE_CHANNEL, payload: await type('/papers today') };
      },
      async disconnected() {
        await platform.closed;
      },
      async close() {
        input.end();
        await platform.stop();
      },
    };
  },

  expectNoLiveMentions(delivered) {
    // A terminal has no mentions; what takes it over is control characters. Only line feeds survive: no
    // ESC, no C1 CSI, no carriage return or backspace to overwrite a line.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
    expect(delivered.payload).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  },

  expectWithinLimits(delivered) {
    // A terminal takes any length; each message ends its own line, so the next output starts cleanly.
    expect(typeof delivered.payload).toBe('string');
    expect(String(delivered.payload).endsWith('\n')).toBe(true);
  },
};
