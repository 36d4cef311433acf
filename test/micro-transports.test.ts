import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkBytes, httpHeadBytes, sseEventBytes, wsFrameHeaderBytes } from '../harness/protocol/framing.js';
import { fillHeaders, loadProfile } from '../harness/protocol/profiles.js';
import { prepareTransport } from '../harness/micro/transports.js';
import type { TransportName } from '../results/types.js';

const PAYLOAD = 21;

/** Bytes one op writes to the sink, after `warm` ops have run (so the SSE ids have a known digit count). */
async function bytesPerOp(name: TransportName, ops: number): Promise<number[]> {
  const t = await prepareTransport(name, ops);
  try {
    const seen: number[] = [];
    for (let call = 0; call < 2; call++) {
      const before = t.sink.bytesWrittenToSink;
      t.fn();
      await t.flush();
      seen.push(t.sink.bytesWrittenToSink - before);
    }
    return seen;
  } finally {
    t.dispose();
  }
}

test('the micro-benchmark writes exactly the framed bytes the models predict, per transport', async () => {
  const profile = loadProfile('minimal');
  // WebSocket: an unmasked server frame header plus the body (RFC 6455 §5.2).
  assert.deepEqual(await bytesPerOp('websocket', 10), [10 * (wsFrameHeaderBytes(PAYLOAD, false) + PAYLOAD), 10 * (2 + PAYLOAD)]);
  // HTTP streaming: one chunk holding the body and a newline.
  assert.deepEqual(await bytesPerOp('http-streaming', 10), [10 * chunkBytes(PAYLOAD + 1), 10 * chunkBytes(PAYLOAD + 1)]);
  // SSE: one chunk holding one event; ids 1..9 then 10..19 (the first call's ids have one digit).
  let first = 0;
  let second = 0;
  for (let id = 1; id <= 9; id++) first += chunkBytes(sseEventBytes(id, PAYLOAD));
  for (let id = 10; id <= 18; id++) second += chunkBytes(sseEventBytes(id, PAYLOAD));
  assert.deepEqual(await bytesPerOp('sse', 9), [first, second]);
  // Polling: the profile's response head with Content-Length and one newline-terminated body, per poll.
  const head = httpHeadBytes('HTTP/1.1 200 OK', fillHeaders(profile.responses.poll, { length: PAYLOAD + 1 }));
  for (const name of ['short-polling', 'long-polling'] as const) {
    assert.deepEqual(await bytesPerOp(name, 5), [5 * (head + PAYLOAD + 1), 5 * (head + PAYLOAD + 1)], name);
  }
});
