import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import type { PaperStore } from '../../src/store/port.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { postSigned, SEED_PAPERS, SIGNING_SECRET, slashCommandBody } from '../adapters/slack/harness.ts';
import { type FaultBot, startFaultBot } from '../faults/slack-bot.ts';
import { dropThrowawayDatabases, migratedDatabase, postgresAvailable } from '../store/postgres-db.ts';
import { until } from './until.ts';

const available = await postgresAvailable();

/**
 * Two instances behind a load balancer, each with its own Slack receiver and its own memory, sharing one
 * archive. Slack sends a delivery again (a retry, or a replay of a captured request) to whichever instance
 * the balancer picks: a `/papers share` handled twice would post the paper twice in the channel.
 */
function twoInstances(name: string, openShared: (dir: string) => Promise<() => Promise<PaperStore>>) {
  describe(`two instances on one ${name} archive`, () => {
    let bots: FaultBot[] = [];
    afterEach(async () => {
      await Promise.all(bots.map((b) => b.close()));
      bots = [];
    });

    const start = async () => {
      let open: (() => Promise<PaperStore>) | undefined;
      for (let i = 0; i < 2; i++) {
        bots.push(
          await startFaultBot({
            openStore: async (dir) => {
              open ??= await openShared(dir);
              return open();
            },
          }),
        );
      }
      return bots as [FaultBot, FaultBot];
    };
    const endpoint = (bot: FaultBot) => `http://127.0.0.1:${bot.platform.port}/slack/events`;
    const posts = () => bots.flatMap((b) => b.channelPosts());

    for (const arrival of ['at the same time', 'one after the other'] as const) {
      it(`handles a share delivered to both instances ${arrival} once: one post, one reply`, async () => {
        const [a, b] = await start();
        const responseUrl = a.api.responseUrl();
        const path = new URL(responseUrl).pathname;
        // One signed request, byte for byte, reaching each instance.
        const body = slashCommandBody(`share ${SEED_PAPERS[0]!.id}`, responseUrl);
        const send = async (bot: FaultBot) => (await postSigned(endpoint(bot), SIGNING_SECRET, body)).status;
        const statuses =
          arrival === 'at the same time'
            ? await Promise.all([send(a), send(b)])
            : [await send(a), await send(b)];
        // Both are acked (Slack must not show the person an error), and one of them does the work.
        expect(statuses).toEqual([200, 200]);
        await a.api.waitFor((c) => c.method === 'respond' && c.path === path, 15_000);
        const shows = (title: string) => (c: { body: Record<string, unknown> }) =>
          String(c.body.text).includes(title);
        await until(async () => posts().some(shows(SEED_PAPERS[0]!.title)));
        const winner = bots.find((bot) => bot.channelPosts().some(shows(SEED_PAPERS[0]!.title))) as FaultBot;
        const other = winner === a ? b : a;

        // A later share through the other instance runs the same path the duplicate would have run, so once
        // its post and reply are in, a duplicate's would be too.
        const laterUrl = a.api.responseUrl();
        const later = slashCommandBody(`share ${SEED_PAPERS[1]!.id}`, laterUrl);
        expect((await postSigned(endpoint(other), SIGNING_SECRET, later)).status).toBe(200);
        await a.api.waitFor((c) => c.method === 'respond' && c.path === new URL(laterUrl).pathname, 15_000);
        await other.api.waitFor((c) => c.method === 'chat.postMessage' && shows(SEED_PAPERS[1]!.title)(c));

        expect(a.api.calls.filter((c) => c.method === 'respond' && c.path === path)).toHaveLength(1);
        const shared = posts().filter(shows(SEED_PAPERS[0]!.title));
        expect(shared).toHaveLength(1);
      });
    }
  });
}

twoInstances('SQLite', async (dir) => {
  const file = join(dir, 'shared.db');
  const seed = SqliteStore.open(file);
  await seed.upsertPapers(SEED_PAPERS);
  await seed.close();
  return async () => SqliteStore.open(file);
});

if (available.ok) {
  afterAll(() => dropThrowawayDatabases());
  twoInstances('PostgreSQL', async () => {
    const url = await migratedDatabase();
    const seed = await PostgresStore.open(url, { logger: silentLogger });
    await seed.upsertPapers(SEED_PAPERS);
    await seed.close();
    return async () => PostgresStore.open(url, { logger: silentLogger });
  });
} else {
  describe.skip(`two instances on one PostgreSQL archive: skipped, ${available.reason}`, () => {
    it('needs PostgreSQL', () => undefined);
  });
}
