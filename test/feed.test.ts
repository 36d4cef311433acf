import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Feed, MIN_PAYLOAD_BYTES, decodeMessage, encodeMessage } from '../harness/protocol/feed.js';

test('a body is exactly payloadBytes, ASCII, and decodes to its sequence number and publish time', () => {
  const body = encodeMessage(123_456, 987_654_321_012, 21);
  assert.equal(body.length, 21);
  assert.match(body.toString('latin1'), /^[0-9a-z]+ [0-9a-z]+\.*$/);
  assert.deepEqual(decodeMessage(body), { seq: 123_456, publishUs: 987_654_321_012 });
});

test('the smallest payload holds a large sequence number and a year of monotonic microseconds', () => {
  const body = encodeMessage(2 ** 31, 365 * 86_400 * 1e6, MIN_PAYLOAD_BYTES);
  assert.equal(body.length, MIN_PAYLOAD_BYTES);
  assert.equal(decodeMessage(body)?.seq, 2 ** 31);
});

test('bodies too small for their header are refused, garbage does not decode', () => {
  assert.throws(() => encodeMessage(1, 1e12, 8), RangeError);
  assert.equal(decodeMessage(Buffer.from('Hello, world')), null);
  assert.equal(decodeMessage(Buffer.from('12')), null);
  assert.equal(decodeMessage(Buffer.from('12 34!')), null);
});

test('feed answers cursors with newline-delimited bodies after the cursor', () => {
  const feed = new Feed(20);
  assert.equal(feed.bodyAfter(0).count, 0);
  feed.publish(1000);
  feed.publish(2000);
  feed.publish(3000);
  const after1 = feed.bodyAfter(1);
  assert.equal(after1.count, 2);
  assert.equal(after1.body.length, 2 * 21);
  const lines = after1.body.toString('latin1').split('\n').filter(Boolean);
  assert.deepEqual(lines.map((l) => decodeMessage(Buffer.from(l))?.seq), [2, 3]);
  assert.equal(feed.bodyAfter(3).count, 0);
});
