import type Database from 'better-sqlite3';
import { stemmer } from 'stemmer';
import type { SearchQuery } from '../../papers/search-query.ts';
import { toFtsMatch } from './fts-match.ts';

/** When the fast path takes over from the exact full-text ranking, and how much of the tier it reads. */
export interface TierOptions {
  /**
   * A query matching fewer papers than this is ranked exactly by FTS5 (bm25 over every match is cheap
   * then); from this many on, by the title tier.
   */
  minMatches: number;
  /** Papers read from the title tier per combination of searched terms. */
  perCombo: number;
}

/**
 * Chosen by measurement on this project's 2-core machine (README, "Benchmarks"): up to about 20,000 matches
 * FTS5 ranks exactly within a few milliseconds, less than scoring tier papers here costs; 100 tier papers
 * per combination keep the common-word searches of a million-paper archive under 25 ms.
 */
export const DEFAULT_TIER: TierOptions = { minMatches: 20_000, perCombo: 100 };

/** bm25 column weights, in the full-text index's column order (the store's BM25 expression uses the same). */
const WEIGHTS = [10, 1, 2, 3, 3, 3, 10];
/** FTS5's bm25 constants. */
const K1 = 1.2;
const B = 0.75;
/** Newest rowids a term's document frequency is estimated from, when it is not known yet. */
const DF_WINDOW = 20_000;
/** How long the archive's size and average paper length are trusted before they are read again. */
const STATS_TTL_MS = 10 * 60_000;

interface Row {
  rowid: number;
  title: string;
  abstract: string;
  authors: string;
  keywords: string;
  org_name: string | null;
  org_id: string | null;
  arxiv_id: string | null;
}

/** A candidate the exact full-text ranking would have found, with its BM25 computed here. */
export interface TierHit {
  rowid: number;
  relevance: number;
}

/**
 * The fast path for queries matching many papers. FTS5 ranks by scoring every match, so a word in a third
 * of a million papers costs hundreds of milliseconds. Instead, candidates are read from the title tier
 * (titles only, in static-rank order: shortest paper first) for all searched terms together, then for
 * every smaller combination, each read stopping after `perCombo` papers; those are checked against every
 * field (all terms present, no excluded one) and scored with FTS5's own bm25 formula, computed here from the
 * papers' text with the archive's statistics. The ranking puts title matches first, and bm25 favours
 * titles (weight 10) and short papers, so the exact top candidates are nearly always among those read.
 * It is approximate: recall@10 against the exact ranking is measured by `npm run bench`.
 */
export class TierSearch {
  private readonly db: Database.Database;
  private readonly options: TierOptions;
  private stats: { papers: number; avgLength: number; at: number } | null = null;
  private readonly df = new Map<string, number>();

  constructor(db: Database.Database, options: TierOptions) {
    this.db = db;
    this.options = options;
  }

