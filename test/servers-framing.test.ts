/**
 * The wire models of the server dialects against fixed exchanges: the Engine.IO v4 / Socket.IO v5 specifications'
 * own examples, and nchan 1.3.6's answers as recorded from it. Exact bytes, no server needed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodePollingPayload,
  encodePollingPayload,
  eventDataRange,
  eventPacket,
  eventPacketBytes,
  parseOpen,
  pollingPayloadBytes,
  wsPacketBytes,
} from '../harness/servers/socketio/framing.js';
import { pollCursor, rawPollBodyBytes, rawStreamMessageBytes, sseCommentBytes, sseEventBytes, wsMessageBytes } from '../harness/servers/nchan/framing.js';
import { maskedFrame, WsFrameReader } from '../harness/protocol/ws-frames.js';

test('Socket.IO: an EVENT on the main namespace is 42 and the JSON array (Socket.IO protocol v5)', () => {
  assert.equal(eventPacket('hello'), '42["m","hello"]');
  assert.equal(eventPacket('hello', 'chat'), '42["chat","hello"]');
  for (const body of ['1 2jc8yq2ph.........', 'x']) assert.equal(eventPacketBytes(body.length), Buffer.byteLength(eventPacket(body)));
  // The feed's 21-byte body costs 10 bytes of Socket.IO framing.
  assert.equal(eventPacketBytes(21) - 21, 10);
  const packet = Buffer.from('42["m","1 2jc8yq2ph"]');
  assert.deepEqual(eventDataRange(packet, 0, packet.length), [8, 19]);
  assert.equal(eventDataRange(Buffer.from('42["other","x"]'), 0, 15), null);
});

test('Engine.IO: polling payloads join packets with the record separator \\x1e (Engine.IO protocol v4)', () => {
  // The specification's example: a message "hello", a message "€", a ping.
  const packets = ['4hello', '4€', '2'];
  const payload = encodePollingPayload(packets);
  assert.equal(payload, '4hello\x1e4€\x1e2');
  assert.deepEqual(decodePollingPayload(payload), packets);
  assert.equal(pollingPayloadBytes(packets.map((p) => Buffer.byteLength(p))), Buffer.byteLength(payload));
  assert.equal(pollingPayloadBytes([]), 0);
  assert.equal(pollingPayloadBytes([5]), 5);
});

test('Engine.IO: the open packet carries the session id and the heartbeat; ping and pong cost 3 and 7 bytes over WebSocket', () => {
  const open = parseOpen('0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000,"maxPayload":1000000}');
  assert.deepEqual(open, { sid: 'lv_VI97HAXpY6yYWAAAC', upgrades: ['websocket'], pingInterval: 25000, pingTimeout: 5000, maxPayload: 1000000 });
  assert.equal(parseOpen('4hello'), null);
  // Server ping "2": 2-byte frame header + 1; client pong "3": header, 4-byte mask, 1.
  assert.equal(wsPacketBytes(1, false), 3);
  assert.equal(wsPacketBytes(1, true), 7);
  assert.equal(maskedFrame(1, Buffer.from('3')).length, 7);
});

test('nchan: EventSource events, raw long-poll bodies, raw stream lines and frames as nchan 1.3.6 writes them', () => {
  // Recorded: "id: 1796164785:0\ndata: hello1\n\n".
  assert.equal(sseEventBytes('1796164785:0', 6), Buffer.byteLength('id: 1796164785:0\ndata: hello1\n\n'));
  // The stream opens with ": hi" and a blank line.
  assert.equal(sseCommentBytes(': hi') + 1, Buffer.byteLength(': hi\n\n'));
  // One message alone: the body as published; three: each followed by a newline (Content-Length 21 for 3 x 6 bytes).
  assert.equal(rawPollBodyBytes(1, 6), Buffer.byteLength('hello1'));
  assert.equal(rawPollBodyBytes(3, 6), Buffer.byteLength('hello1\nhello2\nhello3\n'));
  assert.equal(rawPollBodyBytes(0, 6), 0);
  assert.equal(rawStreamMessageBytes(6), Buffer.byteLength('hello2\n'));
  assert.equal(wsMessageBytes(6), 8);
  assert.equal(wsMessageBytes(200), 204);
  assert.deepEqual(pollCursor({ 'last-modified': 'Tue, 01 Dec 2026 22:39:53 GMT', etag: '2' }), { lastModified: 'Tue, 01 Dec 2026 22:39:53 GMT', etag: '2' });
  assert.equal(pollCursor({}), null);
});

test('WebSocket frames: a server stream split anywhere yields the same frames', () => {
  const frames = [Buffer.from([0x81, 6, ...Buffer.from('hello1')]), Buffer.from([0x81, 126, 0, 200, ...Buffer.alloc(200, 0x2e)]), Buffer.from([0x89, 0])];
  const stream = Buffer.concat(frames);
  for (const cut of [1, 3, 8, 9, 12, 200, stream.length - 1]) {
    const seen: Array<[number, number, number]> = [];
    const r = new WsFrameReader((op, _fin, payload, bytes) => seen.push([op, payload.length, bytes]));
    r.push(stream.subarray(0, cut));
    r.push(stream.subarray(cut));
    assert.deepEqual(seen, [[1, 6, 8], [1, 200, 204], [9, 0, 2]], `cut at ${cut}`);
  }
});
