export interface Fit {
  /** Change of y per unit of x. */
  slope: number;
  intercept: number;
  /** Standard error of the slope: the half-width of a 95% interval is about twice this. */
  slopeStdErr: number;
  /** Share of the variance the line explains, 0…1. */
  r2: number;
}

/** Ordinary least squares of y on x. Needs at least three points; NaN fields otherwise. */
export function linearFit(points: readonly (readonly [number, number])[]): Fit {
  const n = points.length;
  if (n < 3) return { slope: Number.NaN, intercept: Number.NaN, slopeStdErr: Number.NaN, r2: Number.NaN };
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const residual = points.reduce((s, [x, y]) => s + (y - intercept - slope * x) ** 2, 0);
  return {
    slope,
    intercept,
    slopeStdErr: Math.sqrt(residual / (n - 2) / sxx),
    r2: syy === 0 ? 1 : 1 - residual / syy,
  };
}
