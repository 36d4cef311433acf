/**
 * Latency histograms: HdrHistogram in microseconds, 3 significant digits, up to one hour.
 * They cross process boundaries encoded (compressed base64) and are merged losslessly, never averaged.
 */
import * as hdr from 'hdr-histogram-js';
import { inflateSync } from 'node:zlib';
import type { LatencyStats } from './types.js';

export type Histogram = hdr.Histogram;

export const HISTOGRAM_MAX_US = 3_600_000_000;

/**
 * Counts are 64-bit floats (exact to 2^53): a merge of many workers' histograms over long runs can pass 2^32 in one
 * bucket, which a 32-bit count would wrap silently.
 */
const BIT_BUCKET_SIZE = 64;

export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: BIT_BUCKET_SIZE,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HISTOGRAM_MAX_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

const V2_COMPRESSED_COOKIE_BASE = 0x1c849304;
const V2_COOKIE_BASE = 0x1c849303;
/** What one of our histograms can inflate to: far more than 3 digits over an hour of microseconds ever needs. */
const MAX_INFLATED_BYTES = 4 << 20;

/**
 * Checks an encoded histogram's header before the library allocates anything from it: V2 compressed encoding,
 * inflating to at most 4 MiB, lowest value 1 µs, at most 5 significant digits and a highest value within ours. A
 * hostile or damaged string would otherwise make the decoder allocate whatever its header asks. Throws Error.
 */
function checkEncoded(encoded: string): void {
  const bytes = Buffer.from(encoded.trim(), 'base64');
  if (bytes.length < 8 || ((bytes.readInt32BE(0) & ~0xf0) >>> 0) !== V2_COMPRESSED_COOKIE_BASE) throw new Error('not a compressed V2 HdrHistogram');
  const length = bytes.readInt32BE(4);
  if (length < 0 || 8 + length > bytes.length) throw new Error('truncated HdrHistogram');
  const inner = inflateSync(bytes.subarray(8, 8 + length), { maxOutputLength: MAX_INFLATED_BYTES });
  if (inner.length < 40 || ((inner.readInt32BE(0) & ~0xf0) >>> 0) !== V2_COOKIE_BASE) throw new Error('not a V2 HdrHistogram');
  const digits = inner.readInt32BE(12);
  const lowest = Number(inner.readBigInt64BE(16));
  const highest = Number(inner.readBigInt64BE(24));
  if (digits < 0 || digits > 5 || lowest < 1 || lowest > 1000 || highest < 2 * lowest || highest > HISTOGRAM_MAX_US * 2) {
    throw new Error(`HdrHistogram range ${lowest}..${highest} at ${digits} digits is not a latency histogram`);
  }
}

/**
 * The one decoder of encoded latency histograms (harness merges and reports read them alike). The result is
 * re-homed into our standard histogram, so every merged histogram has the same range and precision. Throws Error
 * on a string that is not one of our histograms.
 */
export function decodeHistogram(encoded: string): Histogram {
  checkEncoded(encoded);
  const decoded = hdr.decodeFromCompressedBase64(encoded, BIT_BUCKET_SIZE, false);
  // Re-home into our standard histogram so every merged histogram has the same range and precision.
  if (decoded.totalCount < 0 || !Number.isFinite(decoded.totalCount)) throw new Error('HdrHistogram with negative counts');
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

/**
 * Slots of `LatencyRecorder`: our histogram's counts layout up to 2^31 µs (3 significant digits from 1 µs: 2,048
 * sub-buckets for the first power of two, then 1,024 more for each further power of two, 21 of them).
 */
const RECORDER_SLOTS = 22 << 10;
const RECORDER_LIMIT_US = 2 ** 31;

/**
 * Records latencies into a flat array of counts laid out as our histogram lays out its own, and adds them to the
 * histogram in bulk (`flush`): the same counts, so the same percentiles, mean and encoding, at the cost of an index
 * computed from the value's bits and one increment per value, instead of the library's float arithmetic per value.
 * A value past 2^31 µs (35 minutes) goes to the histogram at once.
 */
export class LatencyRecorder {
  private readonly counts = new Float64Array(RECORDER_SLOTS);
  /** Slots counted since the last flush. */
  private readonly used: number[] = [];

  constructor(readonly histogram: Histogram) {}

  /** Records one latency, clamped and rounded as `recordUs` does. */
  record(us: number): void {
    const v = us < 1 ? 1 : Math.round(us);
    if (v >= RECORDER_LIMIT_US) return recordUs(this.histogram, v);
    // HdrHistogram's index: bucket = floor(log2 v) - 10 (at least 0), then the value's top 11 bits within it.
    const bucket = 21 - Math.clz32(v);
    const slot = bucket <= 0 ? v : ((bucket + 1) << 10) + (v >>> bucket) - 1024;
    if (this.counts[slot]++ === 0) this.used.push(slot);
  }

  /** Adds what was recorded since the last flush to the histogram, and returns the histogram. */
  flush(): Histogram {
    const { counts, used, histogram } = this;
    for (let k = 0; k < used.length; k++) {
      const slot = used[k]!;
      const bucket = slot < 2048 ? 0 : (slot >> 10) - 1;
      const value = bucket === 0 ? slot : ((slot & 1023) + 1024) * 2 ** bucket;
      histogram.recordValueWithCount(value, counts[slot]!);
      counts[slot] = 0;
    }
    used.length = 0;
    return histogram;
  }
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
