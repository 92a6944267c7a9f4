import type Database from 'better-sqlite3';
import { vocabularyWords } from '../../papers/spelling.ts';
import { abbreviationRows } from '../abbreviation-rows.ts';
import { decodeUnpacked, dropColumn, encodeColumn } from './word-columns.ts';

/**
 * Versioned SQLite schema. Each migration runs once, in order, inside a transaction, and bumps
 * `PRAGMA user_version`. Never edit a released migration: add a new one.
 */
export const SQLITE_MIGRATIONS: readonly {
  version: number;
  name: string;
  sql: string;
  /** Fills what SQL alone cannot compute, in the migration's transaction, after its SQL. */
  backfill?: (db: Database.Database) => void;
}[] = [
  {
    version: 1,
    name: 'papers, full-text index, posts, reactions, channel settings, roundup ledger',
    sql: `
CREATE TABLE papers (
  rowid        INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  arxiv_id     TEXT UNIQUE,
  title_key    TEXT NOT NULL,
  title        TEXT NOT NULL,
  abstract     TEXT NOT NULL,
  authors      TEXT NOT NULL,          -- JSON array of names; the tokenizer skips the punctuation
  keywords     TEXT NOT NULL DEFAULT '[]',
  author_count INTEGER,
  org_id       TEXT,
  org_name     TEXT,
  published_at TEXT,
  feed_date    TEXT,
  upvotes      INTEGER,
  comments     INTEGER,
  extras       TEXT NOT NULL DEFAULT '{}', -- aiSummary, githubRepo, githubStars, projectPage, thumbnail
  first_seen_at TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX papers_title_key ON papers(title_key);
CREATE INDEX papers_feed_date ON papers(feed_date);

-- External-content FTS5 index over the papers table: porter stemming so "unlearning" finds
-- "unlearned", and diacritics folded so "tulu" finds "TÜLU".
CREATE VIRTUAL TABLE papers_fts USING fts5(
  title, abstract, authors, keywords,
  content='papers', content_rowid='rowid',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
  INSERT INTO papers_fts(rowid, title, abstract, authors, keywords)
  VALUES (new.rowid, new.title, new.abstract, new.authors, new.keywords);
END;
CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
  INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, keywords)
  VALUES ('delete', old.rowid, old.title, old.abstract, old.authors, old.keywords);
END;
-- Only text changes touch the index: upvote refreshes through the day stay cheap.
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors, keywords ON papers BEGIN
  INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, keywords)
  VALUES ('delete', old.rowid, old.title, old.abstract, old.authors, old.keywords);
  INSERT INTO papers_fts(rowid, title, abstract, authors, keywords)
  VALUES (new.rowid, new.title, new.abstract, new.authors, new.keywords);
END;

CREATE TABLE posts (
  message   TEXT PRIMARY KEY,
  channel   TEXT NOT NULL,
  paper_id  TEXT,
  kind      TEXT NOT NULL,
  posted_by TEXT,
  posted_at TEXT NOT NULL
);
CREATE INDEX posts_paper ON posts(paper_id);
CREATE INDEX posts_channel_paper ON posts(channel, paper_id);

CREATE TABLE reactions (
  message TEXT NOT NULL,
  user_ref TEXT NOT NULL,
  emoji   TEXT NOT NULL,
  at      TEXT NOT NULL,
  PRIMARY KEY (message, user_ref, emoji)
);

CREATE TABLE channel_settings (
  channel    TEXT PRIMARY KEY,
  enabled    INTEGER NOT NULL,
  time       TEXT NOT NULL,
  timezone   TEXT NOT NULL,
  days       TEXT NOT NULL,
  size       INTEGER NOT NULL,
  topics     TEXT NOT NULL,
  min_score  REAL NOT NULL,
  mode       TEXT NOT NULL,
  updated_by TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE roundups (
  channel    TEXT NOT NULL,
  local_date TEXT NOT NULL,
  state      TEXT NOT NULL,
  claimed_by TEXT NOT NULL,
  claimed_at TEXT NOT NULL,
  note       TEXT,
  PRIMARY KEY (channel, local_date)
);
CREATE TABLE roundup_items (
  channel    TEXT NOT NULL,
  local_date TEXT NOT NULL,
  position   INTEGER NOT NULL,
  paper_id   TEXT NOT NULL,
  message    TEXT NOT NULL,
  PRIMARY KEY (channel, local_date, paper_id)
);
`,
  },
  {
    version: 2,
    name: 'leases: one holder at a time for the Discord gateway and feed ingestion',
    sql: `
CREATE TABLE leases (
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
`,
  },
  {
    version: 3,
    name: 'roundups: leases, planned items with idempotency keys, bounded retries',
    sql: `
-- A claim is a lease its run renews; NULL (every claim made before this migration) has run out.
ALTER TABLE roundups ADD COLUMN lease_until TEXT;
ALTER TABLE roundups ADD COLUMN retry_at TEXT;
ALTER TABLE roundups ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE roundups ADD COLUMN last_error TEXT;
ALTER TABLE roundups ADD COLUMN layout TEXT;
ALTER TABLE roundups ADD COLUMN planned_at TEXT;
ALTER TABLE roundups ADD COLUMN finished_at TEXT;
CREATE INDEX roundups_state ON roundups(state, local_date);

-- Items are planned before they are posted: the message is NULL until recorded, and each item carries
-- the idempotency key its post uses. SQLite cannot drop NOT NULL in place, so the table is rebuilt.
CREATE TABLE roundup_items_v3 (
  channel    TEXT NOT NULL,
  local_date TEXT NOT NULL,
  position   INTEGER NOT NULL,
  paper_id   TEXT NOT NULL,
  idem_key   TEXT,
  message    TEXT,
  PRIMARY KEY (channel, local_date, paper_id)
);
INSERT INTO roundup_items_v3 (channel, local_date, position, paper_id, message)
  SELECT channel, local_date, position, paper_id, message FROM roundup_items;
DROP TABLE roundup_items;
ALTER TABLE roundup_items_v3 RENAME TO roundup_items;
`,
  },
  {
    version: 4,
    name: 'full-text index over everything a paper shows: organization and arXiv id added',
    sql: `
-- The index is rebuilt with the organization (name and Hugging Face handle) and the arXiv id as columns
-- of their own, so a lab name or an id typed as words finds the paper and bm25 weighs each field.
DROP TRIGGER papers_fts_insert;
DROP TRIGGER papers_fts_delete;
DROP TRIGGER papers_fts_update;
DROP TABLE papers_fts;
CREATE VIRTUAL TABLE papers_fts USING fts5(
  title, abstract, authors, keywords, org_name, org_id, arxiv_id,
  content='papers', content_rowid='rowid',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
  INSERT INTO papers_fts(rowid, title, abstract, authors, keywords, org_name, org_id, arxiv_id)
  VALUES (new.rowid, new.title, new.abstract, new.authors, new.keywords, new.org_name, new.org_id, new.arxiv_id);
END;
CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
  INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, keywords, org_name, org_id, arxiv_id)
  VALUES ('delete', old.rowid, old.title, old.abstract, old.authors, old.keywords, old.org_name, old.org_id,
    old.arxiv_id);
END;
-- Only text changes touch the index: upvote refreshes through the day stay cheap.
CREATE TRIGGER papers_fts_update
AFTER UPDATE OF title, abstract, authors, keywords, org_name, org_id, arxiv_id ON papers BEGIN
  INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, keywords, org_name, org_id, arxiv_id)
  VALUES ('delete', old.rowid, old.title, old.abstract, old.authors, old.keywords, old.org_name, old.org_id,
    old.arxiv_id);
  INSERT INTO papers_fts(rowid, title, abstract, authors, keywords, org_name, org_id, arxiv_id)
  VALUES (new.rowid, new.title, new.abstract, new.authors, new.keywords, new.org_name, new.org_id, new.arxiv_id);
END;
INSERT INTO papers_fts(papers_fts) VALUES ('rebuild');

-- Abbreviations each paper defines ("large language models (LLMs)"), learned at ingest so that a search
-- for one form also finds the other; filled for stored papers by the backfill below.
CREATE TABLE abbreviations (
  paper_rowid INTEGER NOT NULL,
  short       TEXT NOT NULL,
  long_key    TEXT NOT NULL,
  long        TEXT NOT NULL,
  PRIMARY KEY (paper_rowid, short, long_key)
);
CREATE INDEX abbreviations_short ON abbreviations(short);
CREATE INDEX abbreviations_long_key ON abbreviations(long_key);

-- The words of titles and keywords, with how many papers hold each: the vocabulary a misspelt search word
-- is corrected against.
CREATE TABLE words (
  word   TEXT PRIMARY KEY,
  papers INTEGER NOT NULL
);
`,
    backfill: (db) => {
      const papers = db.prepare('SELECT rowid, id, title, abstract, keywords FROM papers').all() as {
        rowid: number;
        id: string;
        title: string;
        abstract: string;
        keywords: string;
      }[];
      const count = db.prepare(
        'INSERT INTO words (word, papers) VALUES (?, 1) ON CONFLICT(word) DO UPDATE SET papers = papers + 1',
      );
      for (const p of papers) {
        for (const w of vocabularyWords({ title: p.title, keywords: JSON.parse(p.keywords) as string[] })) {
          count.run(w);
        }
      }
      const insert = db.prepare(
        'INSERT OR IGNORE INTO abbreviations (paper_rowid, short, long_key, long) VALUES (?, ?, ?, ?)',
      );
      const rowids = new Map(papers.map((p) => [p.id, p.rowid]));
      for (const r of abbreviationRows(papers))
        insert.run(rowids.get(r.paper_id), r.short, r.long_key, r.long);
    },
  },
  {
    version: 5,
    name: 'personal watches, their delivery settings, the watch cursor and the delivery ledger',
    sql: `
CREATE TABLE watches (
  id         INTEGER PRIMARY KEY,
  owner      TEXT NOT NULL,
  query      TEXT NOT NULL,
  channel    TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX watches_owner ON watches(owner, id);

CREATE TABLE watchers (
  owner         TEXT PRIMARY KEY,
  mode          TEXT NOT NULL,
  time          TEXT NOT NULL,
  timezone      TEXT NOT NULL,
  paused        INTEGER NOT NULL,
  paused_reason TEXT,
  dm_channel    TEXT,
  updated_at    TEXT NOT NULL
);

-- The rowid of the last paper matched against the watches. Papers already archived are not new.
CREATE TABLE watch_cursor (
  only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
  seq      INTEGER NOT NULL
);
INSERT INTO watch_cursor (only_row, seq) VALUES (1, (SELECT COALESCE(MAX(rowid), 0) FROM papers));

CREATE TABLE watch_deliveries (
  id          INTEGER PRIMARY KEY,
  owner       TEXT NOT NULL,
  state       TEXT NOT NULL,
  claimed_by  TEXT NOT NULL,
  lease_until TEXT,
  idem_key    TEXT NOT NULL,
  planned_at  TEXT NOT NULL,
  local_date  TEXT,
  message     TEXT,
  note        TEXT,
  finished_at TEXT
);
CREATE INDEX watch_deliveries_open ON watch_deliveries(owner, state);
-- One daily digest per person and local date, whichever instance plans it.
CREATE UNIQUE INDEX watch_deliveries_daily ON watch_deliveries(owner, local_date) WHERE local_date IS NOT NULL;

-- Exactly once per (person, paper): the first watch to match keeps it; the delivery it went out in.
CREATE TABLE watch_matches (
  owner       TEXT NOT NULL,
  paper_id    TEXT NOT NULL,
  watch_id    INTEGER NOT NULL,
  query       TEXT NOT NULL,
  matched_at  TEXT NOT NULL,
  delivery_id INTEGER,
  PRIMARY KEY (owner, paper_id)
);
CREATE INDEX watch_matches_pending ON watch_matches(owner, delivery_id);
CREATE INDEX watch_matches_watch ON watch_matches(watch_id, matched_at);
`,
  },
  {
    version: 6,
    name: 'deliveries: platform events and commands handled once across instances',
    sql: `
-- A delivery is 'handling' while claimed (expires_at: when the claim runs out) and 'done' once handled
-- (expires_at: when it may be forgotten, beyond the platform's retry and replay windows).
CREATE TABLE deliveries (
  platform   TEXT NOT NULL,
  id         TEXT NOT NULL,
  holder     TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('handling', 'done')),
  expires_at TEXT NOT NULL,
  PRIMARY KEY (platform, id)
);
CREATE INDEX deliveries_expiry ON deliveries(expires_at);
`,
  },
  {
    version: 9,
    name: 'replies: thread replies under messages that show a paper (who and when, never what)',
    sql: `
-- A reply is counted against the message its thread hangs under; the paper comes from that message's
-- post, so replies follow a paper through a merge as votes do. No text is kept.
CREATE TABLE replies (
  message  TEXT PRIMARY KEY,
  thread   TEXT NOT NULL,
  user_ref TEXT NOT NULL,
  at       TEXT NOT NULL
);
CREATE INDEX replies_thread ON replies(thread);
`,
  },
  {
    version: 10,
    name: 'reading_list: papers each channel means to read, and who put them there',
    sql: `
-- One row per reason a paper is on a channel's list: a person's pushpin on one message showing it (via:
-- that message) or their save (via: ''). The paper is on the list while any row holds it, so removing the
-- last pushpin takes it off; who put it there is every person with a row.
CREATE TABLE reading_list (
  channel  TEXT NOT NULL,
  paper_id TEXT NOT NULL,
  user_ref TEXT NOT NULL,
  via      TEXT NOT NULL,
  at       TEXT NOT NULL,
  PRIMARY KEY (channel, paper_id, user_ref, via)
);
CREATE INDEX reading_list_via ON reading_list(via);
CREATE INDEX reading_list_paper ON reading_list(paper_id);
`,
  },
  {
    version: 13,
    name: 'watch deliveries: failed tries counted, and the time before which the next one waits',
    sql: `
-- A DM that failed (not a person who cannot be sent one) is tried again with backoff: attempts counts the
-- failed tries, retry_at is when the next may start (no run claims the delivery before).
ALTER TABLE watch_deliveries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE watch_deliveries ADD COLUMN retry_at TEXT;
`,
  },
  {
    version: 14,
    name: 'impact lists: the papers each common word weighs most in, for exact top-k search without FTS5',
    sql: `
-- Per index term held by many papers (impact-lists.ts): its exact document frequency, the bound theta that
-- every paper outside its list stays at or under, the avgdl its impacts were computed with, the list's size.
CREATE TABLE impact_terms (
  id        INTEGER PRIMARY KEY,
  term      TEXT NOT NULL UNIQUE,
  df        INTEGER NOT NULL,
  theta     REAL NOT NULL,
  avgdl_ref REAL NOT NULL,
  size      INTEGER NOT NULL
);
-- A list, read in impact order: f (the term's column-weighted count) and d (the paper's tokens) let the
-- impact be recomputed under today's avgdl.
CREATE TABLE impact_postings (
  term_id     INTEGER NOT NULL,
  g           REAL NOT NULL,
  paper_rowid INTEGER NOT NULL,
  f           REAL NOT NULL,
  d           INTEGER NOT NULL,
  PRIMARY KEY (term_id, g DESC, paper_rowid)
) WITHOUT ROWID;
-- Per paper, its f for every listed term it holds (varint pairs term id, f) and d: the threshold
-- algorithm's random access, one row per candidate instead of reading its text.
CREATE TABLE impact_docs (
  paper_rowid INTEGER PRIMARY KEY,
  d           INTEGER NOT NULL,
  terms       BLOB NOT NULL
);
-- synced: FTS5's averages record when the lists were last brought in step with the index; a write that
-- bypasses them changes it, and search then uses FTS5 alone until the lists are rebuilt. NULL: never built.
CREATE TABLE impact_state (
  only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
  synced   BLOB
);
`,
  },
  {
    version: 15,
    name: 'word columns: every paper of each very common word, for exact ranking of several such words',
    sql: `
-- Per very common word (word-columns.ts): its papers in rowid order with its f and their D, in segments
-- by rowid (first_rowid: the segment's first paper), a blob each.
CREATE TABLE impact_columns (
  term_id     INTEGER NOT NULL,
  first_rowid INTEGER NOT NULL,
  postings    BLOB NOT NULL,
  PRIMARY KEY (term_id, first_rowid)
);
-- Papers written since a column was built: the word's f (0: no longer held) and the paper's D now.
CREATE TABLE impact_column_changes (
  term_id     INTEGER NOT NULL,
  paper_rowid INTEGER NOT NULL,
  f           INTEGER NOT NULL,
  d           INTEGER NOT NULL,
  PRIMARY KEY (term_id, paper_rowid)
) WITHOUT ROWID;
-- How many change rows each column word has gathered (at most; a paper written twice counts twice).
ALTER TABLE impact_terms ADD COLUMN column_changes INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 16,
    name: 'abbreviation counts kept as papers are written, so a search reads its abbreviations in one row each',
    sql: `
-- Per abbreviation (short form and long-form key): the papers defining it and its first spelling. Counting
-- them at search time read every defining row: 180 ms for llm, lm and rl at a million papers, on each
-- first search after an ingest. Kept by the triggers below as abbreviations are learnt and forgotten.
CREATE TABLE abbreviation_counts (
  short    TEXT NOT NULL,
  long_key TEXT NOT NULL,
  long     TEXT NOT NULL,
  papers   INTEGER NOT NULL,
  PRIMARY KEY (short, long_key)
) WITHOUT ROWID;
CREATE INDEX abbreviation_counts_long_key ON abbreviation_counts(long_key);
INSERT INTO abbreviation_counts (short, long_key, long, papers)
  SELECT short, long_key, MIN(long), COUNT(*) FROM abbreviations GROUP BY short, long_key;
-- The first spelling of a pair is read from the index when the row holding it is forgotten.
DROP INDEX abbreviations_short;
CREATE INDEX abbreviations_short ON abbreviations(short, long_key, long);
CREATE TRIGGER abbreviations_counted AFTER INSERT ON abbreviations BEGIN
  INSERT INTO abbreviation_counts (short, long_key, long, papers) VALUES (new.short, new.long_key, new.long, 1)
  ON CONFLICT (short, long_key) DO UPDATE SET papers = papers + 1, long = min(long, excluded.long);
END;
CREATE TRIGGER abbreviations_uncounted AFTER DELETE ON abbreviations BEGIN
  UPDATE abbreviation_counts SET papers = papers - 1,
    long = CASE WHEN long = old.long THEN coalesce((SELECT MIN(long) FROM abbreviations
      WHERE short = old.short AND long_key = old.long_key), long) ELSE long END
  WHERE short = old.short AND long_key = old.long_key;
  DELETE FROM abbreviation_counts WHERE short = old.short AND long_key = old.long_key AND papers <= 0;
END;
`,
  },
  {
    version: 17,
    name: "a paper's arXiv id beside its title key in the title index, so a title probe never reads the table",
    sql: `
-- A new paper matches a stored paper of its title only where one of the two has no arXiv id
-- (upsert-plan.ts). With the arXiv id in the index, "this title, no arXiv id" is one seek, and no probe
-- reads a stored paper's row to learn it has one. Before, every stored paper of a common title was read
-- from the table for each new paper of that title: about a third of the writing thread's time in a
-- million-paper import (storing it took 280 s before, 190 s after).
CREATE INDEX papers_title_arxiv ON papers(title_key, arxiv_id);
DROP INDEX papers_title_key;
`,
  },
  {
    version: 18,
    name: 'word columns packed: each segment about 5 bytes a paper instead of 10, its papers beside it',
    sql: `
-- A segment's papers, so a fold sizes segments without reading their blobs (length() no longer tells).
ALTER TABLE impact_columns ADD COLUMN papers INTEGER NOT NULL DEFAULT 0;
`,
    // Every stored segment packed (word-columns.ts, encodeColumn): seconds at a million papers, once.
    backfill: (db) => {
      const keys = db.prepare('SELECT term_id, first_rowid FROM impact_columns').raw().all() as [
        number,
        number,
      ][];
      const read = db
        .prepare('SELECT postings FROM impact_columns WHERE term_id = ? AND first_rowid = ?')
        .pluck();
      const write = db.prepare(
        'UPDATE impact_columns SET papers = ?, postings = ? WHERE term_id = ? AND first_rowid = ?',
      );
      const damaged = new Set<number>();
      for (const [id, first] of keys) {
        const blob = read.get(id, first) as Buffer;
        // Not a whole number of 10-byte postings: damaged. Its word does without a column (a build
        // writes it again) rather than keep one missing papers.
        if (blob.length % 10 !== 0) damaged.add(id);
        else {
          const c = decodeUnpacked(blob);
          write.run(c.rowids.length, encodeColumn(c), id, first);
        }
      }
      for (const id of damaged) dropColumn((sql) => db.prepare(sql), id);
    },
  },
  {
    version: 19,
    name: "each paper's D stored once for the word columns, so the segments a build writes need not hold it",
    sql: `
-- lengths-table.ts: rows of 65,536 rowids, each a blob of the papers' D. Empty until the next build of the
-- lists: the segments stored before keep their D and are read as before.
CREATE TABLE impact_lengths (
  first_rowid INTEGER PRIMARY KEY,
  d           BLOB NOT NULL
);
`,
  },
  {
    version: 20,
    name: 'the titles of papers without an arXiv id indexed apart, so a bulk load of arXiv papers builds the index of every title once, at its end',
    sql: `
-- A new paper matches a stored paper of its title only where one of the two has no arXiv id
-- (upsert-plan.ts). "A stored paper of this title with no arXiv id" is one seek in an index of those papers
-- alone: small, as most papers have an arXiv id, and kept always. The index of every title is read only for
-- a new paper without an arXiv id, so a bulk load of arXiv papers drops it and builds it again, sorted, at
-- its end (SqliteStore.deferTitleIndex): its keys arrive in random order, and keeping it paper by paper
-- wrote about a page of it for each paper into the statement journal and the WAL (a third of storing 300,000
-- papers, bench/RUNS.md).
CREATE INDEX papers_arxivless_title ON papers(title_key) WHERE arxiv_id IS NULL;
CREATE INDEX papers_title_key ON papers(title_key);
DROP INDEX papers_title_arxiv;
-- Read by no query since abbreviation_counts answers for long forms (migration 16): only written, at every
-- abbreviation a paper defines.
DROP INDEX abbreviations_long_key;
`,
  },
  {
    version: 21,
    name: 'removed reactions remembered, so a late retry of their add brings no vote back; unfinished roundups indexed',
    sql: `
-- A removed reaction remembered with its time: Slack sends an event again after a failure (at once, a
-- minute, five minutes later), so an add the archive refused can arrive after the person took the reaction
-- back; an add older than the removal is then no vote (store.ts, changeReaction). Kept a day.
CREATE TABLE reaction_removals (
  message  TEXT NOT NULL,
  user_ref TEXT NOT NULL,
  emoji    TEXT NOT NULL,
  at       TEXT NOT NULL,
  PRIMARY KEY (message, user_ref, emoji)
);
-- The latest add of a reaction (its first stays in \`at\`): a removal older than it is a delivery sent again
-- after the person added the reaction back, and removes nothing.
ALTER TABLE reactions ADD COLUMN last_at TEXT;
-- Roundups started and not finished, which the scheduler resumes at every tick whatever the schedule says
-- (scheduler.ts): the few of them, not a year of finished ones.
CREATE INDEX roundups_unfinished ON roundups(local_date) WHERE state IN ('claimed', 'waiting');
`,
  },
  {
    version: 22,
    name: 'deleted replies remembered, so a late add of one counts nothing',
    sql: `
-- A deleted reply remembered a day: its add, refused while the archive was locked and sent again (Slack's
-- retry, a Discord event held or tried again after a restart), can arrive after its deletion, and must not
-- count a reply that is gone. A message once deleted never comes back, so no time is compared.
CREATE TABLE reply_removals (
  message TEXT PRIMARY KEY,
  at      TEXT NOT NULL
);
`,
  },
  {
    version: 23,
    name: 'impact lists as a build writes them kept in blocks of entries, a page each, not a row an entry',
    sql: `
-- A list's entries as a build wrote them (list-blocks.ts), in its order (g descending, then rowid), about
-- 480 to a block: rowid, f and D each; g is computed again from them. Written once; a change that must
-- remove or cut entries turns the list's blocks into rows of impact_postings first. Lists written before
-- this are rows, read as before, until the next build.
CREATE TABLE impact_blocks (
  term_id INTEGER NOT NULL,
  block   INTEGER NOT NULL,
  entries BLOB NOT NULL,
  PRIMARY KEY (term_id, block)
);
`,
  },
];
