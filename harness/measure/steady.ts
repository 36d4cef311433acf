/**
 * Did a run reach a steady state? A load the machine can carry gives a per-second mean latency that wanders around
 * a level; a load it cannot carry builds a backlog, and every second's messages wait longer than the last one's.
 *
 * The test, on the per-second mean latency of the measured window (warm-up buckets and empty buckets left out):
 * - the Theil-Sen slope (median of the slopes between every pair of seconds) says how fast the level moves; it
 *   ignores up to ~29% of wild seconds (a GC pause, a neighbour's burst), unlike a least-squares fit;
 * - rise = slope x the span between the first and last measured second;
 * - the tolerance is max(50 ms, 20% of the median per-second mean): latency that wanders by less is level;
 * - a run is `overloaded` when the rise exceeds the tolerance AND the mean of the last third of the seconds exceeds
 *   the mean of the first third by more than the tolerance too (two views of one trend: a single late spike moves
 *   neither the slope nor, much, a third);
 * - fewer than 5 measured seconds cannot show a trend: `unjudged`.
 */
import type { LatencyOverTime, SteadyState } from '../../results/types.js';

export const MIN_STEADY_SECONDS = 5;
export const STEADY_TOLERANCE_MS = 50;
export const STEADY_TOLERANCE_SHARE = 0.2;

const median = (xs: number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const r1 = (n: number): number => Math.round(n * 10) / 10;

/** Median of the pairwise slopes (Theil-Sen). */
export function theilSenSlope(t: number[], y: number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) if (t[j]! !== t[i]!) slopes.push((y[j]! - y[i]!) / (t[j]! - t[i]!));
  return median(slopes);
}

/**
 * Judges a latency-over-time series. `fromS`: seconds at the start of the window to leave out (the warm-up).
 */
export function judgeSteadyState(overTime: LatencyOverTime | undefined, fromS = 0): SteadyState {
  const t: number[] = [];
  const y: number[] = [];
  if (overTime) {
    for (let i = 0; i < overTime.meanMs.length; i++) {
      const m = overTime.meanMs[i];
      const startS = i * overTime.bucketS;
      if (m === null || m === undefined || (overTime.count[i] ?? 0) === 0 || startS < fromS) continue;
      t.push(startS);
      y.push(m);
    }
  }
  const thirds = Math.max(1, Math.floor(y.length / 3));
  const first = mean(y.slice(0, thirds));
  const last = mean(y.slice(-thirds));
  const base = { seconds: y.length, firstThirdMeanMs: r1(first), lastThirdMeanMs: r1(last) };
  if (y.length < MIN_STEADY_SECONDS) {
    return {
      state: 'unjudged',
      reason: `only ${y.length} measured second(s); a trend needs at least ${MIN_STEADY_SECONDS}`,
      slopeMsPerS: 0,
      riseMs: 0,
      toleranceMs: STEADY_TOLERANCE_MS,
      ...base,
    };
  }
  const slope = theilSenSlope(t, y);
  const rise = slope * (t.at(-1)! - t[0]!);
  const tolerance = Math.max(STEADY_TOLERANCE_MS, STEADY_TOLERANCE_SHARE * median(y));
  const overloaded = rise > tolerance && last - first > tolerance;
  return {
    state: overloaded ? 'overloaded' : 'sustained',
    reason: overloaded
      ? `mean latency rose ${Math.round(rise)} ms over ${y.length} s (${r1(slope)} ms/s; first third ${Math.round(first)} ms, last third ${Math.round(last)} ms): a growing backlog`
      : `mean latency level within ${Math.round(tolerance)} ms over ${y.length} s (${r1(slope)} ms/s)`,
    slopeMsPerS: r1(slope),
    riseMs: r1(rise),
    toleranceMs: r1(tolerance),
    ...base,
  };
}
