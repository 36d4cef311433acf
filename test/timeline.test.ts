import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyTimeline, TIMELINE_MAX_BUCKETS, mergeTimelines, timelineBucketS } from '../results/timeline.js';

test('buckets are one second, wider only when a run would need more than the maximum', () => {
  assert.equal(timelineBucketS(10), 1);
  assert.equal(timelineBucketS(TIMELINE_MAX_BUCKETS), 1);
  assert.equal(timelineBucketS(TIMELINE_MAX_BUCKETS + 1), 2);
  assert.equal(timelineBucketS(3600), 6);
});

test('a delivery lands in the bucket of its publish time; before the window or before a reset nothing is kept', () => {
  const t = new LatencyTimeline();
  t.record(1_000, 5);
  assert.deepEqual(t.snapshot(), { count: [], sumUs: [], maxUs: [] });
  t.reset(10_000_000, 2);
  t.record(9_999_999, 7); // published before the window
  t.record(10_000_000, 100); // bucket 0
  t.record(11_999_999, 300); // still bucket 0 (2 s buckets)
  t.record(16_000_000, 50); // bucket 3; 1 and 2 stay empty
  assert.deepEqual(t.snapshot(), { count: [2, 0, 0, 1], sumUs: [400, 0, 0, 50], maxUs: [300, 0, 0, 50] });
  assert.deepEqual(mergeTimelines([t.snapshot()], 2), { bucketS: 2, count: [2, 0, 0, 1], meanMs: [0.2, null, null, 0.05], maxMs: [0.3, null, null, 0.05] });
});

test('merging processes of different lengths adds counts and sums and keeps the larger maximum', () => {
  const merged = mergeTimelines(
    [
      { count: [1, 1], sumUs: [1000, 3000], maxUs: [1000, 3000] },
      { count: [3], sumUs: [6000], maxUs: [4000] },
    ],
    1,
  );
  assert.deepEqual(merged, { bucketS: 1, count: [4, 1], meanMs: [1.75, 3], maxMs: [4, 3] });
});
