/**
 * Latency by when a message was published: for each bucket of publish time from the window's start, how many
 * deliveries, their mean and their slowest. The whole-run histogram says how slow; this says when (a slow first
 * burst, a stall half-way). Counts, sums and maxima add across processes exactly, like the histograms.
 */
import type { TimelineCounts } from './types.js';

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
export { mergeTimelines } from '../reports/latency.js';
