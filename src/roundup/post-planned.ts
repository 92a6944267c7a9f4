import { emojiGlyph, KEYCAPS } from '../chat/emoji.ts';
import type { PaperItem, PostOptions, Reply } from '../chat/platform.ts';
import { teamLinesFor } from '../papers/team-line.ts';
import type { MessageRef, RoundupItem, RoundupRecord, StoredPaper } from '../store/port.ts';
import type { ClaimLease } from './claim-lease.ts';
import type { RoundupDeps } from './deps.ts';
import type { EmptyReason } from './roundup.ts';
import { emptyMessage } from './roundup.ts';

/** The ledger's pseudo paper id for a roundup's first message: its header, its digest or its empty-day line. */
export const HEADER = '#header';

/**
 * Posts what is left of a planned roundup, in plan order, recording each message before posting the next.
 * That order means only the first unrecorded item of a resumed run can already be out (its run died
 * between the platform's answer and the ledger write): it alone is posted with `since`, so the platform
 * finds the message its key made instead of posting another. Returns how many messages this run handed to
 * the platform.
 */
export async function postPlanned(
  deps: RoundupDeps,
  record: RoundupRecord,
  lease: ClaimLease,
  resumed: boolean,
): Promise<number> {
  let mayBeOut = resumed;
  let posted = 0;
  const post = async (item: RoundupItem, reply: Reply): Promise<MessageRef> => {
    // Confirmed in the ledger before every post: a run whose lease ran out may have been taken over.
    await lease.confirm();
    const options: PostOptions = { signal: lease.signal };
    if (item.key) options.idempotencyKey = item.key;
    if (mayBeOut && record.plannedAt) options.since = record.plannedAt;
    let message: MessageRef;
    try {
      message = await deps.platform.post(record.channel, reply, options);
    } catch (error) {
      // A post the platform gave up because the lease was lost is no failed try: the new holder goes on.
      lease.assertHeld();
      throw error;
    }
    mayBeOut = false;
    posted++;
    return message;
  };
  const papers = record.items.filter((i) => i.paperId !== HEADER);
  switch (record.layout) {
    case 'empty':
      await postEmpty(deps, record, post);
      break;
    case 'digest':
      await postDigest(deps, record, papers, post);
      break;
    default:
      await postMessages(deps, record, papers, post);
  }
  return posted;
}

type Post = (item: RoundupItem, reply: Reply) => Promise<MessageRef>;

async function postEmpty(deps: RoundupDeps, record: RoundupRecord, post: Post): Promise<void> {
  const header = record.items.find((i) => i.paperId === HEADER);
  if (!header || header.message) return;
  const text = emptyMessage((record.note ?? 'no-papers') as EmptyReason, record.localDate);
  const message = await post(header, { visibility: 'channel', text });
  await deps.store.recordRoundupItem(record.channel, record.localDate, HEADER, message);
}

/** A header message, then one message per paper, so each paper collects its own reactions and thread. */
async function postMessages(
  deps: RoundupDeps,
  record: RoundupRecord,
  papers: RoundupItem[],
  post: Post,
): Promise<void> {
  const { store } = deps;
  const { channel, localDate } = record;
  for (const item of record.items) {
    if (item.message) continue;
    if (item.paperId === HEADER) {
      const n = papers.length;
      const message = await post(item, {
        visibility: 'channel',
        title: `Paper roundup for ${localDate}`,
        text: `${n} paper${n === 1 ? '' : 's'} picked for this channel. React with ${emojiGlyph(deps.seedEmoji ?? '+1')} on the ones you like: votes shape tomorrow's picks and /papers top.`,
      });
      await store.recordPost(postRecord(channel, message, null, 'roundup-header'));
      await store.recordRoundupItem(channel, localDate, HEADER, message);
      continue;
    }
    const paper = await planned(deps, item.paperId);
    const rank = papers.indexOf(item) + 1;
    const message = await post(item, {
      visibility: 'channel',
      papers: await withTeam(deps, channel, [{ paper, rank }]),
    });
    await store.recordPost(postRecord(channel, message, paper.id, 'roundup'));
    await store.recordRoundupItem(channel, localDate, item.paperId, message);
    if (deps.seedEmoji) await seed(deps, message, deps.seedEmoji);
  }
}

/** Digest: one message listing the papers; keycap reactions 1️⃣–🔟 vote for the paper at that place. */
async function postDigest(
  deps: RoundupDeps,
  record: RoundupRecord,
  places: RoundupItem[],
  post: Post,
): Promise<void> {
  const { store } = deps;
  const { channel, localDate } = record;
  const header = record.items.find((i) => i.paperId === HEADER);
  if (!header || header.message) return;
  const papers = await Promise.all(places.map((p) => planned(deps, p.paperId)));
  const message = await post(header, {
    visibility: 'channel',
    title: `Paper roundup for ${localDate}`,
    text: 'React with the number of a paper to vote for it.',
    papers: await withTeam(
      deps,
      channel,
      papers.map((paper, i) => ({ paper, rank: i + 1 })),
    ),
  });
  await store.recordPost(postRecord(channel, message, null, 'roundup-header'));
  for (const [i, paper] of papers.entries()) {
    // Each place in the digest is its own vote target: `<message>#<n>` maps keycap n to its paper.
    await store.recordPost(postRecord(channel, `${message}#${i + 1}`, paper.id, 'roundup'));
    await store.recordRoundupItem(channel, localDate, paper.id, message);
  }
  // The header item last: a run that died before it posts the digest again with its key, which finds the
  // message, and records the places that were missing.
  await store.recordRoundupItem(channel, localDate, HEADER, message);
  if (deps.seedEmoji) for (const [i] of papers.entries()) await seed(deps, message, KEYCAPS[i]!);
}

/** A planned paper, read again so the message shows its current votes and links. */
async function planned(deps: RoundupDeps, id: string): Promise<StoredPaper> {
  const paper = await deps.store.getPaper(id);
  if (!paper) throw new Error(`Paper ${id} of the planned roundup is no longer in the archive`);
  return paper;
}

function postRecord(
  channel: string,
  message: MessageRef,
  paperId: string | null,
  kind: 'roundup' | 'roundup-header',
) {
  return { message, channel, paperId, kind, postedBy: null, postedAt: new Date().toISOString() };
}

async function seed(deps: RoundupDeps, message: string, emoji: string): Promise<void> {
  try {
    await deps.platform.react(message, emoji);
  } catch (error) {
    // Seeding is a hint for people; a failure must not stop the roundup.
    deps.logger.warn({ err: error, message }, 'could not seed the upvote reaction');
  }
}

/**
 * The papers with their team lines as the channel may see them: a paper shared or discussed elsewhere
 * says so in the roundup. A courtesy: when the archive cannot give them, the roundup goes without.
 */
async function withTeam(deps: RoundupDeps, channel: string, items: PaperItem[]): Promise<PaperItem[]> {
  try {
    const ids = items.map((i) => i.paper.id);
    const lines = await teamLinesFor(deps.store, ids, channel, deps.now?.() ?? new Date());
    return items.map((i) => ({ ...i, team: lines.get(i.paper.id) }));
  } catch (error) {
    deps.logger.warn({ err: error, channel }, 'team lines could not be read; the roundup goes without');
    return items;
  }
}
