import type { Paper } from '../papers/paper.ts';

/**
 * Combines what the archive knows with what a source just said. The incoming source wins where it says
 * something; where it is silent (null, empty list, empty abstract) the known value stays, so page text
 * without upvotes never erases the upvotes the JSON API gave. The feed date is the day the paper *entered*
 * the feed, so a known one is kept, unless the incoming paper comes from the daily feed requested for the
 * day `listedOn`: that day is authoritative (timestamps in older feed shapes put many papers on wrong days).
 * A title-keyed source also keeps the arXiv-backed title.
 */
export function mergePaper(known: Paper, incoming: Paper, listedOn?: string): Paper {
  const arxivId = known.arxivId ?? incoming.arxivId;
  return {
    id: arxivId ?? known.id,
    arxivId,
    // A source without an arXiv id (page text) does not retitle a paper arXiv already named.
    title: known.arxivId && !incoming.arxivId ? known.title : incoming.title || known.title,
    abstract: incoming.abstract || known.abstract,
    authors: incoming.authors.length > 0 ? incoming.authors : known.authors,
    authorCount: incoming.authorCount ?? known.authorCount,
    organization: incoming.organization ?? known.organization,
    publishedAt: incoming.publishedAt ?? known.publishedAt,
    // The day a feed was requested for is the listing day itself; any other source only fills a gap.
    feedDate: listedOn ?? known.feedDate ?? incoming.feedDate,
    upvotes: incoming.upvotes ?? known.upvotes,
    comments: incoming.comments ?? known.comments,
    aiSummary: incoming.aiSummary ?? known.aiSummary ?? null,
    keywords: incoming.keywords?.length ? incoming.keywords : (known.keywords ?? []),
    githubRepo: incoming.githubRepo ?? known.githubRepo ?? null,
    githubStars: incoming.githubStars ?? known.githubStars ?? null,
    projectPage: incoming.projectPage ?? known.projectPage ?? null,
    thumbnail: incoming.thumbnail ?? known.thumbnail ?? null,
  };
}

/** Fills the optional extras with explicit nulls, so stored and compared papers have one shape. */
export function completePaper(p: Paper): Paper {
  return mergePaper({ ...p, keywords: [] }, p);
}

/** Whether two papers carry the same facts (field order and absent-vs-null extras ignored). */
export function samePaper(a: Paper, b: Paper): boolean {
  return JSON.stringify(completePaper(a)) === JSON.stringify(completePaper(b));
}
