import type pg from 'pg';
import { vocabularyWords } from '../../papers/spelling.ts';
import { abbreviationRows } from '../abbreviation-rows.ts';

/**
 * Versioned PostgreSQL schema, applied at start-up under an advisory lock so that several instances
 * starting at once apply each migration exactly once. Never edit a released migration: add a new one.
 */
/** A text expression cut into words at the punctuation SQLite's tokenizer cuts at (`2410.17243` → 2410 17243). */
const words = (expr: string) => `regexp_replace(${expr}, '[-/:@.]+', ' ', 'g')`;

export const POSTGRES_MIGRATIONS: readonly {
  version: number;
  name: string;
  sql: string;
  /** Fills what SQL alone cannot compute, in the migration's transaction, after its SQL. */
  backfill?: (client: pg.PoolClient) => Promise<void>;
}[] = [
  {
    version: 1,
    name: 'papers with weighted full-text search, posts, reactions, channel settings, roundup ledger',
    sql: `
CREATE EXTENSION IF NOT EXISTS unaccent;
-- English stemming with accents folded, so "tulu" finds "TÜLU" and "unlearning" finds "unlearned".
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'paperboy_en') THEN
    CREATE TEXT SEARCH CONFIGURATION paperboy_en (COPY = english);
    ALTER TEXT SEARCH CONFIGURATION paperboy_en
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
  END IF;
END $$;

CREATE TABLE papers (
  rowid        BIGSERIAL PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  arxiv_id     TEXT UNIQUE,
  title_key    TEXT NOT NULL,
  title        TEXT NOT NULL,
  abstract     TEXT NOT NULL,
  authors      TEXT NOT NULL,
  keywords     TEXT NOT NULL DEFAULT '[]',
  author_count INTEGER,
  org_id       TEXT,
  org_name     TEXT,
  published_at TEXT,
  feed_date    TEXT,
  upvotes      INTEGER,
  comments     INTEGER,
  extras       TEXT NOT NULL DEFAULT '{}',
  first_seen_at TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  -- Weights: title A, keywords B, authors C, abstract D (ranked 1.0 / 0.4 / 0.2 / 0.1).
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('paperboy_en'::regconfig, title), 'A') ||
    setweight(to_tsvector('paperboy_en'::regconfig, keywords), 'B') ||
    setweight(to_tsvector('paperboy_en'::regconfig, authors), 'C') ||
    setweight(to_tsvector('paperboy_en'::regconfig, abstract), 'D')
  ) STORED
);
CREATE INDEX papers_title_key ON papers(title_key);
CREATE INDEX papers_feed_date ON papers(feed_date);
CREATE INDEX papers_search ON papers USING GIN (search);

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
  message  TEXT NOT NULL,
  user_ref TEXT NOT NULL,
  emoji    TEXT NOT NULL,
  at       TEXT NOT NULL,
  PRIMARY KEY (message, user_ref, emoji)
);

CREATE TABLE channel_settings (
  channel    TEXT PRIMARY KEY,
  enabled    BOOLEAN NOT NULL,
  time       TEXT NOT NULL,
  timezone   TEXT NOT NULL,
  days       TEXT NOT NULL,
  size       INTEGER NOT NULL,
  topics     TEXT NOT NULL,
  min_score  DOUBLE PRECISION NOT NULL,
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
-- the idempotency key its post uses.
ALTER TABLE roundup_items ALTER COLUMN message DROP NOT NULL;
ALTER TABLE roundup_items ADD COLUMN idem_key TEXT;
`,
  },
  {
    version: 4,
    name: 'full-text search over everything a paper shows: organization and arXiv id added',
    sql: `
-- The generated column is replaced (PostgreSQL cannot alter a generation expression in place); adding it
-- back computes it for every stored paper.
-- Every field is cut at '-', '/', ':', '@' and '.' first, as SQLite's tokenizer and the query parser cut
-- text: PostgreSQL's parser keeps a URL, a host or a decimal whole (a word found only inside a link such as
-- github.com/…/Diffusion-MU-Attack would match on one store only), and gives a hyphenated word extra
-- positions for its parts, so a phrase across it ("critical re-examination") would not match.
-- Weights: title and arXiv id A, keywords and organization B, authors C, abstract D.
ALTER TABLE papers DROP COLUMN search;
ALTER TABLE papers ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('paperboy_en'::regconfig, ${words('title')}), 'A') ||
  setweight(to_tsvector('paperboy_en'::regconfig, ${words("coalesce(arxiv_id, '')")}), 'A') ||
  setweight(to_tsvector('paperboy_en'::regconfig, ${words('keywords')}), 'B') ||
  setweight(to_tsvector('paperboy_en'::regconfig, ${words("coalesce(org_name, '') || ' ' || coalesce(org_id, '')")}), 'B') ||
  setweight(to_tsvector('paperboy_en'::regconfig, ${words('authors')}), 'C') ||
  setweight(to_tsvector('paperboy_en'::regconfig, ${words('abstract')}), 'D')
) STORED;
CREATE INDEX papers_search ON papers USING GIN (search);

-- Abbreviations each paper defines ("large language models (LLMs)"), learned at ingest so that a search
-- for one form also finds the other; filled for stored papers by the backfill below.
CREATE TABLE abbreviations (
  paper_rowid BIGINT NOT NULL,
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
    backfill: async (client) => {
      const papers = await client.query<{ id: string; title: string; abstract: string; keywords: string }>(
        'SELECT id, title, abstract, keywords FROM papers',
      );
      await client.query(INSERT_ABBREVIATIONS, [JSON.stringify(abbreviationRows(papers.rows))]);
      const words = papers.rows.flatMap((p) =>
        vocabularyWords({ title: p.title, keywords: JSON.parse(p.keywords) as string[] }),
      );
      await client.query(COUNT_WORDS, [words]);
    },
  },
  {
    version: 5,
    name: 'personal watches, their delivery settings, the watch cursor and the delivery ledger',
    sql: `
CREATE TABLE watches (
  id         BIGSERIAL PRIMARY KEY,
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
  paused        BOOLEAN NOT NULL,
  paused_reason TEXT,
  dm_channel    TEXT,
  updated_at    TEXT NOT NULL
);

-- The rowid of the last paper matched against the watches. Papers already archived are not new.
-- (Inserts are serialised by the upsert lock, so rowids become visible in increasing order.)
CREATE TABLE watch_cursor (
  only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
  seq      BIGINT NOT NULL
);
INSERT INTO watch_cursor (only_row, seq) VALUES (1, (SELECT COALESCE(MAX(rowid), 0) FROM papers));

CREATE TABLE watch_deliveries (
  id          BIGSERIAL PRIMARY KEY,
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
  seq         BIGSERIAL,
  owner       TEXT NOT NULL,
  paper_id    TEXT NOT NULL,
  watch_id    BIGINT NOT NULL,
  query       TEXT NOT NULL,
  matched_at  TEXT NOT NULL,
  delivery_id BIGINT,
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
  expires_at TIMESTAMPTZ NOT NULL,
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
    version: 12,
    name: 'search: per-word top lists, so a very common word is ranked without scoring every match',
    sql: `
-- One row per word (a lexeme of the search vector) that searches have used: how many papers hold it, the
-- single-word score (ts_rank_cd with the search weights) at or above which a paper is in its list
-- ('Infinity' while the word is rare enough to rank exactly and has no list), and how many are listed.
-- Kept exact as papers arrive or change (see term-lists.ts).
CREATE TABLE term_lists (
  lexeme TEXT PRIMARY KEY,
  papers INTEGER NOT NULL,
  floor  DOUBLE PRECISION NOT NULL,
  listed INTEGER NOT NULL DEFAULT 0
);
-- Every paper whose single-word score reaches its word's floor; read best first.
CREATE TABLE term_tops (
  lexeme TEXT NOT NULL,
  rowid  BIGINT NOT NULL,
  score  DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (lexeme, rowid)
);
CREATE INDEX term_tops_best ON term_tops(lexeme, score DESC, rowid);
CREATE INDEX term_tops_paper ON term_tops(rowid);
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
    name: "a paper's arXiv id beside its title key in the title index, so a title lookup reads only its matches",
    sql: `
-- A new paper matches a stored paper of its title only where one of the two has no arXiv id
-- (upsert-plan.ts). With the arXiv id in the index, "this title, no arXiv id" is one index range, and the
-- stored arXiv papers of a common title are not read from the table for every new paper of that title.
CREATE INDEX papers_title_arxiv ON papers(title_key, arxiv_id);
DROP INDEX papers_title_key;
`,
  },
  {
    version: 15,
    name: 'search: lists for two common words together and two-word phrases, keyed by their query',
    sql: `
-- A pair list's row (term-lists.ts): its key is the query's tsquery text, query the tsquery its papers
-- are scored by, and lead the rarer of its two words, which every match holds: a new paper is tested
-- only against the lists led by a word it holds. A word's row has neither.
ALTER TABLE term_lists ADD COLUMN query tsquery;
ALTER TABLE term_lists ADD COLUMN lead TEXT;
CREATE INDEX term_lists_lead ON term_lists(lead) WHERE lead IS NOT NULL;
`,
  },
  {
    version: 16,
    name: "search: the day each pair's list was last searched, so lists no one searches are dropped",
    sql: `
-- Every new paper is scored against the pair lists led by its words, so a list no search reads costs each
-- ingest for nothing: one unread for PAIR_IDLE_DAYS (term-lists.ts) is dropped by the next ingest, and
-- built again by the next search that needs it. A word's row has none.
ALTER TABLE term_lists ADD COLUMN used_on DATE;
UPDATE term_lists SET used_on = CURRENT_DATE WHERE lead IS NOT NULL;
`,
  },
  {
    version: 17,
    name: 'search: query lists of any shape, with several leads, and when each was last searched, to the hour',
    sql: `
-- At most queryLists query lists are kept (term-lists.ts): building another drops the least recently
-- searched. The day alone would tie every list searched today, and drop one built seconds before.
ALTER TABLE term_lists ADD COLUMN used_at TIMESTAMPTZ;
-- The words that lead a query list: every match holds one of them, so a new paper is tested only against
-- the lists led by a word it holds. One word for most queries; one for each form of a term with an
-- abbreviation's other form ('llm' | 'larg' <-> 'languag' <-> 'model'), whose matches share no word.
-- They replace term_lists.lead; a query list's row is the one with a query.
CREATE TABLE term_list_leads (
  lead TEXT NOT NULL,
  list TEXT NOT NULL REFERENCES term_lists(lexeme) ON DELETE CASCADE,
  PRIMARY KEY (lead, list)
);
CREATE INDEX term_list_leads_list ON term_list_leads(list);
-- The pair lists kept so far go: two exclusions are now keyed in sorted order, and searches build again
-- the lists they need, led through term_list_leads.
DELETE FROM term_tops WHERE lexeme IN (SELECT lexeme FROM term_lists WHERE query IS NOT NULL);
DELETE FROM term_lists WHERE query IS NOT NULL;
ALTER TABLE term_lists DROP COLUMN lead;
`,
  },
  {
    version: 18,
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
    version: 19,
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
];

/** Inserts abbreviation rows given as a JSON array (`$1`) of AbbreviationRow, keyed by paper id. */
export const INSERT_ABBREVIATIONS = `INSERT INTO abbreviations (paper_rowid, short, long_key, long)
  SELECT p.rowid, x.short, x.long_key, x.long
  FROM jsonb_to_recordset($1::jsonb) AS x(paper_id text, short text, long_key text, long text)
  JOIN papers p ON p.id = x.paper_id
  ON CONFLICT DO NOTHING`;

/** Counts each paper's vocabulary words (`$1`, a text array with one entry per paper and word). */
export const COUNT_WORDS = `INSERT INTO words (word, papers)
  SELECT w, COUNT(*) FROM unnest($1::text[]) AS w GROUP BY w
  ON CONFLICT (word) DO UPDATE SET papers = words.papers + excluded.papers`;
