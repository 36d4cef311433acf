/**
 * Latency percentile points from the runs' HdrHistograms, computed when the report is built so the pages
 * carry a handful of points instead of raw samples. Repeats of one transport are merged, never averaged.
 */
import type { Histogram } from '../results/histogram.js';
import { decodeHistogram } from '../results/histogram.js';
import type { CompletedTransportRun, LatencyOverTime, LatencyStats } from '../results/types.js';
import { mergeTimelines } from '../results/timeline.js';

/** Percentiles every latency chart and table shows, in order. */
export const LATENCY_PERCENTILES: readonly number[] = [50, 75, 90, 95, 99, 99.9, 99.99, 100];

export interface LatencyPoint {
  percentile: number;
  latencyMs: number;
}

export interface LatencyDistribution {
  /** Samples behind the points. */
  count: number;
  points: LatencyPoint[];
  /** True when the points come from the histograms; false when a histogram could not be decoded and the summary fields were used. */
  fromHistogram: boolean;
}

/** The one decoder (results/histogram.ts), re-exported for the pages. */
export { decodeHistogram };

/** The summary fields a results file always carries, as points: the fallback when a histogram is unreadable. */
function summaryPoints(stats: LatencyStats): LatencyPoint[] {
  const known: Record<number, number> = { 50: stats.p50, 90: stats.p90, 99: stats.p99, 99.9: stats.p999, 100: stats.max };
  return LATENCY_PERCENTILES.filter((p) => known[p] !== undefined && Number.isFinite(known[p])).map((p) => ({ percentile: p, latencyMs: known[p]! }));
}

/** Percentile points of one or more runs' latencies (several = repeats of one transport, merged losslessly). */
export function latencyDistribution(runs: readonly CompletedTransportRun[]): LatencyDistribution {
  let merged: Histogram | null = null;
  try {
    for (const run of runs) {
      const h = decodeHistogram(run.latencyMs.histogram);
      if (!merged) merged = h;
      else merged.add(h);
    }
  } catch {
    merged = null;
  }
  if (merged && merged.totalCount > 0) {
    const h = merged;
    return {
      count: h.totalCount,
      points: LATENCY_PERCENTILES.map((p) => ({ percentile: p, latencyMs: (p === 100 ? h.maxValue : h.getValueAtPercentile(p)) / 1000 })),
      fromHistogram: true,
    };
  }
  const first = runs[0];
  if (!first || runs.length !== 1) return { count: runs.reduce((n, r) => n + (r.latencyMs.count ?? 0), 0), points: [], fromHistogram: false };
  return { count: first.latencyMs.count, points: summaryPoints(first.latencyMs), fromHistogram: false };
}

/**
 * Repeats of one transport as one timeline, bucket by bucket: counts add, means weigh by count, maxima take the
 * largest. Timelines with another bucket width than the first are left out.
 */
export function mergeOverTime(list: readonly LatencyOverTime[]): LatencyOverTime {
  const bucketS = list[0]?.bucketS ?? 1;
  const parts = list
    .filter((o) => o.bucketS === bucketS)
    .map((o) => ({
      count: o.count,
      sumUs: o.meanMs.map((m, i) => (m ?? 0) * 1000 * o.count[i]!),
      maxUs: o.maxMs.map((m) => (m ?? 0) * 1000),
    }));
  return mergeTimelines(parts, bucketS);
}
