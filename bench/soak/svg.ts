/** One line on a chart: points as [x, y], drawn in `color`, dashed when asked. */
export interface Series {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  width?: number;
  height?: number;
}

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round step giving about `count` ticks over [0, max]: 1, 2 or 5 times a power of ten. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

const label = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 1 ? 2 : 1));

/**
 * A line chart as a standalone SVG document (no scripts, no external fonts), both axes from zero, with a
 * grid, tick labels and a legend. NaN points are skipped and break the line.
 */
export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 860;
  const height = spec.height ?? 380;
  const m = { top: spec.subtitle ? 58 : 40, right: 20, bottom: 48, left: 64 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const finite = spec.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x + y)));
  const xMax = Math.max(1e-9, ...finite.map(([x]) => x));
  const yTop = Math.max(1e-9, ...finite.map(([, y]) => y));
  const yStep = niceStep(yTop, 6);
  const yMax = Math.ceil(yTop / yStep) * yStep;
  const xStep = niceStep(xMax, 10);
  const sx = (x: number) => m.left + (x / xMax) * plotW;
  const sy = (y: number) => m.top + plotH - (y / yMax) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${xmlText(spec.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${m.left}" y="22" font-size="15" font-weight="600" fill="#111">${xmlText(spec.title)}</text>`,
  ];
  if (spec.subtitle) {
    out.push(`<text x="${m.left}" y="40" fill="#555">${xmlText(spec.subtitle)}</text>`);
  }
  for (let y = 0; y <= yMax + yStep / 2; y += yStep) {
    const py = sy(y).toFixed(1);
    out.push(
      `<line x1="${m.left}" y1="${py}" x2="${m.left + plotW}" y2="${py}" stroke="#e4e4e4"/>`,
      `<text x="${m.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle" fill="#444">${label(y)}</text>`,
    );
  }
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    const px = sx(x).toFixed(1);
    out.push(
      `<line x1="${px}" y1="${m.top}" x2="${px}" y2="${m.top + plotH}" stroke="#f0f0f0"/>`,
      `<text x="${px}" y="${m.top + plotH + 16}" text-anchor="middle" fill="#444">${label(x)}</text>`,
    );
  }
  out.push(
    `<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${m.left + plotW / 2}" y="${height - 10}" text-anchor="middle" fill="#222">${xmlText(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#222">${xmlText(spec.yLabel)}</text>`,
  );
  for (const s of spec.series) {
    const segments: string[][] = [[]];
    for (const [x, y] of s.points) {
      if (!Number.isFinite(x + y)) segments.push([]);
      else segments.at(-1)?.push(`${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    }
    for (const seg of segments.filter((g) => g.length > 0)) {
      out.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${seg.join(' ')}"/>`,
      );
    }
  }
  // The legend sits on a white band so lines passing under it stay readable.
  const legendW = spec.series.reduce((w, s) => w + 40 + s.name.length * 6.6, 0);
  out.push(
    `<rect x="${m.left + 4}" y="${m.top + 4}" width="${legendW.toFixed(1)}" height="20" fill="#ffffff" fill-opacity="0.85"/>`,
  );
  let lx = m.left + 10;
  const ly = m.top + 14;
  for (const s of spec.series) {
    const x = lx.toFixed(1);
    out.push(
      `<line x1="${x}" y1="${ly}" x2="${(lx + 22).toFixed(1)}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${(lx + 28).toFixed(1)}" y="${ly}" dominant-baseline="middle" fill="#222">${xmlText(s.name)}</text>`,
    );
    lx += 40 + s.name.length * 6.6;
  }
  out.push('</svg>', '');
  return out.join('\n');
}
