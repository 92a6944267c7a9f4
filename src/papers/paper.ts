import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readPaperReference } from './paper-reference.ts';

/** A calendar day, `YYYY-MM-DD`, with no time zone attached. */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSTORABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const HAS_UNSTORABLE = new RegExp(UNSTORABLE.source);

/**
 * Feed text as it is kept: without C0 controls but tab and line feed, DEL, the C1 controls, and the bidi
 * embeddings, overrides and isolates (a carriage return becomes a line feed). PostgreSQL refuses NUL in
 * text, so one NUL in one title would fail the whole batch it came in; the others are never wanted in a
 * title or abstract either (see src/chat/display-text.ts, which applies the same rule to everything shown).
 * Applied by the schema, so every source and every store gets clean text.
 */
export function storableText(text: string): string {
  // Most text holds nothing to clean (a carriage return is in UNSTORABLE's range too): one scan, no copies.
  if (!HAS_UNSTORABLE.test(text)) return text;
  return text.replace(/\r\n?/g, '\n').replace(UNSTORABLE, '');
}

/** A string field of feed text, cleaned by {@link storableText}. */
const feedText = z.string().transform(storableText);

/**
 * One paper as paperboy knows it, whatever source it came from.
 * Fields a source does not carry are null (never an invented 0 or empty string), so that a later,
 * richer source can fill them in without a guess overwriting a fact.
 */
export const paperSchema = z.object({
  /** The arXiv id without version when known (`2410.17243`); otherwise `title:<hash>` of the normalised title. */
  id: z.string().min(1),
  arxivId: z.string().min(1).nullable(),
  // A letter or a digit at least: a title of punctuation alone (`[`, `-`, a copy's stray markup) names no
  // paper, and every such title would share the one title key of the empty string.
  title: feedText.pipe(
    z
      .string()
      .min(1)
      .refine((t) => /[\p{L}\p{N}]/u.test(t), 'a title needs a letter or a digit'),
  ),
  /** Whitespace collapsed: the sources carry hard line wraps. May be empty when a source has none. */
  abstract: feedText,
  /** Author names; empty when a source only gives a count. */
  authors: z.array(feedText),
  /** Number of authors; null when unknown. */
  authorCount: z.number().int().nonnegative().nullable(),
  organization: z.object({ id: feedText, name: feedText }).nullable(),
  /** The day the paper was published (arXiv / HF), or null. */
  publishedAt: isoDate.nullable(),
  /** The day it entered the Hugging Face daily feed, or null when it was not seen there. */
  feedDate: isoDate.nullable(),
  /** Hugging Face upvotes, or null when the source does not carry them. */
  upvotes: z.number().int().nonnegative().nullable(),
  comments: z.number().int().nonnegative().nullable(),
  aiSummary: feedText.nullable().optional(),
  keywords: z.array(feedText).optional(),
  githubRepo: feedText.nullable().optional(),
  githubStars: z.number().int().nonnegative().nullable().optional(),
  projectPage: feedText.nullable().optional(),
  thumbnail: feedText.nullable().optional(),
});

export type Paper = z.infer<typeof paperSchema>;

/**
 * Returns the versionless arXiv id in `input` (a bare id, an `arXiv:` id, a link to a paper page; every
 * form {@link readPaperReference} reads), or null when there is none. `2410.17243v2` and
 * `https://arxiv.org/pdf/2410.17243v2.pdf` both give `2410.17243`. An id of the right shape is returned
 * even when no paper can have it (month 99): feeds and stores read ids, and only what a person typed is
 * checked (see commands/lookup.ts).
 */
export function normalizeArxivId(input: string): string | null {
  return readPaperReference(input)?.id ?? null;
}

/** Collapses runs of whitespace (including hard line wraps) into single spaces. */
export function collapseWhitespace(text: string): string {
  // Text with single plain spaces only (most abstracts) is left as it is: one scan instead of a replace.
  return (NEEDS_COLLAPSING.test(text) ? text.replace(/\s+/g, ' ') : text).trim();
}

/** Two whitespace characters in a row, or one that is not a plain space. */
const NEEDS_COLLAPSING = /\s\s|[^\S ]/;

/**
 * The title as a comparison key: diacritics folded, case folded, punctuation dropped.
 * `TÜLU 3: Pushing Frontiers…` and `Tulu 3 - pushing frontiers…` give the same key.
 */
export function normalizeTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The stable id of a paper with no arXiv id, derived from its normalised title. */
export function titleKeyId(title: string): string {
  return `title:${createHash('sha256').update(normalizeTitle(title)).digest('hex').slice(0, 16)}`;
}

/** Links derived from the paper's id; null where the paper has no arXiv id. */
export function paperLinks(paper: Pick<Paper, 'arxivId' | 'githubRepo' | 'projectPage'>): {
  abs: string | null;
  pdf: string | null;
  hf: string | null;
  code: string | null;
  project: string | null;
} {
  const a = paper.arxivId;
  return {
    abs: a ? `https://arxiv.org/abs/${a}` : null,
    pdf: a ? `https://arxiv.org/pdf/${a}` : null,
    hf: a ? `https://huggingface.co/papers/${a}` : null,
    code: paper.githubRepo ?? null,
    project: paper.projectPage ?? null,
  };
}

/** The result of parsing a source: the papers it held and the items it had to skip, each with a reason. */
export interface ParseResult {
  papers: Paper[];
  skipped: SkippedItem[];
}

export interface SkippedItem {
  /** Where in the source: an array index, a line number, or an entry id. */
  where: string;
  reason: string;
}

/** A source that could not be parsed at all (not merely some bad items). */
export class FeedFormatError extends Error {
  override name = 'FeedFormatError';
}
