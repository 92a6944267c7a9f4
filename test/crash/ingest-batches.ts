import { readFileSync } from 'node:fs';
import { syntheticChunks } from '../../bench/synthetic.ts';
import { parseFeed } from '../../src/feed/detect.ts';
import type { Paper } from '../../src/papers/paper.ts';

const FIXTURES = [
  'hf-daily-papers-2024-10-25.json',
  'hf-papers-page.txt',
  'hf-daily-papers-2026-03-06.json',
  'arxiv-api-sample.xml',
];
/** Synthetic papers after the fixtures, and how many go into one ingestPapers call. */
export const SYNTHETIC_PAPERS = 3000;
export const SYNTHETIC_BATCH = 250;

/**
 * The batches one ingestion pass stores, in order: each recorded fixture through the real parsers, then
 * synthetic batches. Pass `n > 0` revises a third of the synthetic papers (abstract and upvotes), so a
 * pass after the first rewrites full-text rows (delete + insert in the FTS index) instead of finding them
 * unchanged.
 */
export function ingestBatches(pass: number): Paper[][] {
  const fixtures = FIXTURES.map((name) => {
    const text = readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
    return parseFeed(text, undefined, { asOf: '2025-11-12' }).papers;
  });
  const synthetic = [...syntheticChunks(SYNTHETIC_PAPERS, SYNTHETIC_BATCH, 7)].map((chunk) =>
    chunk.map((p, i) =>
      pass > 0 && i % 3 === pass % 3
        ? { ...p, abstract: `${p.abstract} Revised in pass ${pass}.`, upvotes: (p.upvotes ?? 0) + pass }
        : p,
    ),
  );
  return [...fixtures, ...synthetic];
}
