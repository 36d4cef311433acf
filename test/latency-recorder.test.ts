/**
 * The clients count latencies in a flat array laid out as the HdrHistogram's counts and add them in bulk
 * (`LatencyRecorder`): the histogram must come out as if every value had been recorded one by one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyRecorder, encodeHistogram, latencyStats, newHistogram, recordUs } from '../results/histogram.js';

/** A fixed pseudo-random sequence (no Math.random: the test must be the same every run). */
function* values(n: number): Generator<number> {
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    // Spread over every power of two the recorder covers, with fractions, and the clamped ends.
    const power = x % 34;
    yield i % 97 === 0 ? -5 : i % 89 === 0 ? 5e9 : ((x % 1000) / 1000 + 1) * 2 ** power;
  }
}

test('bulk counts equal value-by-value recording: same encoding, percentiles, mean, min and max', () => {
  const direct = newHistogram();
  const recorder = new LatencyRecorder(newHistogram());
  let n = 0;
  for (const v of values(200_000)) {
    recordUs(direct, v);
    recorder.record(v);
    // Read part-way too: a flush in the middle of recording must not lose or double anything.
    if (++n % 50_000 === 0) assert.equal(recorder.flush().totalCount, n);
  }
  const bulk = recorder.flush();
  assert.equal(bulk.totalCount, direct.totalCount);
  assert.equal(encodeHistogram(bulk), encodeHistogram(direct));
  assert.deepEqual(latencyStats(bulk), latencyStats(direct));
  assert.equal(bulk.minNonZeroValue, direct.minNonZeroValue);
  assert.equal(bulk.maxValue, direct.maxValue);
});

test('every sub-bucket edge lands where the histogram puts it', () => {
  const edges: number[] = [];
  for (let p = 0; p < 31; p++) for (const d of [-1, 0, 1]) if (2 ** p + d >= 1) edges.push(2 ** p + d);
  for (let v = 1; v < 5000; v++) edges.push(v);
  const direct = newHistogram();
  const recorder = new LatencyRecorder(newHistogram());
  for (const v of edges) {
    recordUs(direct, v);
    recorder.record(v);
  }
  assert.equal(encodeHistogram(recorder.flush()), encodeHistogram(direct));
});

test('a flushed recorder starts from nothing: reset after flush leaves an empty histogram', () => {
  const recorder = new LatencyRecorder(newHistogram());
  recorder.record(100);
  recorder.flush().reset();
  recorder.record(200);
  const h = recorder.flush();
  const only200 = newHistogram();
  recordUs(only200, 200);
  assert.equal(h.totalCount, 1);
  assert.equal(encodeHistogram(h), encodeHistogram(only200));
  assert.equal(h.maxValue, only200.maxValue);
});
