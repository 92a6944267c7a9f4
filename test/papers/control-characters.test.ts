import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/feed/detect.ts';
import { silentLogger } from '../../src/log.ts';
import { ingestPapers } from '../../src/papers/ingest.ts';
import { collapseWhitespace, paperSchema } from '../../src/papers/paper.ts';
import type { PaperStore } from '../../src/store/port.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { SqliteStore } from '../../src/store/sqlite/store.ts';
import { paper } from '../contract/store.contract.ts';
import { dropThrowawayDatabases, migratedDatabase, postgresAvailable } from '../store/postgres-db.ts';

const available = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), 'paperboy-controls-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (available.ok) await dropThrowawayDatabases();
});

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/**
 * The recorded 2024-10-25 daily feed with control characters in it, as a broken upstream could serve it:
 * a NUL inside the first title, a bell and a right-to-left override in the second, a NUL, an escape and a
 * carriage return in the third's abstract, and a NUL in an author's name.
 */
function damagedDaily(): { file: string; titles: [string, string]; abstract: string } {
  const items = JSON.parse(fixture('hf-daily-papers-2024-10-25.json')) as {
    paper: { title: string; summary: string; authors: { name: string }[] };
    title?: string;
  }[];
  const [a, b, c] = items as [(typeof items)[0], (typeof items)[0], (typeof items)[0]];
  // As the parser keeps them: the capture's titles carry hard line wraps.
  const titles: [string, string] = [collapseWhitespace(a.paper.title), collapseWhitespace(b.paper.title)];
  const abstract = c.paper.summary;
  const cut = (s: string) => Math.floor(s.length / 2);
  a.paper.title = `${a.paper.title.slice(0, cut(a.paper.title))}\u0000${a.paper.title.slice(cut(a.paper.title))}`;
  b.paper.title = `\u0007${b.paper.title}\u202e`;
  c.paper.summary = `${abstract.slice(0, 10)}\u0000\u001b${abstract.slice(10)}\r`;
  if (a.paper.authors[0]) a.paper.authors[0].name += '\u0000';
  for (const item of [a, b]) if (item.title !== undefined) item.title = item.paper.title;
  const file = join(dir, 'daily-with-controls.json');
  writeFileSync(file, JSON.stringify(items));
  return { file, titles, abstract };
}

function ingestsCleanly(name: string, open: () => Promise<PaperStore>) {
  it(`GIVEN a feed file with NUL and control characters in titles THEN ${name} stores the whole batch, cleaned`, async () => {
    const damaged = damagedDaily();
    const parsed = parseFeed(readFileSync(damaged.file, 'utf8'), undefined, { asOf: '2024-10-25' });
    expect(parsed.papers).toHaveLength(29);
    const store = await open();
    try {
      const report = await ingestPapers(store, parsed.papers, parsed.skipped);
      expect(report).toMatchObject({ inserted: 29, skipped: [] });
      expect(await store.countPapers()).toBe(29);
      const [first, second, third] = parsed.papers as [
        (typeof parsed.papers)[0],
        (typeof parsed.papers)[0],
        (typeof parsed.papers)[0],
      ];
      expect((await store.getPaper(first.id))?.title).toBe(damaged.titles[0]);
      expect((await store.getPaper(second.id))?.title).toBe(damaged.titles[1]);
      const abstract = (await store.getPaper(third.id))?.abstract ?? '';
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
      expect(abstract).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
      expect(abstract.replace(/\s+/g, ' ').trim()).toBe(damaged.abstract.replace(/\s+/g, ' ').trim());
      expect((await store.getPaper(first.id))?.authors.join(' ')).not.toContain('\u0000');
      // Found by the words of its title, as if nothing had been in the way.
      const word = damaged.titles[0].split(/\s+/).sort((x, y) => y.length - x.length)[0] ?? '';
      const { parseSearchQuery } = await import('../../src/papers/search-query.ts');
      const query = parseSearchQuery(word.replace(/[^\p{L}\p{N}]/gu, ''));
      if (!query.ok) throw new Error(query.error);
      expect((await store.search(query.query, 50)).map((h) => h.paper.id)).toContain(first.id);
    } finally {
      await store.close();
    }
  });
}

describe('control characters in feed text', () => {
  ingestsCleanly('SQLite', async () => SqliteStore.open(join(dir, 'archive.db')));
  if (available.ok) {
    ingestsCleanly('PostgreSQL', async () =>
      PostgresStore.open(await migratedDatabase(), { logger: silentLogger }),
    );
  } else {
    it.skip(`PostgreSQL: skipped, ${available.reason}`, () => undefined);
  }

  it('GIVEN a paper from any source THEN every text field is cleaned, and a title of nothing else is refused', () => {
    const parsed = paperSchema.parse({
      ...paper({ title: 'Title\u0000 with\u202e controls\u0007' }),
      abstract: 'Line one\r\nline two\u0000\ttabbed',
      authors: ['Ada\u0000 Lovelace'],
      organization: { id: 'org\u0000', name: 'Org\u001b[31m' },
      keywords: ['key\u0000word'],
    });
    expect(parsed).toMatchObject({
      title: 'Title with controls',
      abstract: 'Line one\nline two\ttabbed',
      authors: ['Ada Lovelace'],
      organization: { id: 'org', name: 'Org[31m' },
      keywords: ['keyword'],
    });
    expect(paperSchema.safeParse(paper({ title: '\u0000\u202e' })).success).toBe(false);
  });
});
