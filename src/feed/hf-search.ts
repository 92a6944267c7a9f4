import { FeedFormatError, type ParseResult } from '../papers/paper.ts';
import { parseHfJson } from './hf-json.ts';
import { skipJsonWhitespace } from './json-scan.ts';

/** The most hits read from one search response; Hugging Face answers with up to about 120. */
export const MAX_SEARCH_HITS = 200;

/**
 * Parses the body of `GET /api/papers/search?q=`: an array of items in the daily shape (`paper`, outer
 * `title`, `summary`, `publishedAt`, `numComments`, `thumbnail`) plus search-only keys (`highlightedTitle`,
 * `highlightedSummary`, `upvoted`) that are not read. Items are read one at a time with the zod schemas and
 * bounds of {@link parseHfJson}; at most `limit` hits are kept (default {@link MAX_SEARCH_HITS}), in
 * Hugging Face's order. A hit's `feedDate` is its `paper.submittedOnDailyAt` day or null: a search finds
 * papers no daily feed ever listed, and its outer `publishedAt` says nothing about one.
 * Throws FeedFormatError when the body is not a JSON array (an HF error object, an HTML page, a cut body).
 */
export function parseHfSearch(text: string, limit = MAX_SEARCH_HITS): ParseResult {
  const start = skipJsonWhitespace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (text.charCodeAt(start) !== 0x5b) {
    // The one-object shapes parseHfJson also reads (`/api/papers/{id}`) are not search answers.
    if (text.charCodeAt(start) === 0x7b) {
      const error = /"error"\s*:\s*"([^"]{0,200})"/.exec(text.slice(start, start + 1000))?.[1];
      throw new FeedFormatError(
        error
          ? `Hugging Face answered with an error: "${error}"`
          : 'The JSON holds an object, not a list of search results.',
      );
    }
    parseHfJson(text); // throws the sentence that says what the text is instead
    throw new FeedFormatError('The input is not a list of search results.');
  }
  const result = parseHfJson(text);
  return { papers: result.papers.slice(0, Math.max(0, limit)), skipped: result.skipped };
}
