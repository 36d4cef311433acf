/**
 * Latency by when a message was published: for each bucket of publish time from the window's start, how many
 * deliveries, their mean and their slowest. The whole-run histogram says how slow; this says when (a slow first
 * burst, a stall half-way). Counts, sums and maxima add across processes exactly, like the histograms.
 */
import type { LatencyOverTime, TimelineCounts } from './types.js';

/** A run keeps at most this many buckets: longer runs get wider buckets (see `timelineBucketS`). */
export const TIMELINE_MAX_BUCKETS = 600;

/** Bucket width for a window of `durationS`: one second, or wider so the run fits in TIMELINE_MAX_BUCKETS. */
export function timelineBucketS(durationS: number): number {
  return Math.max(1, Math.ceil(durationS / TIMELINE_MAX_BUCKETS));
}

export type { TimelineCounts };

export class LatencyTimeline {
  private startUs = Number.POSITIVE_INFINITY;
  private bucketUs = 1e6;
  private counts: TimelineCounts = { count: [], sumUs: [], maxUs: [] };

  /** Starts counting from the window's first publish time; nothing published before it is kept. */
  reset(startUs: number, bucketS: number): void {
    this.startUs = startUs;
    this.bucketUs = bucketS * 1e6;
    this.counts = { count: [], sumUs: [], maxUs: [] };
  }

  record(publishUs: number, latencyUs: number): void {
    const b = Math.floor((publishUs - this.startUs) / this.bucketUs);
    // Before the window (or before reset), or a publish time past any run's end: not part of the measurement.
    if (!(b >= 0 && b < 2 * TIMELINE_MAX_BUCKETS)) return;
    const { count, sumUs, maxUs } = this.counts;
    while (count.length <= b) {
      count.push(0);
      sumUs.push(0);
      maxUs.push(0);
    }
    count[b]!++;
    sumUs[b]! += latencyUs;
    if (latencyUs > maxUs[b]!) maxUs[b] = latencyUs;
  }

  snapshot(): TimelineCounts {
    return this.counts;
  }
}

// Merging lives with the report's timelines (one implementation for worker processes and repeats alike).
const usToMs = (us: number): number => Math.round(us) / 1000;

/**
 * Adds latency buckets bucket by bucket: counts and sums add, maxima take the largest; empty buckets get null
 * figures. The one merge of timelines: the runner's over worker processes, the report's over repeats.
 */
export function mergeTimelines(parts: readonly TimelineCounts[], bucketS: number): LatencyOverTime {
  const n = Math.max(0, ...parts.map((p) => p.count.length));
  const count = new Array<number>(n).fill(0);
  const sumUs = new Array<number>(n).fill(0);
  const maxUs = new Array<number>(n).fill(0);
  for (const p of parts) {
    for (let i = 0; i < p.count.length; i++) {
      count[i]! += p.count[i]!;
      sumUs[i]! += p.sumUs[i]!;
      maxUs[i] = Math.max(maxUs[i]!, p.maxUs[i]!);
    }
  }
  return {
    bucketS,
    count,
    meanMs: count.map((c, i) => (c > 0 ? usToMs(sumUs[i]! / c) : null)),
    maxMs: count.map((c, i) => (c > 0 ? usToMs(maxUs[i]!) : null)),
  };
}

