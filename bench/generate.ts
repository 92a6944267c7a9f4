/**
 * Writes the synthetic archive as Hugging Face daily_papers JSON files into a directory, for
 * `paperboy ingest <dir>`; prints how often the most common words occur, to show the spread is realistic.
 *
 *   node --import tsx bench/generate.ts <dir> [--papers 1000000] [--per-file 1000] [--seed 42]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stemTokens } from '../src/papers/text-match.ts';
import { asHfJson, syntheticChunks } from './synthetic.ts';

/** Writes `papers` papers as files of `perFile` into `dir` (created); returns the file paths. */
export function generateArchive(dir: string, papers: number, perFile = 1000, seed = 42): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  let k = 0;
  for (const chunk of syntheticChunks(papers, perFile, seed)) {
    const file = join(dir, `papers-${String(k++).padStart(5, '0')}.json`);
    writeFileSync(file, asHfJson(chunk));
    files.push(file);
  }
  return files;
}

/** Share of papers holding each of the most common stems, over a sample of the archive. */
export function termSpread(sample: number, seed = 42): { term: string; share: number }[] {
  const df = new Map<string, number>();
  for (const chunk of syntheticChunks(sample, sample, seed)) {
    for (const p of chunk)
      for (const t of new Set(stemTokens(`${p.title} ${p.abstract}`))) df.set(t, (df.get(t) ?? 0) + 1);
  }
  return [...df].map(([term, n]) => ({ term, share: n / sample })).sort((a, b) => b.share - a.share);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { papers: { type: 'string' }, 'per-file': { type: 'string' }, seed: { type: 'string' } },
  });
  const dir = positionals[0];
  if (!dir) throw new Error('Usage: bench/generate.ts <dir> [--papers N] [--per-file N] [--seed N]');
  const n = Number(values.papers ?? 1_000_000);
  const t = performance.now();
  const files = generateArchive(dir, n, Number(values['per-file'] ?? 1000), Number(values.seed ?? 42));
  console.log(
    `${n.toLocaleString('en')} papers in ${files.length} files under ${dir} (${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );
  const spread = termSpread(Math.min(n, 20_000));
  const band = (lo: number, hi: number) => spread.filter((s) => s.share >= lo && s.share < hi).length;
  console.log(
    `word spread over ${Math.min(n, 20_000)} papers: ${band(0.2, 0.41)} stems in 20-40% of papers (most common words of four letters or more: ${spread
      .filter((s) => s.term.length > 3)
      .slice(0, 8)
      .map((s) => `${s.term} ${(s.share * 100).toFixed(0)}%`)
      .join(', ')}), ${band(0.01, 0.2)} in 1-20%, ${band(0, 0.01)} under 1%`,
  );
}
