import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS, parseCommandText } from '../../commands/index.ts';
import { saveCommand } from '../../commands/save.ts';
import type { CommandArgs, CommandContext } from '../../commands/types.ts';
import type { Reply } from '../../src/chat/platform.ts';
import { type FakeHf, startFakeHf } from '../fakes/hf-server.ts';
import { type Archive, clients, context, NOW, openArchive } from './archive.ts';

const BREAKING = '2410.17243';
const OTHER = '2410.16251';
const THIRD = '2410.18533';

describe('/papers save and /papers list', () => {
  let fake: FakeHf;
  let archive: Archive;
  beforeAll(async () => {
    fake = await startFakeHf({ today: '2025-11-12' });
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    archive = await openArchive(['daily']);
  });
  afterEach(() => archive.close());

  const ctx = (over: Partial<CommandContext> = {}) =>
    context(archive.store, { ...clients(fake.url, fake.arxivUrl), ...over });
  const save = (paper: string, over: Partial<CommandContext> = {}) => saveCommand.run(ctx(over), { paper });
  /** Runs `/papers <text>` as Slack and the console would: parsed, then run. */
  const typed = async (text: string, over: Partial<CommandContext> = {}): Promise<Reply> => {
    const parsed = parseCommandText(text, COMMANDS);
    if ('error' in parsed) return { visibility: 'ephemeral', text: parsed.error };
    return parsed.command.run(ctx(over), parsed.args as CommandArgs);
  };
  const at = (minutes: number) => () => new Date(NOW.getTime() + minutes * 60_000);

  it('saves a paper by id or URL for this channel, credited to the person, and says when it was already there', async () => {
    const first = await save(`https://arxiv.org/abs/${BREAKING}v2`);
    expect(first.visibility).toBe('ephemeral');
    expect(first.text).toMatch(/^Saved “Breaking the Memory Barrier.*” to this channel's reading list/);
    expect(first.papers?.[0]?.paper.id).toBe(BREAKING);
    expect((await save(BREAKING)).text).toMatch(
      /is already on this channel's reading list: you saved it before/,
    );
    expect((await save(BREAKING, { user: 'slack:U2', userName: 'Bo' })).text).toMatch(
      /was already on this channel's reading list; you are credited with it too/,
    );
    const [entry] = await archive.store.readingLists(['slack:C1'], 10);
    expect(entry?.pinnedBy.map((p) => p.user)).toEqual(['slack:U1', 'slack:U2']);
    // Another channel's list is its own.
    expect(await archive.store.readingLists(['slack:C2'], 10)).toEqual([]);
  });

  it('fetches a paper the archive lacks as share does, and refuses text with no arXiv id', async () => {
    const reply = await save('hep-ex/0307015');
    expect(reply.text).toMatch(/^Saved/);
    expect(await archive.store.getPaper('hep-ex/0307015')).not.toBeNull();
    expect((await save('the memory barrier paper')).text).toBe(
      'I could not find an arXiv id in "the memory barrier paper". Give an id like 2410.17243, or an arxiv.org or huggingface.co/papers link.',
    );
    expect((await save('2501.99999')).text).toBe(
      'Neither Hugging Face nor arXiv know 2501.99999. Check the id.',
    );
    expect((await archive.store.readingLists(['slack:C1'], 10)).map((e) => e.paper.id)).toEqual([
      'hep-ex/0307015',
    ]);
  });

  it('lists the channel newest first with who added each and when, and removes by that number', async () => {
    expect((await typed('list')).text).toMatch(/^This channel's reading list is empty/);
    await save(BREAKING, { now: at(0) });
    await save(OTHER, { now: at(1), user: 'slack:U2' });
    await save(THIRD, { now: at(2) });
    const list = await typed('list', { now: () => new Date(NOW.getTime() + 3 * 86_400_000) });
    expect(list.title).toBe("This channel's reading list (3)");
    expect(list.papers?.map((p) => [p.rank, p.paper.id, p.saved])).toEqual([
      [1, THIRD, { by: ['slack:U1'], ago: '2 days ago', at: at(2)().toISOString() }],
      [2, OTHER, { by: ['slack:U2'], ago: '2 days ago', at: at(1)().toISOString() }],
      [3, BREAKING, { by: ['slack:U1'], ago: '3 days ago', at: at(0)().toISOString() }],
    ]);

    const removed = await typed('list remove 2');
    expect(removed.text).toMatch(/^Took paper 2, “.+”, off this channel's reading list\.$/);
    expect((await typed('list')).papers?.map((p) => p.paper.id)).toEqual([THIRD, BREAKING]);
  });

  it('answers an out-of-range, missing or malformed number clearly and removes nothing', async () => {
    expect((await typed('list remove 1')).text).toBe(
      "This channel's reading list is empty: there is nothing to remove.",
    );
    await save(BREAKING);
    await save(OTHER);
    expect((await typed('list remove 3')).text).toBe(
      "There is no paper 3 on this channel's reading list (from 1 to 2). /papers list shows the numbers.",
    );
    expect((await typed('list remove 0')).text).toMatch(/^There is no paper 0 on/);
    expect((await typed('list remove -1')).text).toMatch(/^There is no paper -1 on/);
    expect((await typed('list remove')).text).toBe(
      'Which paper? Give its number from /papers list (from 1 to 2), e.g. /papers list remove 1.',
    );
    expect((await typed('list remove two')).text).toBe(
      '/papers list expects a whole number where you typed "two". Usage: /papers list [all|remove] [number]',
    );
    expect((await typed('list 2')).text).toBe(
      '"2" is not a choice of /papers list: choose all or remove. Usage: /papers list [all|remove] [number]',
    );
    expect((await typed('list all 2')).text).toBe('To take paper 2 off the list: /papers list remove 2');
    expect((await archive.store.readingLists(['slack:C1'], 10)).length).toBe(2);
  });

  it('list all: this channel first, then only the channels the platform says the person can see', async () => {
    await save(BREAKING);
    await save(OTHER, { channel: 'slack:C2' });
    await save(THIRD, { channel: 'slack:CSECRET' });
    await save(THIRD, { channel: 'slack:DDM1' });
    await save(THIRD, { channel: 'discord:9' });
    const asked: string[][] = [];
    const reply = await typed('list all', {
      visibleChannels: async (channels) => {
        asked.push([...channels]);
        return channels.filter((c) => c === 'slack:C2');
      },
    });
    // Only this platform's channels are asked about, never this one (always shown).
    expect(asked).toEqual([['slack:C2', 'slack:CSECRET', 'slack:DDM1']]);
    expect(
      reply.sections?.map((s) => [s.title, s.papers.map((p) => [p.rank, p.paper.id, p.saved?.channel])]),
    ).toEqual([
      ["This channel's reading list", [[1, BREAKING, undefined]]],
      ['Reading list of another channel', [[2, OTHER, 'slack:C2']]],
    ]);
  });

  it('list all: a platform that cannot tell, or cannot be asked, shows this channel only and says so', async () => {
    await save(BREAKING);
    await save(OTHER, { channel: 'slack:C2' });
    const blind = await typed('list all');
    expect(blind.text).toMatch(/cannot tell me which other channels you can see/);
    expect(blind.sections?.map((s) => s.papers.map((p) => p.paper.id))).toEqual([[BREAKING]]);
    const failing = await typed('list all', {
      visibleChannels: async () => {
        throw new Error('missing_scope');
      },
    });
    expect(failing.text).toMatch(/could not check which other channels you can see/);
    expect(failing.sections?.map((s) => s.papers.map((p) => p.paper.id))).toEqual([[BREAKING]]);
  });

  it('help lists save and list', async () => {
    const help = await typed('help');
    expect(help.text).toContain('/papers save <paper>');
    expect(help.text).toContain('/papers list [all|remove] [number]');
    expect(help.text).toContain('📌');
  });
});
