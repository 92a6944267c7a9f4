import Database from 'better-sqlite3';

export interface ArchiveReport {
  papers: number;
  /** Rows the full-text index holds (its docsize table). */
  indexed: number;
  /** Papers no search for a word of their own title finds. */
  unfindable: string[];
}

/**
 * Checks a SQLite archive the way an operator would after a crash: SQLite's own integrity check, both FTS5
 * integrity checks (the index alone, and against the papers table), one index row per paper, and every
 * paper found by a full-text search for the longest word of its title.
 */
export function checkArchive(path: string): ArchiveReport {
  const db = new Database(path);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`PRAGMA integrity_check: ${String(integrity)}`);
    db.prepare("INSERT INTO papers_fts(papers_fts) VALUES('integrity-check')").run();
    // rank = 1 also compares the index with the external content table (the papers rows).
    db.prepare("INSERT INTO papers_fts(papers_fts, rank) VALUES('integrity-check', 1)").run();
    const papers = (db.prepare('SELECT COUNT(*) AS n FROM papers').get() as { n: number }).n;
    const indexed = (db.prepare('SELECT COUNT(*) AS n FROM papers_fts_docsize').get() as { n: number }).n;
    const rows = db.prepare('SELECT rowid, id, title FROM papers').all() as {
      rowid: number;
      id: string;
      title: string;
    }[];
    // One search per distinct word, not per paper: the titles share many words.
    const byWord = new Map<string, typeof rows>();
    const unfindable: string[] = [];
    for (const r of rows) {
      const words = (r.title.match(/[\p{L}\p{N}]+/gu) ?? []).sort((a, b) => b.length - a.length);
      const word = words[0]?.toLowerCase();
      if (!word) {
        unfindable.push(`${r.id} (no word in its title)`);
        continue;
      }
      byWord.set(word, [...(byWord.get(word) ?? []), r]);
    }
    const search = db.prepare('SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?');
    for (const [word, papersWithWord] of byWord) {
      const found = new Set(
        (search.all(`title : "${word.replaceAll('"', '""')}"`) as { rowid: number }[]).map((x) => x.rowid),
      );
      for (const r of papersWithWord) if (!found.has(r.rowid)) unfindable.push(`${r.id} ("${word}")`);
    }
    return { papers, indexed, unfindable };
  } finally {
    db.close();
  }
}
