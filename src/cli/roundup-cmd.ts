import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { platformEntry } from '../../adapters/index.ts';
import { isChannelRef, loadConfig } from '../app/config.ts';
import { createPlatform } from '../app/platforms.ts';
import { Bot } from '../chat/bot.ts';
import type { ChatPlatform, PlatformName } from '../chat/platform.ts';
import { ArxivClient } from '../feed/arxiv-client.ts';
import { HfClient } from '../feed/hf-client.ts';
import { createLogger } from '../log.ts';
import { postRoundup } from '../roundup/post-roundup.ts';
import { defaultSettings, planRoundup, roundupCandidates } from '../roundup/roundup.ts';
import { localParts } from '../roundup/schedule.ts';
import type { ChannelSettings, RoundupSummary } from '../store/port.ts';
import { openArchive } from './archive-errors.ts';
import { type CliIo, counted, dayOption, UsageError } from './io.ts';
import { outcomeSentence } from './roundup-outcome.ts';

const USAGE =
  'Usage: paperboy roundup [--channel slack:C123] [--date YYYY-MM-DD] [--dry-run] [--retry] [--json]';

/**
 * `paperboy roundup`: builds, and without --dry-run posts, a channel's roundup now, through the configured
 * platform and under the same exactly-once ledger as the scheduler (a roundup already posted for that
 * channel and date is not posted again; one a run left unfinished is resumed once that run's lease runs
 * out). `--retry` tries a roundup waiting for its next try now, and one given up as failed again. Without
 * --channel: every channel with a roundup. Each outcome is said in a sentence: who holds it, what to do.
 */
export async function roundupCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      channel: { type: 'string' },
      date: { type: 'string' },
      'dry-run': { type: 'boolean' },
      retry: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length > 0) throw new UsageError(USAGE);
  if (values.channel !== undefined && !isChannelRef(values.channel)) {
    throw new UsageError(
      `--channel must be a platform-qualified channel id such as slack:C0123ABCD, not "${values.channel}".`,
    );
  }
  const config = loadConfig(io.env);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, {
    write: (s: string) => io.stderr.write(s),
  });
  const store = await openArchive(config.databaseUrl);
  // Named so a person reading "who holds it" can find the process.
  const claimant = `cli-${hostname()}-${process.pid}`;
  const started: ChatPlatform[] = [];
  try {
    const saved = await store.listChannelSettings();
    const channels: ChannelSettings[] = values.channel
      ? [saved.find((s) => s.channel === values.channel) ?? defaultSettings(values.channel, config.roundup)]
      : [
          ...saved.filter((s) => s.enabled),
          ...config.roundup.channels
            .filter((c) => !saved.some((s) => s.channel === c))
            .map((c) => defaultSettings(c, config.roundup)),
        ];
    if (channels.length === 0) {
      io.stderr.write('No channel has a roundup: set one up with /papers roundup on, or ROUNDUP_CHANNELS.\n');
      return 1;
    }
    const hf = new HfClient({ baseUrl: config.hfApiUrl, token: config.hfToken, logger });
    const bot = new Bot({
      store,
      hf,
      arxiv: new ArxivClient({ baseUrl: config.arxivApiUrl, logger }),
      upvoteEmoji: config.upvoteEmoji,
      logger,
    });
    const platforms = new Map<PlatformName, ChatPlatform>();
    const results: unknown[] = [];
    let failed = 0;
    for (const settings of channels) {
      const localDate = dayOption('--date', values.date, localParts(io.now(), settings.timezone).date);
      if (values['dry-run']) {
        const plan = planRoundup({
          settings,
          localDate,
          candidates: await roundupCandidates(store, localDate),
          alreadyShown: await store.papersPostedIn(settings.channel),
          feedUnreachable: false,
        });
        const papers =
          plan.kind === 'papers'
            ? plan.ranked.map((r) => ({ id: r.paper.id, title: r.paper.title, score: r.score }))
            : [];
        results.push({
          channel: settings.channel,
          localDate,
          ...(plan.kind === 'empty' ? { empty: plan.reason } : {}),
          papers,
        });
        if (!values.json) {
          io.stdout.write(
            `${settings.channel} ${localDate}: ${plan.kind === 'empty' ? `empty (${plan.reason})` : counted(papers.length, 'paper')}\n`,
          );
          for (const [i, p] of papers.entries())
            io.stdout.write(`  ${i + 1}. ${p.title} (score ${p.score})\n`);
        }
        continue;
      }
      const name = settings.channel.split(':')[0] as PlatformName;
      let platform = platforms.get(name);
      if (!platform) {
        const entry = platformEntry(name);
        if (!entry) throw new UsageError(`There is no platform named "${name}".`);
        // A one-off run posts only: no HTTP server. A platform with one connection across instances
        // takes the same lease as the bot: a second connection would answer commands twice.
        // A platform in the terminal (the console) reads no commands here, and what it shows of the
        // roundup goes to stderr with --json, which keeps stdout one JSON document.
        const terminal = { input: Readable.from([]), output: values.json ? io.stderr : io.stdout };
        platform = await createPlatform(entry, config, { logger, store, holder: claimant, terminal });
        await platform.start(bot.handlersFor(platform));
        started.push(platform);
        platforms.set(name, platform);
      }
      if (platform.active === false) {
        failed++;
        const reason = `${name} is connected from the running bot, whose scheduler posts this roundup`;
        results.push({ channel: settings.channel, localDate, outcome: 'failed', reason });
        if (!values.json) io.stdout.write(`${settings.channel} ${localDate}: skipped: ${reason}\n`);
        continue;
      }
      try {
        const result = await postRoundup(
          {
            store,
            platform,
            logger,
            seedEmoji: config.upvoteEmoji[0] ?? null,
            leaseMs: 30_000,
            feedUnreachable: () => false,
          },
          settings,
          localDate,
          claimant,
          { retryNow: values.retry ?? false },
        );
        const sentence = outcomeSentence(result, settings.channel, localDate);
        if (result.outcome === 'will-retry' || result.outcome === 'failed') failed++;
        results.push({
          channel: settings.channel,
          localDate,
          outcome: result.outcome,
          sentence,
          ...(result.error ? { error: result.error } : {}),
          ...(result.record ? { ledger: summary(result.record) } : {}),
        });
        if (!values.json) io.stdout.write(`${settings.channel} ${localDate}: ${sentence}\n`);
      } catch (error) {
        failed++;
        const reason = error instanceof Error ? error.message : String(error);
        results.push({ channel: settings.channel, localDate, outcome: 'failed', reason });
        if (!values.json) {
          io.stdout.write(
            `${settings.channel} ${localDate}: could not start: ${reason}. Nothing was posted; run this again once that is fixed.\n`,
          );
        }
      }
    }
    if (values.json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return failed > 0 ? 1 : 0;
  } finally {
    for (const p of started) await p.stop();
    await store.close();
  }
}

/** The ledger fields `--json` shows: who holds the roundup, since when, its tries. */
function summary(r: RoundupSummary) {
  return {
    state: r.state,
    claimedBy: r.claimedBy,
    claimedAt: r.claimedAt,
    leaseUntil: r.leaseUntil,
    retryAt: r.retryAt,
    failures: r.failures,
    lastError: r.lastError,
    finishedAt: r.finishedAt,
  };
}
