import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/feed/detect.ts';
import { parseHfPageText } from '../../src/feed/hf-page-text.ts';
import { paperSchema, titleKeyId } from '../../src/papers/paper.ts';

/*
 * A single paper's page (huggingface.co/papers/<id>): an r.jina.ai markdown copy, and a shorter markdown
 * copy that has the page's AI summary above the abstract (see test/fixtures/PROVENANCE.md).
 */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const jina = fixture('hf-paper-page-jina.md');
const summary = fixture('hf-paper-page-summary.md');

describe('parseHfPageText on a single paper page', () => {
  it('reads the r.jina.ai copy: id, title, authors, date, votes and abstract, not the comments below it', () => {
    const { papers, skipped } = parseHfPageText(jina, { asOf: '2025-01-20' });
    expect(skipped).toEqual([]);
    expect(papers).toEqual([
      {
        id: '2309.12284',
        arxivId: '2309.12284',
        title: 'MetaMath: Bootstrap Your Own Mathematical Questions for Large Language Models',
        abstract: expect.stringMatching(
          /^Large language models \(LLMs\) have pushed the limits .* most existing open-source LLMs \(\\eg, LLaMA-2\) .* the training code for public use\.$/,
        ),
        authors: [
          'Longhui Yu',
          'Weisen Jiang',
          'Han Shi',
          'Jincheng Yu',
          'Zhengying Liu',
          'Yu Zhang',
          'James T. Kwok',
          'Zhenguo Li',
          'Adrian Weller',
          'Weiyang Liu',
        ],
        authorCount: 10,
        organization: null,
        publishedAt: '2023-09-21',
        feedDate: null,
        upvotes: 19,
        comments: null,
      },
    ]);
    expect(paperSchema.parse(papers[0])).toEqual(papers[0]);
  });

  it('reads the copy with an AI summary: the summary and the abstract apart, the keyword links as text', () => {
    const title = 'RAG vs Fine-tuning: Pipelines, Tradeoffs, and a Case Study on Agriculture';
    const { papers } = parseHfPageText(summary, { asOf: '2025-01-20' });
    expect(papers).toEqual([
      {
        id: titleKeyId(title),
        arxivId: null,
        title,
        abstract: expect.stringMatching(
          /^There are two common ways .* \(LLMs\): Retrieval-Augmented Generation \(RAG\) and Fine-Tuning\. RAG augments .* other industrial domains\.$/,
        ),
        aiSummary:
          'The study evaluates the effectiveness of Retrieval-Augmented Generation (RAG) and fine-tuning pipelines for adapting Large Language Models (LLMs) to agricultural datasets, showing significant improvements in accuracy and cross-geographical knowledge integration.',
        authors: [],
        authorCount: null,
        organization: null,
        publishedAt: null,
        feedDate: null,
        upvotes: null,
        comments: null,
      },
    ]);
  });

  it('reads the abstract after the site’s "AI-generated summary" label, not the summary above it', () => {
    // The page as it shows today: the label sits between the AI summary and the abstract.
    const labelled = summary.replace(/(\nThe study evaluates [^\n]*\n)/, '$1\nAI-generated summary\n');
    expect(labelled).toContain('AI-generated summary');
    const [paper] = parseHfPageText(labelled, { asOf: '2025-01-20' }).papers;
    expect(paper?.abstract).toMatch(/^There are two common ways /);
    expect(paper?.aiSummary).toMatch(/^The study evaluates the effectiveness /);
  });

  it('is detected as page text and parsed the same through parseFeed', () => {
    const parsed = parseFeed(jina, undefined, { asOf: '2025-01-20' });
    expect(parsed.format).toBe('hf-text');
    expect(parsed.papers.map((p) => p.arxivId)).toEqual(['2309.12284']);
  });
});
