/**
 * The statistics a regression gate needs, as pure functions with no dependencies but the shared median:
 * medians, a Mann-Whitney U test (exact, ties included, for the sample sizes CI can afford; normal approximation
 * beyond), and a seeded bootstrap confidence interval on the relative change of the median.
 *
 * Why these: CI machines produce skewed, outlier-prone timings, so a rank test and medians are used rather than a
 * t-test and means; the bootstrap is seeded so the same two files always give the same verdict.
 */

import { median } from '../../results/stats.js';

// The median lives with the results (reports use it too, and reports load nothing from the harness).
export { median };

/** Ranks 1..N with ties given their mid-rank, in the order of `values`. */
export function midRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = rank;
    i = j + 1;
  }
  return ranks;
}

/** Binomial coefficient as a float (exact below 2^53). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const small = Math.min(k, n - k);
  let c = 1;
  // Each partial product is itself a binomial coefficient, so it stays an integer while below 2^53.
  for (let i = 1; i <= small; i++) c = (c * (n - small + i)) / i;
  return c;
}

/** Standard normal cumulative distribution, through erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, plus half the tied pairs. */
  u: number;
  /** Two-sided p-value. */
  pValue: number;
  /** 'exact' enumerates every split of the pooled ranks (ties included); 'normal' is the tie-corrected approximation. */
  method: 'exact' | 'normal';
}

/** Largest pooled sample for which the exact distribution is computed; the normal approximation is good beyond. */
const EXACT_MAX_POOLED = 60;

/**
 * Two-sided Mann-Whitney U test of x against y.
 *
 * Exact: the permutation distribution of the rank sum of x over all C(N, m) splits of the pooled mid-ranks, counted by
 * dynamic programming (so it is exact with ties too); p = P(|S - E[S]| >= |s - E[S]|). Normal: tie-corrected
 * variance and a continuity correction.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('Mann-Whitney U needs at least one value on each side');
  const ranks = midRanks([...x, ...y]);
  // Doubled ranks are integers even with ties, so sums can index an array.
  const doubled = ranks.map((r) => Math.round(r * 2));
  let observed = 0;
  for (let i = 0; i < m; i++) observed += doubled[i]!;
  const u = observed / 2 - (m * (m + 1)) / 2;
  const big = m + n;
  const expectedDoubled = m * (big + 1);

  if (big <= EXACT_MAX_POOLED) {
    const maxSum = doubled.reduce((a, b) => a + b, 0);
    // counts[k][s]: ways to choose k of the items seen so far with doubled-rank sum s.
    const counts: Float64Array[] = Array.from({ length: m + 1 }, () => new Float64Array(maxSum + 1));
    counts[0]![0] = 1;
    let seen = 0;
    for (const r of doubled) {
      seen += r;
      for (let k = Math.min(m, big); k >= 1; k--) {
        const row = counts[k]!;
        const prev = counts[k - 1]!;
        for (let s = seen; s >= r; s--) row[s]! += prev[s - r]!;
      }
    }
    const dist = counts[m]!;
    let total = 0;
    let extreme = 0;
    const observedDistance = Math.abs(observed - expectedDoubled);
    for (let s = 0; s <= maxSum; s++) {
      const c = dist[s]!;
      if (c === 0) continue;
      total += c;
      // A tiny tolerance: sums are integers, distances compare exactly, but stay safe with floats.
      if (Math.abs(s - expectedDoubled) >= observedDistance - 1e-9) extreme += c;
    }
    return { u, pValue: Math.min(1, extreme / total), method: 'exact' };
  }

  const tieCounts = new Map<number, number>();
  for (const r of ranks) tieCounts.set(r, (tieCounts.get(r) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of tieCounts.values()) tieTerm += t ** 3 - t;
  const variance = ((m * n) / 12) * (big + 1 - tieTerm / (big * (big - 1)));
  const mean = (m * n) / 2;
  if (variance <= 0) return { u, pValue: 1, method: 'normal' };
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, pValue: Math.min(1, 2 * (1 - normalCdf(z))), method: 'normal' };
}

/**
 * Smallest two-sided p-value a Mann-Whitney test can reach with samples of m and n values (no ties): 2 / C(m+n, m).
 * When it exceeds alpha no data could ever be significant, so the verdict is "insufficient samples", not "pass".
 */
export function minAchievablePValue(m: number, n: number): number {
  if (m === 0 || n === 0) return 1;
  return Math.min(1, 2 / binomial(m + n, m));
}

/** The fewest repeats per side (equal on both) for which a Mann-Whitney test can reach `alpha`. */
export function repeatsNeeded(alpha: number): number {
  for (let k = 1; k <= 1000; k++) if (minAchievablePValue(k, k) <= alpha) return k;
  return 1000;
}

/** mulberry32: a small, fast, seeded PRNG, so bootstrap intervals are reproducible run to run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Value at quantile q (0..1) of a sorted list, linear interpolation between order statistics. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty list');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface BootstrapOptions {
  /** Number of resamples. */
  resamples: number;
  /** Two-sided confidence level, e.g. 0.95. */
  confidence: number;
  seed: number;
}

/**
 * Percentile-bootstrap confidence interval of median(candidate) / median(baseline) - 1, each side resampled with
 * replacement independently. Returns null when the baseline median is 0 (a relative change is undefined).
 */
export function bootstrapRelativeChange(
  baseline: readonly number[],
  candidate: readonly number[],
  options: BootstrapOptions,
): { estimate: number; low: number; high: number } | null {
  const baseMedian = median(baseline);
  if (baseMedian === 0) return null;
  const estimate = median(candidate) / baseMedian - 1;
  const random = mulberry32(options.seed);
  const ratios: number[] = [];
  const b = new Array<number>(baseline.length);
  const c = new Array<number>(candidate.length);
  for (let i = 0; i < options.resamples; i++) {
    for (let j = 0; j < baseline.length; j++) b[j] = baseline[Math.floor(random() * baseline.length)]!;
    for (let j = 0; j < candidate.length; j++) c[j] = candidate[Math.floor(random() * candidate.length)]!;
    const mb = median(b);
    // A resampled baseline median of 0 cannot happen unless 0 is in the baseline; skip it rather than divide.
    if (mb === 0) continue;
    ratios.push(median(c) / mb - 1);
  }
  if (ratios.length === 0) return null;
  ratios.sort((x, y) => x - y);
  const tail = (1 - options.confidence) / 2;
  return { estimate, low: quantileSorted(ratios, tail), high: quantileSorted(ratios, 1 - tail) };
}
