import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { shareCommand } from '../../commands/share.ts';
import type { Reply } from '../../src/chat/platform.ts';
import { ArxivClient } from '../../src/feed/arxiv-client.ts';
import { HfClient } from '../../src/feed/hf-client.ts';
import { type Archive, context, openArchive } from '../commands/archive.ts';
import { closedPort, countConnectAttempts } from '../fakes/closed-port.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';

/*
 * `/papers share` of papers the archive does not hold, six at once, with the feed clients as production
 * builds them (default retries, timeouts and arXiv's 3 s pacing). Each share must be answered; a source
 * that refuses connections is tried at most once per share (Hugging Face) or once in all (arXiv, whose
 * requests are serialised), and a live arXiv still sees at most one request every 3 s.
 */

const IDS = ['2501.00001', '2501.00002', '2501.00003', '2501.00004', '2501.00005', '2501.00006'];
/** Six shares in flight: well above what arXiv's pacing can serve within a lookup's time limit. */
const TIMEOUT = 60_000;

let archive: Archive;
beforeEach(async () => {
  archive = await openArchive([]);
});
afterEach(() => archive.close());

/** Shares every id at once through one pair of clients, as one bot process would. */
function shareAll(hf: HfClient, arxiv: ArxivClient, ids = IDS): Promise<Reply[]> {
  const ctx = context(archive.store, { hf, arxiv });
  return Promise.all(ids.map((paper) => shareCommand.run(ctx, { paper })));
}

describe('six concurrent shares while Hugging Face and arXiv refuse connections', () => {
  it(
    'answers every share saying both could not be reached, with at most one attempt per share and source',
    async () => {
      const hfPort = await closedPort();
      const arxivPort = await closedPort();
      const hf = new HfClient({ baseUrl: `http://127.0.0.1:${hfPort}` });
      const arxiv = new ArxivClient({ baseUrl: `http://127.0.0.1:${arxivPort}/api/query` });
      const attempts = countConnectAttempts();
      try {
        const replies = await shareAll(hf, arxiv);
        for (const [i, reply] of replies.entries()) {
          expect(reply.visibility).toBe('ephemeral');
          expect(reply.text).toMatch(
            new RegExp(
              `^I could not look up ${IDS[i]?.replace('.', '\\.')}: Hugging Face (could not be reached|was unreachable) \\([^()]*ECONNREFUSED[^()]*\\)[^()]*, and arXiv (could not be reached|was unreachable) \\([^()]*ECONNREFUSED[^()]*\\)[^()]*\\. Try again in a minute\\.$`,
            ),
          );
        }
        // Refused connections are not retried; arXiv's first refusal answers everyone queued behind it.
        expect(attempts.count(hfPort)).toBeGreaterThanOrEqual(1);
        expect(attempts.count(hfPort)).toBeLessThanOrEqual(IDS.length);
        expect(attempts.count(arxivPort)).toBe(1);

        // Straight after, the sources are known to be down: the next shares are answered without a try.
        const before = attempts.count(hfPort) + attempts.count(arxivPort);
        const again = await shareAll(hf, arxiv, IDS.slice(0, 3));
        for (const reply of again) expect(reply.text).toMatch(/was unreachable \(ECONNREFUSED\)/);
        expect(attempts.count(hfPort) + attempts.count(arxivPort)).toBe(before);
      } finally {
        attempts.stop();
      }
    },
    TIMEOUT,
  );
});

describe('six concurrent shares that only arXiv can answer', () => {
  let fake: FakeHf;
  beforeAll(async () => {
    fake = await startFakeHf({ today: '2025-11-12' });
  });
  afterAll(() => fake.close());

  it(
    'keeps arXiv requests 3 s apart, and answers every share: from arXiv, or saying arXiv is busy',
    async () => {
      const hf = new HfClient({ baseUrl: fake.url });
      const arxiv = new ArxivClient({ baseUrl: fake.arxivUrl });
      const replies = await shareAll(hf, arxiv);

      const asked = fake.requests.filter((r) => r.path === '/api/query');
      expect(asked.length).toBeGreaterThanOrEqual(1);
      for (let i = 1; i < asked.length; i++) {
        expect(asked[i]!.at - asked[i - 1]!.at).toBeGreaterThanOrEqual(3000);
      }
      const unknown = replies.filter((r) =>
        /^Neither Hugging Face nor arXiv know 2501\.0000\d\./.test(r.text ?? ''),
      );
      const busy = replies.filter((r) =>
        /^I could not look up 2501\.0000\d: Hugging Face does not know it, and arXiv is busy: .+, at one request every 3 s\. Try again in a minute\.$/.test(
          r.text ?? '',
        ),
      );
      // Every share that got its turn was answered by arXiv; every other one heard that arXiv was busy.
      expect(unknown).toHaveLength(asked.length);
      expect(unknown.length + busy.length).toBe(IDS.length);
      expect(busy.length).toBeGreaterThanOrEqual(1);
    },
    TIMEOUT,
  );
});
