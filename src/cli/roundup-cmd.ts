import { parseArgs } from 'node:util';
import { platformEntry } from '../../adapters/index.ts';
import { isChannelRef, loadConfig } from '../app/config.ts';
import { createPlatform } from '../app/platforms.ts';
import { Bot } from '../chat/bot.ts';
import type { ChatPlatform, PlatformName } from '../chat/platform.ts';
import { ArxivClient } from '../feed/arxiv-client.ts';
import { HfClient } from '../feed/hf-client.ts';
import { createLogger } from '../log.ts';
import { defaultSettings, planRoundup, postRoundup, roundupCandidates } from '../roundup/roundup.ts';
import { localParts } from '../roundup/schedule.ts';
import { openStore } from '../store/open.ts';
import type { ChannelSettings } from '../store/port.ts';
import { type CliIo, dayOption, UsageError } from './io.ts';

const USAGE = 'Usage: paperboy roundup [--channel slack:C123] [--date YYYY-MM-DD] [--dry-run] [--json]';

/**
 * `paperboy roundup`: builds, and without --dry-run posts, a channel's roundup now, through the configured
 * platform and under the same exactly-once ledger as the scheduler (a roundup already posted for that
 * channel and date is not posted again). Without --channel: every channel with a roundup.
 */
export async function roundupCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      channel: { type: 'string' },
      date: { type: 'string' },
      'dry-run': { type: 'boolean' },
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
  const store = await openStore(config.databaseUrl);
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
            `${settings.channel} ${localDate}: ${plan.kind === 'empty' ? `empty (${plan.reason})` : `${papers.length} papers`}\n`,
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
        platform = await createPlatform(entry, config, { logger, store, holder: `cli-${process.pid}` });
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
        const outcome = await postRoundup(
          {
            store,
            platform,
            logger,
            seedEmoji: config.upvoteEmoji[0] ?? null,
            staleClaimMs: 600_000,
            feedUnreachable: () => false,
          },
          settings,
          localDate,
          `cli-${process.pid}`,
        );
        results.push({ channel: settings.channel, localDate, outcome });
        if (!values.json) io.stdout.write(`${settings.channel} ${localDate}: ${outcome}\n`);
      } catch (error) {
        failed++;
        const reason = error instanceof Error ? error.message : String(error);
        results.push({ channel: settings.channel, localDate, outcome: 'failed', reason });
        if (!values.json) io.stdout.write(`${settings.channel} ${localDate}: failed: ${reason}\n`);
      }
    }
    if (values.json) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return failed > 0 ? 1 : 0;
  } finally {
    for (const p of started) await p.stop();
    await store.close();
  }
}