  /** The top `limit` candidates, or null when the query matches few enough papers to rank exactly. */
  search(query: SearchQuery, limit: number): TierHit[] | null {
    if (query.mode !== 'all' || !Number.isFinite(this.options.minMatches)) return null;
    const full = toFtsMatch(query);
    const matches = (
      this.prepare(
        'SELECT count(*) AS n FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?)',
      ).get(full, this.options.minMatches) as { n: number }
    ).n;
    if (matches < this.options.minMatches) return null;
    const scorer = this.scorer(query);
    const tier = this.prepare(
      'SELECT rowid AS k FROM papers_title WHERE papers_title MATCH ? ORDER BY rowid LIMIT ?',
    );
    const seen = new Set<number>();
    const hits: TierHit[] = [];
    const score = (rowids: number[]) => {
      const fresh = rowids.filter((r) => !seen.has(r));
      for (const r of fresh) seen.add(r);
      if (fresh.length === 0) return;
      const rows = this.prepare(
        `SELECT rowid, title, abstract, authors, keywords, org_name, org_id, arxiv_id FROM papers
         WHERE rowid IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify(fresh)) as Row[];
      for (const row of rows) {
        const s = scorer(row);
        if (s !== null) hits.push({ rowid: row.rowid, relevance: s });
      }
    };
    const n = query.must.length;
    for (let size = n; size >= 1; size--) {
      for (const combo of combinations(n, size)) {
        const sub: SearchQuery = {
          must: combo.map((i) => query.must[i] ?? []),
          alternatives: combo.map((i) => query.alternatives?.[i] ?? []),
          exclude: [],
          mode: 'all',
          notice: null,
        };
        const keys = tier.all(toFtsMatch(sub), this.options.perCombo) as { k: number }[];
        score(keys.map((r) => r.k % 2 ** 32));
      }
      if (hits.length >= limit) break;
    }
    if (hits.length < limit) {
      // Few papers hold the words in their titles: the newest full-text matches fill the list.
      const newest = this.prepare(
        'SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rowid DESC LIMIT ?',
      ).all(full, this.options.perCombo) as { rowid: number }[];
      score(newest.map((r) => r.rowid));
    }
    return hits.sort((a, b) => b.relevance - a.relevance || a.rowid - b.rowid).slice(0, limit);
  }

  /**
   * FTS5's bm25 for one paper (as `-bm25(papers_fts, …)`, higher is better), or null when the paper does
   * not match the query: a term missing from every field, or an excluded phrase present.
   */
  private scorer(query: SearchQuery): (row: Row) => number | null {
    const { papers, avgLength } = this.archiveStats();
    const typed = query.must.map((p, i) => [p, ...(query.alternatives?.[i] ?? [])]);
    const groups = typed.map((forms) => forms.map(stemPhrase));
    const excluded = query.exclude.map(stemPhrase);
    const idf = new Map<string, number>();
    // Frequencies are counted by the phrase as typed: the index stems it as it stemmed the papers.
    [...typed.flat(), ...query.exclude].forEach((phrase) => {
      const key = stemPhrase(phrase).join(' ');
      if (idf.has(key)) return;
      const df = this.documentFrequency(phrase, papers);
      const v = Math.log((papers - df + 0.5) / (df + 0.5));
      idf.set(key, v > 0 ? v : 1e-6);
    });
    return (row) => {
      const columns = [
        row.title,
        row.abstract,
        row.authors,
        row.keywords,
        row.org_name ?? '',
        row.org_id ?? '',
        row.arxiv_id ?? '',
      ].map(stems);
      const length = columns.reduce((sum, c) => sum + c.length, 0);
      const tf = (phrase: string[]) => columns.map((c) => occurrences(c, phrase));
      if (excluded.some((p) => tf(p).some((n) => n > 0))) return null;
      let score = 0;
      for (const forms of groups) {
        let found = false;
        for (const phrase of forms) {
          const counts = tf(phrase);
          const weighted = counts.reduce((sum, n, c) => sum + n * (WEIGHTS[c] ?? 1), 0);
          if (weighted === 0) continue;
          found = true;
          score +=
            ((idf.get(phrase.join(' ')) ?? 1e-6) * weighted * (K1 + 1)) /
            (weighted + K1 * (1 - B + (B * length) / avgLength));
        }
        if (!found) return null;
      }
      return score;
    };
  }

  /** Papers holding `phrase`: estimated from the newest papers, scaled to the archive; kept once known. */
  private documentFrequency(phrase: readonly string[], papers: number): number {
    const key = phrase.join(' ');
    const known = this.df.get(key);
    if (known !== undefined) return known * papers;
    const top = (this.prepare('SELECT COALESCE(MAX(rowid), 0) AS m FROM papers').get() as { m: number }).m;
    const window = Math.min(DF_WINDOW, top);
    const match = toFtsMatch({ must: [[...phrase]], exclude: [], mode: 'all', notice: null });
    const inWindow = (
      this.prepare('SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH ? AND rowid > ?').get(
        match,
        top - window,
      ) as { n: number }
    ).n;
    const share = window > 0 ? inWindow / window : 0;
    if (this.df.size > 10_000) this.df.clear();
    this.df.set(key, share);
    return share * papers;
  }

  /** The archive's size and average indexed length in tokens, from a sample of papers. */
  private archiveStats(): { papers: number; avgLength: number } {
    const now = Date.now();
    if (this.stats && now - this.stats.at < STATS_TTL_MS) return this.stats;
    const top = (this.prepare('SELECT COALESCE(MAX(rowid), 0) AS m FROM papers').get() as { m: number }).m;
    const papers = (this.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n;
    const step = Math.max(1, Math.floor(top / 500));
    const sample = this.prepare(
      `SELECT title, abstract, authors, keywords, org_name, org_id, arxiv_id FROM papers
       WHERE rowid IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(Array.from({ length: Math.min(500, top) }, (_, i) => 1 + i * step))) as Row[];
    const lengths = sample.map((r) =>
      [r.title, r.abstract, r.authors, r.keywords, r.org_name ?? '', r.org_id ?? '', r.arxiv_id ?? '']
        .map(stems)
        .reduce((sum, c) => sum + c.length, 0),
    );
    const avgLength = lengths.length > 0 ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 1;
    this.stats = { papers, avgLength: Math.max(1, avgLength), at: now };
    return this.stats;
  }

  private readonly statements = new Map<string, Database.Statement>();
  private prepare(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

/** Index subsets of `size` out of `n`, in order; all of them up to four terms, beyond that only the whole. */
function combinations(n: number, size: number): number[][] {
  if (size === n) return [Array.from({ length: n }, (_, i) => i)];
  if (n > 4) return size === 1 ? Array.from({ length: n }, (_, i) => [i]) : [];
  const out: number[][] = [];
  const walk = (start: number, picked: number[]) => {
    if (picked.length === size) {
      out.push(picked);
      return;
    }
    for (let i = start; i < n; i++) walk(i + 1, [...picked, i]);
  };
  walk(0, []);
  return out;
}

const stemCache = new Map<string, string>();
/** Porter stem of one lowercase token, remembered: a few thousand words make up most of any text. */
function stem(token: string): string {
  let s = stemCache.get(token);
  if (s === undefined) {
    s = stemmer(token);
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(token, s);
  }
  return s;
}

const TOKEN = /[\p{L}\p{N}]+/gu;
/** Text as FTS5's `porter unicode61 remove_diacritics 2` tokenizer sees it: folded, split, stemmed. */
function stems(text: string): string[] {
  const folded = /[\u0080-\uffff]/.test(text)
    ? text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
    : text.toLowerCase();
  return (folded.match(TOKEN) ?? []).map(stem);
}

function stemPhrase(tokens: readonly string[]): string[] {
  return tokens.flatMap((t) => stems(t));
}

/** How many times `phrase` occurs as consecutive tokens of `tokens`. */
function occurrences(tokens: readonly string[], phrase: readonly string[]): number {
  if (phrase.length === 0) return 0;
  let n = 0;
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (tokens[i + j] !== phrase[j]) continue outer;
    n++;
  }
  return n;
}
