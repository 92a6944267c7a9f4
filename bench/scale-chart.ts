import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Point {
  papers: number;
  p50: number;
  p99: number;
}

/** The slowest query class at one size: the chart shows the worst case, as the targets are per class. */
function worst(classes: Record<string, { p50: number; p99: number }>): { p50: number; p99: number } {
  const all = Object.values(classes);
  return { p50: Math.max(...all.map((c) => c.p50)), p99: Math.max(...all.map((c) => c.p99)) };
}

/**
 * Draws search p50/p99 (the slowest query class at each size) against archive size, for paperboy on SQLite
 * (sizes measured on the exact path), FTS5's exact floor (every size), and PostgreSQL when bench/results/postgres-scale.json exists; writes
 * search-scale.svg beside the figures and returns a line saying what it drew.
 */
export function drawScaleChart(results: string): string {
  const sqlite = readdirSync(results)
    .filter((f) => /^search-scale-\d+\.json$/.test(f))
    .map(
      (f) =>
        JSON.parse(readFileSync(join(results, f), 'utf8')) as {
          papers: number;
          search?: 'exact';
          classes: Record<string, { p50: number; p99: number; floorP50: number; floorP99: number }>;
        },
    )
    .sort((a, b) => a.papers - b.papers);
  const series: { name: string; color: string; points: Point[] }[] = [
    {
      name: 'paperboy (SQLite)',
      color: '#1f77b4',
      // Only sizes measured on the exact path: older files hold the withdrawn title tier's figures.
      points: sqlite
        .filter((r) => r.search === 'exact')
        .map((r) => ({ papers: r.papers, ...worst(r.classes) })),
    },
    {
      name: 'exact FTS5 floor',
      color: '#d62728',
      points: sqlite.map((r) => ({
        papers: r.papers,
        ...worst(
          Object.fromEntries(
            Object.entries(r.classes).map(([k, c]) => [k, { p50: c.floorP50, p99: c.floorP99 }]),
          ),
        ),
      })),
    },
  ];
  const pgFile = join(results, 'postgres-scale.json');
  let pgNote = 'no PostgreSQL figures (bench/results/postgres-scale.json absent)';
  if (existsSync(pgFile)) {
    const pg = JSON.parse(readFileSync(pgFile, 'utf8')) as {
      sizes: { papers: number; search?: string; classes: Record<string, { p50: number; p99: number }> }[];
    };
    series.push({
      name: 'paperboy (PostgreSQL)',
      color: '#2ca02c',
      // Only sizes measured on today's path: older entries hold the withdrawn multi-word list path's.
      points: pg.sizes
        .filter((s) => s.search === 'one-word lists')
        .map((s) => ({ papers: s.papers, ...worst(s.classes) }))
        .sort((a, b) => a.papers - b.papers),
    });
    pgNote = `PostgreSQL from ${pgFile}`;
  }
  const W = 640;
  const H = 380;
  const left = 60;
  const right = 190;
  const topPad = 40;
  const bottom = 50;
  const xs = series.flatMap((s) => s.points.map((p) => p.papers));
  const ys = series.flatMap((s) => s.points.flatMap((p) => [p.p50, p.p99])).filter((y) => y > 0);
  const [x0, x1] = [Math.min(...xs, 100_000), Math.max(...xs, 1_000_000)];
  const [y0, y1] = [Math.min(0.5, ...ys), Math.max(1000, ...ys)];
  const lx = (x: number) =>
    left + ((Math.log10(x) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0) || 1)) * (W - left - right);
  const ly = (y: number) =>
    H -
    bottom -
    ((Math.log10(y) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * (H - topPad - bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img">`,
    '<title>paperboy search latency against archive size</title>',
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="13">Search latency of the slowest query class against archive size (log scales)</text>`,
  ];
  for (const y of [1, 10, 25, 100, 1000].filter((v) => v >= y0 && v <= y1)) {
    out.push(
      `<line x1="${left}" x2="${W - right}" y1="${ly(y)}" y2="${ly(y)}" stroke="${y === 25 ? '#999' : '#eee'}" ${y === 25 ? 'stroke-dasharray="4 3"' : ''}/>`,
      `<text x="${left - 6}" y="${ly(y) + 4}" text-anchor="end">${y} ms</text>`,
    );
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(
      `<line x1="${lx(x)}" x2="${lx(x)}" y1="${topPad}" y2="${H - bottom}" stroke="#eee"/>`,
      `<text x="${lx(x)}" y="${H - bottom + 16}" text-anchor="middle">${x >= 1e6 ? `${x / 1e6}M` : `${x / 1e3}k`}</text>`,
    );
  }
  out.push(
    `<text x="${(left + W - right) / 2}" y="${H - 12}" text-anchor="middle">papers in the archive</text>`,
  );
  let legend = topPad;
  for (const s of series) {
    for (const [key, dash] of [
      ['p99', ''],
      ['p50', 'stroke-dasharray="5 4"'],
    ] as const) {
      const pts = s.points.filter((p) => p[key] > 0);
      if (pts.length === 0) continue;
      out.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" ${dash} points="${pts.map((p) => `${lx(p.papers).toFixed(1)},${ly(p[key]).toFixed(1)}`).join(' ')}"/>`,
        ...pts.map(
          (p) =>
            `<circle cx="${lx(p.papers).toFixed(1)}" cy="${ly(p[key]).toFixed(1)}" r="3" fill="${s.color}"/>`,
        ),
      );
      out.push(
        `<line x1="${W - right + 10}" x2="${W - right + 34}" y1="${legend}" y2="${legend}" stroke="${s.color}" stroke-width="2" ${dash}/>`,
        `<text x="${W - right + 40}" y="${legend + 4}">${s.name} ${key}</text>`,
      );
      legend += 18;
    }
  }
  out.push(
    `<text x="${W - right + 10}" y="${legend + 10}" fill="#666">dashed grey: 25 ms target</text>`,
    '</svg>',
  );
  writeFileSync(join(results, 'search-scale.svg'), `${out.join('\n')}\n`);
  const exact = sqlite.filter((r) => r.search === 'exact').map((r) => r.papers.toLocaleString('en'));
  return `chart: ${join(results, 'search-scale.svg')} (floor at ${sqlite.map((r) => r.papers.toLocaleString('en')).join(', ')} papers; paperboy SQLite at ${exact.join(', ') || 'none'}; ${pgNote})`;
}
