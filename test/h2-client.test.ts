/**
 * The HTTP/2 client's frame accounting on a fixed exchange (RFC 9113 §3.4, §4.1, §6): what it writes and what it
 * parses, by kind, to the byte; SETTINGS acknowledged with the first request; the receive window returned once half
 * of it is consumed; PING answered.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { H2ClientConnection, H2_CLIENT_SETTINGS, H2_CONNECTION_WINDOW } from '../harness/protocol/h2/client.js';
import { H2FrameReader, H2_FRAME_TYPES, encodeFrameHeader, h2Total, type H2FrameHeader } from '../harness/protocol/h2/frames.js';
import { HpackEncoder } from '../harness/protocol/h2/hpack.js';

const frame = (type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer =>
  Buffer.concat([encodeFrameHeader({ length: payload.length, type, flags, streamId }), payload]);

const REQUEST: Array<[string, string]> = [[':method', 'GET'], [':authority', '127.0.0.1:8080'], [':scheme', 'http'], [':path', '/poll?since=0']];

function connection() {
  const written: Buffer[] = [];
  const frames: H2FrameHeader[] = [];
  const reader = new H2FrameReader(true, (h) => frames.push(h));
  let updates = 0;
  const conn = new H2ClientConnection((b) => {
    written.push(b);
    reader.push(b);
  }, false, () => updates++);
  return { conn, written, frames, updates: () => updates };
}

test('a poll on a fresh connection: preface, SETTINGS, WINDOW_UPDATE, then the ACK and HEADERS in one write', () => {
  const { conn, written, frames } = connection();
  conn.start();
  assert.equal(written.length, 1);
  const events: string[] = [];
  conn.request(REQUEST, {
    onHead: (status, blockBytes) => events.push(`head ${status} ${blockBytes}`),
    onBody: (b, s, e) => events.push(`body ${b.toString('latin1', s, e)}`),
    onEnd: () => events.push('end'),
  });
  assert.equal(written.length, 1, 'the request waits for the server\'s SETTINGS');
  // The server: SETTINGS (one setting), ACK of ours, then HEADERS (:status 200, static index 8) and DATA with END_STREAM.
  const settings = Buffer.alloc(6);
  settings.writeUInt16BE(0x3, 0);
  settings.writeUInt32BE(100, 2);
  conn.push(Buffer.concat([frame(H2_FRAME_TYPES.SETTINGS, 0, 0, settings), frame(H2_FRAME_TYPES.SETTINGS, 1, 0)]));
  assert.equal(written.length, 2, 'SETTINGS ACK and HEADERS go out together');
  conn.push(Buffer.concat([frame(H2_FRAME_TYPES.HEADERS, 0x4, 1, Buffer.from([0x88])), frame(H2_FRAME_TYPES.DATA, 0x1, 1, Buffer.from('42'))]));
  assert.deepEqual(events, ['head 200 1', 'body 42', 'end']);

  const block = new HpackEncoder(4096).encode(REQUEST, { huffman: true }).length;
  const c2s = conn.takeC2s();
  assert.deepEqual(c2s, {
    preface: 24,
    frameHeaders: 9 * 4, // SETTINGS, WINDOW_UPDATE, SETTINGS ACK, HEADERS
    headerBlocks: block,
    data: 0,
    control: 6 * H2_CLIENT_SETTINGS.length + 4,
    frames: 4,
  });
  assert.equal(h2Total(c2s), Buffer.concat(written).length);
  assert.deepEqual(frames.map((f) => [f.type, f.flags, f.streamId]), [
    [H2_FRAME_TYPES.SETTINGS, 0, 0],
    [H2_FRAME_TYPES.WINDOW_UPDATE, 0, 0],
    [H2_FRAME_TYPES.SETTINGS, 1, 0],
    [H2_FRAME_TYPES.HEADERS, 0x5, 1],
  ]);
  assert.deepEqual(conn.takeS2c(), { preface: 0, frameHeaders: 36, headerBlocks: 1, data: 2, control: 6, frames: 4 });
  assert.deepEqual(conn.takeS2c(), { preface: 0, frameHeaders: 0, headerBlocks: 0, data: 0, control: 0, frames: 0 });
});

test('a window is returned once half of it was consumed, the connection\'s with the next request; PING is answered at once', () => {
  const { conn, written, frames, updates } = connection();
  conn.start();
  conn.push(frame(H2_FRAME_TYPES.SETTINGS, 0, 0));
  const half = H2_CONNECTION_WINDOW / 2;
  const ignore = { onHead: () => {}, onBody: () => {}, onEnd: () => {} };
  conn.request(REQUEST, ignore);
  // 16,384-byte DATA frames on stream 1 until half the connection window is consumed, the last one ending the stream.
  const chunk = Buffer.alloc(16_384, 0x61);
  conn.push(frame(H2_FRAME_TYPES.HEADERS, 0x4, 1, Buffer.from([0x88])));
  const n = Math.ceil(half / chunk.length);
  for (let i = 0; i < n; i++) conn.push(frame(H2_FRAME_TYPES.DATA, i === n - 1 ? 1 : 0, 1, chunk));
  // The stream's window (6 MiB) twice at once, at 3 MiB and 6 MiB; the connection's held for the next request.
  assert.equal(updates(), 3);
  assert.deepEqual(frames.filter((f) => f.type === H2_FRAME_TYPES.WINDOW_UPDATE).map((f) => f.streamId), [0, 1, 1]);
  const before = written.length;
  conn.request(REQUEST, ignore);
  assert.equal(written.length, before + 1, 'the update rides with the next request');
  const last = frames.slice(-2).map((f) => [f.type, f.streamId]);
  assert.deepEqual(last, [[H2_FRAME_TYPES.WINDOW_UPDATE, 0], [H2_FRAME_TYPES.HEADERS, 3]]);
  const w = written.at(-1)!;
  assert.equal(w.readUInt32BE(9), n * chunk.length, 'it returns every byte consumed');
  conn.push(frame(H2_FRAME_TYPES.PING, 0, 0, Buffer.from('01234567')));
  assert.deepEqual([frames.at(-1)!.type, frames.at(-1)!.flags], [H2_FRAME_TYPES.PING, 1]);
  assert.equal(written.at(-1)!.subarray(9).toString(), '01234567');
});
