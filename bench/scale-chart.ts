import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Point {
  papers: number;
  p50: number;
  p99: number;
}

type Classes = Record<string, { p50: number; p99: number }>;

/** One line of the chart: a store's (or the floor's) figures per query class at each archive size. */
interface Series {
  name: string;
  color: string;
  points: { papers: number; classes: Classes }[];
}

/** The panels: the classes where the stores differ most, and the slowest class at each size. */
const SLOWEST = 'slowest class at each size';
const PANELS = ['common, 1 word', 'common, 2 words', 'phrase', SLOWEST];

/** The slowest query class at one size: the targets are per class, so the worst case is what counts. */
function worst(classes: Classes): { p50: number; p99: number } {
  const all = Object.values(classes);
  return { p50: Math.max(...all.map((c) => c.p50)), p99: Math.max(...all.map((c) => c.p99)) };
}

/**
 * Draws search p50/p99 against archive size, one panel per query class of PANELS (and the slowest class at
 * each size), for paperboy on SQLite (sizes measured on the exact path), FTS5's exact floor (every size), and
 * PostgreSQL when bench/results/postgres-scale.json exists; writes search-scale.svg beside the figures and
 * returns a line saying what it drew.
 */
/**
 * How PostgreSQL searched when bench/postgres-scale.ts measured a size, recorded beside its figures: 'word and
 * query lists' (one common word from its list, several common words from the query's own list, a query with
 * a rare word ranked exactly; before, 'word and pair lists', which listed only two-word queries, and
 * 'one-word lists'). The chart draws only this path's sizes; the benchmark replaces a size's figures from
 * another path.
 */
export const PG_SEARCH_PATH = 'word and query lists';

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
  const series: Series[] = [
    {
      name: 'paperboy (SQLite)',
      color: '#1f77b4',
      // Only sizes measured on the exact path: older files hold the withdrawn title tier's figures.
      points: sqlite
        .filter((r) => r.search === 'exact')
        .map((r) => ({ papers: r.papers, classes: r.classes })),
    },
    {
      name: 'exact FTS5 floor',
      color: '#d62728',
      points: sqlite.map((r) => ({
        papers: r.papers,
        classes: Object.fromEntries(
          Object.entries(r.classes).map(([k, c]) => [k, { p50: c.floorP50, p99: c.floorP99 }]),
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
      // Only sizes measured on today's path: older entries hold earlier paths' figures.
      points: pg.sizes
        .filter((s) => s.search === PG_SEARCH_PATH)
        .map((s) => ({ papers: s.papers, classes: s.classes }))
        .sort((a, b) => a.papers - b.papers),
    });
    pgNote = `PostgreSQL from ${pgFile}`;
  }
  const W = 900;
  const panelW = 330;
  const panelH = 230;
  const left = 60;
  const gapX = 80;
  const topPad = 84;
  const gapY = 70;
  const panels = PANELS.map((name, i) => ({
    name,
    x: left + (i % 2) * (panelW + gapX),
    y: topPad + Math.floor(i / 2) * (panelH + gapY),
  }));
  const H = topPad + 2 * panelH + gapY + 40;
  const pointsOf = (s: Series, panel: string) =>
    s.points.map((p) => ({ papers: p.papers, ...(panel === SLOWEST ? worst(p.classes) : p.classes[panel]) }));
  const xs = series.flatMap((s) => s.points.map((p) => p.papers));
  const ys = series
    .flatMap((s) => PANELS.flatMap((panel) => pointsOf(s, panel)))
    .flatMap((p) => [p.p50 ?? 0, p.p99 ?? 0])
    .filter((y) => y > 0);
  const [x0, x1] = [Math.min(...xs, 100_000), Math.max(...xs, 1_000_000)];
  const [y0, y1] = [Math.min(0.5, ...ys), Math.max(1000, ...ys)];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img">`,
    '<title>paperboy search latency against archive size</title>',
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="13">Search latency against archive size, per query class (log scales; solid p99, dashed p50; grey: the 25 ms target)</text>`,
  ];
  let legendX = left;
  for (const s of series) {
    out.push(
      `<line x1="${legendX}" x2="${legendX + 24}" y1="38" y2="38" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${legendX + 30}" y="42">${s.name}</text>`,
    );
    legendX += 40 + s.name.length * 6.5;
  }
  for (const panel of panels) {
    const lx = (x: number) =>
      panel.x + ((Math.log10(x) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0) || 1)) * panelW;
    const ly = (y: number) =>
      panel.y + panelH - ((Math.log10(y) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * panelH;
    out.push(
      `<text x="${panel.x}" y="${panel.y - 8}" font-size="12" font-weight="bold">${panel.name}</text>`,
    );
    for (const y of [1, 10, 25, 100, 1000, 10000].filter((v) => v >= y0 && v <= y1)) {
      out.push(
        `<line x1="${panel.x}" x2="${panel.x + panelW}" y1="${ly(y)}" y2="${ly(y)}" stroke="${y === 25 ? '#999' : '#eee'}" ${y === 25 ? 'stroke-dasharray="4 3"' : ''}/>`,
        `<text x="${panel.x - 6}" y="${ly(y) + 4}" text-anchor="end">${y} ms</text>`,
      );
    }
    for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
      out.push(
        `<line x1="${lx(x)}" x2="${lx(x)}" y1="${panel.y}" y2="${panel.y + panelH}" stroke="#eee"/>`,
        `<text x="${lx(x)}" y="${panel.y + panelH + 16}" text-anchor="middle">${x >= 1e6 ? `${x / 1e6}M` : `${x / 1e3}k`} papers</text>`,
      );
    }
    for (const s of series) {
      for (const [key, dash] of [
        ['p99', ''],
        ['p50', 'stroke-dasharray="5 4"'],
      ] as const) {
        const pts = pointsOf(s, panel.name).filter((p) => (p[key] ?? 0) > 0) as Point[];
        if (pts.length === 0) continue;
        out.push(
          `<polyline fill="none" stroke="${s.color}" stroke-width="2" ${dash} points="${pts.map((p) => `${lx(p.papers).toFixed(1)},${ly(p[key]).toFixed(1)}`).join(' ')}"/>`,
          ...pts.map(
            (p) =>
              `<circle cx="${lx(p.papers).toFixed(1)}" cy="${ly(p[key]).toFixed(1)}" r="3" fill="${s.color}"/>`,
          ),
        );
      }
    }
  }
  out.push('</svg>');
  writeFileSync(join(results, 'search-scale.svg'), `${out.join('\n')}\n`);
  const exact = sqlite.filter((r) => r.search === 'exact').map((r) => r.papers.toLocaleString('en'));
  return `chart: ${join(results, 'search-scale.svg')} (floor at ${sqlite.map((r) => r.papers.toLocaleString('en')).join(', ')} papers; paperboy SQLite at ${exact.join(', ') || 'none'}; ${pgNote})`;
}
