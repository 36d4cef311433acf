/** Memory per connection with a noise floor: null with a reason within the noise, never negative; the slope over counts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_SIGNAL_BYTES, perConnectionBytes, rssSlope } from '../harness/measure/memory.js';
import { perConnection } from '../harness/run/runner.js';

const MiB = 1 << 20;

test('a small run whose connected memory is below idle gives null with the reason, not a negative figure', () => {
  // The case: 50 connections, connected 2.3 MiB below idle.
  const p = perConnectionBytes(50, [[60 * MiB, 60 * MiB + 4096, 60 * MiB]], [[57.7 * MiB, 57.7 * MiB, 57.7 * MiB]]);
  assert.equal(p.bytesPerConnection, null);
  assert.match(p.reason!, /within the noise floor/);
});

test('a difference below the floor is null; one above it is a figure', () => {
  const small = perConnectionBytes(50, [[100 * MiB]], [[100 * MiB + 400 * 1024]]);
  assert.equal(small.bytesPerConnection, null);
  const big = perConnectionBytes(1000, [[100 * MiB]], [[100 * MiB + 10 * MiB]]);
  assert.equal(big.bytesPerConnection, Math.round((10 * MiB) / 1000));
});

test('the floor grows with the spread of the readings', () => {
  // 3 MiB apart on average, but the idle readings spread over 2 MiB: 3 x 2 MiB = 6 MiB floor.
  const p = perConnectionBytes(100, [[100 * MiB, 102 * MiB, 101 * MiB]], [[104 * MiB, 104 * MiB, 104 * MiB]]);
  assert.equal(p.noiseBytes, 2 * MiB);
  assert.equal(p.bytesPerConnection, null);
  assert.ok(MIN_SIGNAL_BYTES <= 3 * p.noiseBytes);
});

test('the run record: never negative on either side, reasons when null', () => {
  for (const [idle, connected] of [
    [50 * MiB, 48 * MiB],
    [50 * MiB, 50 * MiB],
    [50 * MiB, 50.5 * MiB],
  ] as const) {
    const m = perConnection(50, [idle, idle, idle], [connected, connected, connected], [[[idle], [connected]]]);
    for (const v of [m.serverBytesPerConnection, m.clientBytesPerConnection]) assert.ok(v === null || v >= 0, `${v}`);
    assert.equal(m.serverBytesPerConnection, null);
    assert.ok(m.serverReason && m.clientReason);
  }
});

test('slope of resident memory against connections over several counts', () => {
  const pts = [1000, 5000, 10_000].map((n) => ({ connections: n, rssBytes: 50 * MiB + n * 7600 }));
  assert.equal(rssSlope(pts), 7600);
  assert.equal(rssSlope(pts.slice(0, 1)), null);
  // Falling memory is no negative figure.
  assert.equal(rssSlope([{ connections: 10, rssBytes: 2 * MiB }, { connections: 20, rssBytes: MiB }]), 0);
});
