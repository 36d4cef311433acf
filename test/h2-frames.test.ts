/**
 * HTTP/2 frame accounting (RFC 9113 §4.1, §6.1, §6.2, §6.10) on exact layouts, HPACK header blocks taken from
 * RFC 7541 Appendix C.3 and C.4 carried in HEADERS frames, the profile-to-HTTP/2 head mapping, and the poll probe
 * over a real node:http2 connection: every byte the relay carried is accounted for, and HPACK's dynamic table makes
 * the repeated poll's header block a fraction of the first.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { H2FrameReader, H2_CLIENT_PREFACE, decodeFrameHeader, encodeFrameHeader, h2Total } from '../harness/protocol/h2/frames.js';
import { h2RequestHeaders, h2ResponseHeaders } from '../harness/protocol/h2/heads.js';
import { probeH2Poll } from '../harness/protocol/h2/poll-probe.js';
import { loadProfile } from '../harness/protocol/profiles.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** RFC 7541 C.3 (requests without Huffman coding) and C.4 (the same with Huffman coding), first to third request. */
const RFC7541_C3 = [
  hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'),
  hex('8286 84be 5808 6e6f 2d63 6163 6865'),
  hex('8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65'),
];
const RFC7541_C4 = [
  hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'),
  hex('8286 84be 5886 a8eb 1064 9cbf'),
  hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'),
];

test('frame header layout: 24-bit length, type, flags, 31-bit stream id (RFC 9113 §4.1)', () => {
  const h = encodeFrameHeader({ length: 0x01_02_03, type: 0x1, flags: 0x25, streamId: 0x7fff_fffe });
  assert.deepEqual([...h], [0x01, 0x02, 0x03, 0x01, 0x25, 0x7f, 0xff, 0xff, 0xfe]);
  // The reserved bit is ignored on receipt.
  const r = Buffer.from(h);
  r[5] = 0xff;
  assert.deepEqual(decodeFrameHeader(r), { length: 0x010203, type: 1, flags: 0x25, streamId: 0x7ffffffe });
  // An empty SETTINGS ACK is 9 bytes exactly.
  assert.deepEqual([...encodeFrameHeader({ length: 0, type: 0x4, flags: 0x1, streamId: 0 })], [0, 0, 0, 4, 1, 0, 0, 0, 0]);
});

test("RFC 7541's header blocks in HEADERS frames: the block is counted, padding and priority fields are not", () => {
  for (const blocks of [RFC7541_C3, RFC7541_C4]) {
    const r = new H2FrameReader(true);
    r.push(H2_CLIENT_PREFACE);
    let stream = 1;
    for (const block of blocks) {
      // Plain; padded with 3 bytes (Pad Length + padding, §6.2); with priority (5 bytes, §6.2).
      r.push(Buffer.concat([encodeFrameHeader({ length: block.length, type: 1, flags: 0x5, streamId: stream }), block]));
      r.push(Buffer.concat([encodeFrameHeader({ length: 1 + block.length + 3, type: 1, flags: 0x5 | 0x8, streamId: stream + 2 }), Buffer.from([3]), block, Buffer.alloc(3)]));
      r.push(Buffer.concat([encodeFrameHeader({ length: 5 + block.length, type: 1, flags: 0x5 | 0x20, streamId: stream + 4 }), Buffer.alloc(5), block]));
      stream += 6;
    }
    const blockBytes = blocks.reduce((a, b) => a + b.length, 0);
    assert.equal(r.bytes.headerBlocks, 3 * blockBytes);
    assert.equal(r.bytes.control, 3 * (4 + 5));
    assert.equal(r.bytes.frameHeaders, 9 * 9);
    assert.equal(r.bytes.preface, 24);
  }
  assert.deepEqual(RFC7541_C3.map((b) => b.length), [20, 14, 29]);
  assert.deepEqual(RFC7541_C4.map((b) => b.length), [17, 12, 24]);
});

test('a stream cut anywhere reads into the same frames; DATA, SETTINGS and WINDOW_UPDATE fall where they belong', () => {
  const frames = Buffer.concat([
    encodeFrameHeader({ length: 6, type: 4, flags: 0, streamId: 0 }), Buffer.from([0, 3, 0, 0, 0, 100]),
    encodeFrameHeader({ length: 0, type: 4, flags: 1, streamId: 0 }),
    encodeFrameHeader({ length: 4, type: 8, flags: 0, streamId: 0 }), Buffer.from([0, 0, 0x40, 0]),
    encodeFrameHeader({ length: 21, type: 0, flags: 1, streamId: 1 }), Buffer.alloc(21, 0x61),
    encodeFrameHeader({ length: 8, type: 6, flags: 0, streamId: 0 }), Buffer.alloc(8),
  ]);
  for (const cut of [0, 1, 8, 9, 14, 30, frames.length - 1]) {
    const r = new H2FrameReader(false);
    r.push(frames.subarray(0, cut));
    r.push(frames.subarray(cut));
    assert.deepEqual(r.bytes, { preface: 0, frameHeaders: 45, headerBlocks: 0, data: 21, control: 18, frames: 5 });
    assert.equal(h2Total(r.bytes), frames.length);
  }
});

test('profile heads as HTTP/2 carries them: Host becomes :authority, connection-specific fields go', () => {
  const req = h2RequestHeaders([['Host', 'h:1'], ['Connection', 'keep-alive'], ['User-Agent', 'X'], ['Accept', '*/*']], '/poll?since=3', 'https');
  assert.deepEqual(req, [[':method', 'GET'], [':authority', 'h:1'], [':scheme', 'https'], [':path', '/poll?since=3'], ['user-agent', 'X'], ['accept', '*/*']]);
  const res = h2ResponseHeaders(200, [['Content-Type', 'text/event-stream'], ['Transfer-Encoding', 'chunked']]);
  assert.deepEqual(res, [[':status', '200'], ['content-type', 'text/event-stream']]);
});

test("the poll probe over node:http2: every relayed byte accounted for, repeats indexed by HPACK's dynamic table", async () => {
  const p = await probeH2Poll(loadProfile('chromium'), 4);
  assert.equal(h2Total(p.total.c2s), p.relayBytes.c2s);
  assert.equal(h2Total(p.total.s2c), p.relayBytes.s2c);
  assert.equal(p.setup.c2s.preface, 24);
  const [first, ...repeats] = p.exchanges;
  for (const r of repeats) {
    assert.ok(r.requestHeaderBlockBytes * 4 < first!.requestHeaderBlockBytes, `repeat ${r.requestHeaderBlockBytes} B vs first ${first!.requestHeaderBlockBytes} B`);
    // Request: one HEADERS frame; response: HEADERS and one DATA frame with the 21-byte body.
    assert.equal(r.c2sBytes, 9 + r.requestHeaderBlockBytes);
    assert.equal(r.s2cBytes, 9 + r.responseHeaderBlockBytes + 9 + 21);
  }
});
