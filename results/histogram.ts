/**
 * Latency histograms: HdrHistogram in microseconds, 3 significant digits, up to one hour.
 * They cross process boundaries encoded (compressed base64) and are merged losslessly, never averaged.
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencyStats } from './types.js';

export type Histogram = hdr.Histogram;

export const HISTOGRAM_MAX_US = 3_600_000_000;

export function newHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HISTOGRAM_MAX_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
  // Re-home into our standard histogram so every merged histogram has the same range and precision.
  const h = newHistogram();
  h.add(decoded);
  return h;
}

/** Adds encoded histograms from several processes into one. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const h = newHistogram();
  for (const e of encoded) if (e) h.add(decodeHistogram(e));
  return h;
}

/** Clamps a latency into the histogram's range (a negative value can only come from clock skew: record 1 us). */
export function recordUs(h: Histogram, us: number): void {
  h.recordValue(us < 1 ? 1 : us > HISTOGRAM_MAX_US ? HISTOGRAM_MAX_US : Math.round(us));
}

const usToMs = (us: number): number => Math.round(us) / 1000;

export function latencyStats(h: Histogram): LatencyStats {
  const empty = h.totalCount === 0;
  return {
    p50: empty ? 0 : usToMs(h.getValueAtPercentile(50)),
    p90: empty ? 0 : usToMs(h.getValueAtPercentile(90)),
    p99: empty ? 0 : usToMs(h.getValueAtPercentile(99)),
    p999: empty ? 0 : usToMs(h.getValueAtPercentile(99.9)),
    max: empty ? 0 : usToMs(h.maxValue),
    mean: empty ? 0 : Math.round(h.mean) / 1000,
    count: h.totalCount,
    histogram: encodeHistogram(h),
  };
}
