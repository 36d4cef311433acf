/**
 * HPACK (RFC 7541) against the RFC's own examples byte for byte — Appendix C.1 integers, C.2 field representations,
 * C.3/C.4 requests and C.5/C.6 responses with the dynamic table's contents and size after each block — a real
 * profile head repeated, malformed blocks, and node:http2 (nghttp2) on both sides of the wire.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2 from 'node:http2';
import net from 'node:net';
import { test } from 'node:test';
import { H2FrameReader, H2_CLIENT_PREFACE, H2_FRAME_TYPES, encodeFrameHeader } from '../harness/protocol/h2/frames.js';
import { h2RequestHeaders, profileH2RequestHeaders } from '../harness/protocol/h2/heads.js';
import { HpackDecoder, HpackEncoder, HpackError, STATIC_TABLE, decodeInteger, encodeInteger, type HpackEncodeOptions } from '../harness/protocol/h2/hpack.js';
import { HUFFMAN_CODES, HUFFMAN_CODE_LENGTHS, huffmanDecode, huffmanEncode } from '../harness/protocol/h2/huffman.js';
import { fillHeaders, loadProfile } from '../harness/protocol/profiles.js';
import { frameRelay } from '../harness/protocol/h2/poll-probe.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
type Fields = Array<[string, string]>;

test('Huffman code (Appendix B): a complete canonical code whose codes match the RFC table', () => {
  assert.equal(HUFFMAN_CODE_LENGTHS.length, 257);
  // Kraft: the code lengths fill the code space exactly, so every bit string decodes (or hits EOS).
  assert.equal(HUFFMAN_CODE_LENGTHS.reduce((a, l) => a + 2 ** -l, 0), 1);
  // Spot checks across every length from the RFC's "code as hex" column.
  const rfc: Array<[number, number, number]> = [
    [0, 0x1ff8, 13], [1, 0x7fffd8, 23], [9, 0xffffea, 24], [10, 0x3ffffffc, 30], [32, 0x14, 6], [48, 0x0, 5],
    [58, 0x5c, 7], [38, 0xf8, 8], [33, 0x3f8, 10], [39, 0x7fa, 11], [35, 0xffa, 12], [94, 0x3ffc, 14], [60, 0x7ffc, 15],
    [92, 0x7fff0, 19], [128, 0xfffe6, 20], [153, 0x1fffdc, 21], [129, 0x3fffd2, 22], [199, 0x1ffffec, 25],
    [192, 0x3ffffe0, 26], [203, 0x7ffffde, 27], [127, 0xffffffc, 28], [255, 0x3ffffee, 26], [254, 0x7fffff0, 27],
    [249, 0xffffffe, 28], [256, 0x3fffffff, 30],
  ];
  for (const [sym, code, len] of rfc) {
    assert.equal(HUFFMAN_CODE_LENGTHS[sym], len, `length of ${sym}`);
    assert.equal(HUFFMAN_CODES[sym], code, `code of ${sym}`);
  }
  // Every octet round-trips, alone and in one string.
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  assert.deepEqual(huffmanDecode(huffmanEncode(all)), all);
  for (let i = 0; i < 256; i++) assert.deepEqual(huffmanDecode(huffmanEncode(Buffer.from([i]))), Buffer.from([i]));
});

test('integers with an N-bit prefix: RFC 7541 C.1.1-C.1.3, and their edges', () => {
  assert.deepEqual([...encodeInteger(10, 5)], [0b01010]);
  assert.deepEqual([...encodeInteger(1337, 5)], [0b11111, 0b10011010, 0b00001010]);
  assert.deepEqual([...encodeInteger(42, 8)], [42]);
  assert.deepEqual(decodeInteger(Buffer.from([0xe0 | 10]), 0, 5), { value: 10, next: 1 });
  assert.deepEqual(decodeInteger(Buffer.from([0xff, 0x9a, 0x0a]), 0, 5), { value: 1337, next: 3 });
  // The prefix's maximum itself needs a continuation octet of 0 (§5.1).
  assert.deepEqual([...encodeInteger(31, 5)], [31, 0]);
  assert.deepEqual([...encodeInteger(127, 7, 0x80)], [0xff, 0]);
  for (const n of [0, 1, 30, 31, 32, 126, 127, 128, 254, 255, 256, 16_383, 2 ** 21, 2 ** 32 - 1]) {
    for (const prefix of [4, 5, 6, 7, 8]) {
      const b = encodeInteger(n, prefix);
      assert.deepEqual(decodeInteger(b, 0, prefix), { value: n, next: b.length });
    }
  }
});

test('field representations: RFC 7541 C.2.1-C.2.4 from the encoder and back', () => {
  const cases: Array<{ block: string; fields: Fields; indexing?: HpackEncodeOptions['indexing']; tableSize: number }> = [
    { block: '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572', fields: [['custom-key', 'custom-header']], tableSize: 55 },
    { block: '040c 2f73 616d 706c 652f 7061 7468', fields: [[':path', '/sample/path']], indexing: () => 'without', tableSize: 0 },
    { block: '1008 7061 7373 776f 7264 0673 6563 7265 74', fields: [['password', 'secret']], indexing: () => 'never', tableSize: 0 },
    { block: '82', fields: [[':method', 'GET']], tableSize: 0 },
  ];
  for (const c of cases) {
    const enc = new HpackEncoder();
    const dec = new HpackDecoder();
    const block = enc.encode(c.fields, { huffman: false, indexing: c.indexing });
    assert.equal(block.toString('hex'), hex(c.block).toString('hex'));
    assert.deepEqual(dec.decode(block), c.fields);
    assert.equal(enc.tableSize, c.tableSize);
    assert.equal(dec.tableSize, c.tableSize);
    assert.deepEqual(dec.entries, enc.entries);
    assert.deepEqual(dec.entries, c.tableSize ? c.fields : []);
  }
});

interface Step {
  block: string;
  fields: Fields;
  /** Dynamic table after the block, newest first, and its size (§4.1). */
  table: Fields;
  tableSize: number;
}

const REQ1: Fields = [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']];
const REQ2: Fields = [...REQ1, ['cache-control', 'no-cache']];
const REQ3: Fields = [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']];
const REQ_TABLES: Array<[Fields, number]> = [
  [[[':authority', 'www.example.com']], 57],
  [[['cache-control', 'no-cache'], [':authority', 'www.example.com']], 110],
  [[['custom-key', 'custom-value'], ['cache-control', 'no-cache'], [':authority', 'www.example.com']], 164],
];
const C3: Step[] = [
  { block: '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d', fields: REQ1, table: REQ_TABLES[0]![0], tableSize: 57 },
  { block: '8286 84be 5808 6e6f 2d63 6163 6865', fields: REQ2, table: REQ_TABLES[1]![0], tableSize: 110 },
  { block: '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65', fields: REQ3, table: REQ_TABLES[2]![0], tableSize: 164 },
];
const C4: Step[] = [
  { block: '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff', fields: REQ1, table: REQ_TABLES[0]![0], tableSize: 57 },
  { block: '8286 84be 5886 a8eb 1064 9cbf', fields: REQ2, table: REQ_TABLES[1]![0], tableSize: 110 },
  { block: '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf', fields: REQ3, table: REQ_TABLES[2]![0], tableSize: 164 },
];

const DATE1 = 'Mon, 21 Oct 2013 20:13:21 GMT';
const DATE2 = 'Mon, 21 Oct 2013 20:13:22 GMT';
const LOC = 'https://www.example.com';
const COOKIE = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const RES1: Fields = [[':status', '302'], ['cache-control', 'private'], ['date', DATE1], ['location', LOC]];
const RES2: Fields = [[':status', '307'], ['cache-control', 'private'], ['date', DATE1], ['location', LOC]];
const RES3: Fields = [[':status', '200'], ['cache-control', 'private'], ['date', DATE2], ['location', LOC], ['content-encoding', 'gzip'], ['set-cookie', COOKIE]];
const RES_TABLES: Array<[Fields, number]> = [
  [[['location', LOC], ['date', DATE1], ['cache-control', 'private'], [':status', '302']], 222],
  // ":status: 302" evicted to make room for ":status: 307".
  [[[':status', '307'], ['location', LOC], ['date', DATE1], ['cache-control', 'private']], 222],
  // Three evictions for the three new entries.
  [[['set-cookie', COOKIE], ['content-encoding', 'gzip'], ['date', DATE2]], 215],
];
const C5: Step[] = [
  {
    block: '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
    fields: RES1, table: RES_TABLES[0]![0], tableSize: 222,
  },
  { block: '4803 3330 37c1 c0bf', fields: RES2, table: RES_TABLES[1]![0], tableSize: 222 },
  {
    block: '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
    fields: RES3, table: RES_TABLES[2]![0], tableSize: 215,
  },
];
const C6: Step[] = [
  {
    block: '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
    fields: RES1, table: RES_TABLES[0]![0], tableSize: 222,
  },
  { block: '4883 640e ffc1 c0bf', fields: RES2, table: RES_TABLES[1]![0], tableSize: 222 },
  {
    block: '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
    fields: RES3, table: RES_TABLES[2]![0], tableSize: 215,
  },
];

function runSteps(name: string, steps: Step[], tableSize: number, huffman: HpackEncodeOptions['huffman']): void {
  const enc = new HpackEncoder(tableSize);
  const dec = new HpackDecoder(tableSize);
  steps.forEach((s, i) => {
    const block = enc.encode(s.fields, { huffman });
    assert.equal(block.toString('hex'), hex(s.block).toString('hex'), `${name}.${i + 1} encoded`);
    assert.deepEqual(dec.decode(hex(s.block)), s.fields, `${name}.${i + 1} decoded`);
    assert.deepEqual(enc.entries, s.table, `${name}.${i + 1} encoder table`);
    assert.deepEqual(dec.entries, s.table, `${name}.${i + 1} decoder table`);
    assert.equal(enc.tableSize, s.tableSize);
    assert.equal(dec.tableSize, s.tableSize);
  });
}

test('requests: RFC 7541 C.3 (raw literals) and C.4 (Huffman), encoded and decoded with the tables after each', () => {
  runSteps('C.3', C3, 4096, false);
  runSteps('C.4', C4, 4096, 'always');
  // Every Huffman literal in C.4 is shorter than its raw octets, so the browsers' rule gives the same bytes.
  runSteps('C.4', C4, 4096, true);
});

test('responses in a 256-byte table: RFC 7541 C.5 and C.6, evictions included', () => {
  runSteps('C.5', C5, 256, false);
  runSteps('C.6', C6, 256, 'always');
  // "307" Huffman-codes to 3 octets, no shorter than raw: the browsers' rule sends it raw, as in C.5.2.
  const enc = new HpackEncoder(256);
  enc.encode(RES1);
  assert.equal(enc.encode(RES2).toString('hex'), '4803333037c1c0bf');
});

test('a real profile head repeated: after the first block every field is one indexed octet', (t) => {
  const profile = loadProfile('chromium');
  const authority = '127.0.0.1:8080';
  const head = (since: number): Fields => h2RequestHeaders(fillHeaders(profile.requests.poll, { host: authority }), `${profile.paths.poll}?since=${since}`, 'https');
  const enc = new HpackEncoder();
  const dec = new HpackDecoder();
  const first = enc.encode(head(0));
  assert.deepEqual(dec.decode(first), head(0));
  const fieldCount = head(0).length;
  // The same head again (same :path): every field is an indexed field (§6.1), one octet each (indices < 127).
  for (let i = 0; i < 3; i++) {
    const again = enc.encode(head(0));
    assert.equal(again.length, fieldCount, `repeat ${i + 1}: ${again.length} B for ${fieldCount} fields`);
    assert.ok([...again].every((b) => (b & 0x80) !== 0));
    assert.deepEqual(dec.decode(again), head(0));
  }
  // A poll asks from a new cursor each time: the new :path is the one literal (name indexed), the rest indexed.
  for (let since = 1; since <= 3; since++) {
    const poll = enc.encode(head(since));
    const pathField = new HpackEncoder().encode([[':path', `${profile.paths.poll}?since=${since}`]]);
    assert.equal(poll.length, fieldCount - 1 + pathField.length);
    assert.deepEqual(dec.decode(poll), head(since));
  }
  assert.equal(enc.tableSize, dec.tableSize);
  assert.deepEqual(enc.entries, dec.entries);
  assert.ok(first.length > 5 * fieldCount, `first block ${first.length} B`);
  // The list Chromium itself sent over HTTP/2 (the profile's h2 section): the same holds.
  const captured = fillHeaders(profileH2RequestHeaders(profile, 'poll', `${profile.paths.poll}?since=0`, 'https'), { host: authority });
  const enc2 = new HpackEncoder();
  const dec2 = new HpackDecoder();
  const capturedFirst = enc2.encode(captured);
  assert.deepEqual(dec2.decode(capturedFirst), captured);
  const capturedAgain = enc2.encode(captured);
  assert.equal(capturedAgain.length, captured.length);
  assert.deepEqual(dec2.decode(capturedAgain), captured);
  t.diagnostic(`chromium's own HTTP/2 poll, ${captured.length} fields: first block ${capturedFirst.length} B, again ${capturedAgain.length} B`);
  t.diagnostic(`chromium poll, ${fieldCount} fields: first block ${first.length} B, same head again ${fieldCount} B, next poll (new :path) ${fieldCount - 1 + new HpackEncoder().encode([[':path', `${profile.paths.poll}?since=1`]]).length} B`);
});

test('never-indexed and not-indexed fields stay out of both tables', () => {
  const enc = new HpackEncoder();
  const dec = new HpackDecoder();
  const fields: Fields = [['cookie', 'session=secret'], ['authorization', 'Bearer x'], ['x-a', '1']];
  const sensitive = (n: string): 'never' | 'incremental' => (n === 'cookie' || n === 'authorization' ? 'never' : 'incremental');
  const block = enc.encode(fields, { indexing: sensitive });
  assert.equal(block[0]! & 0xf0, 0x10);
  assert.deepEqual(dec.decode(block), fields);
  assert.deepEqual(dec.entries, [['x-a', '1']]);
  assert.deepEqual(enc.entries, dec.entries);
});

test('dynamic table size updates: emitted at the next block, obeyed, and checked against the limit', () => {
  const enc = new HpackEncoder();
  const dec = new HpackDecoder();
  dec.decode(enc.encode([['x-a', 'a'.repeat(100)], ['x-b', 'b'.repeat(100)]]));
  assert.equal(dec.tableSize, 2 * (32 + 3 + 100));
  // Shrink to 0 then grow to 200 before the next block: both updates, smallest first (§4.2).
  enc.setMaxTableSize(0);
  enc.setMaxTableSize(200);
  const block = enc.encode([['x-c', 'c']]);
  // 0 in a 5-bit prefix; 200 = 31 + 169, and 169 = 41 + 128 takes two continuation octets (§5.1).
  assert.deepEqual([...block.subarray(0, 4)], [0x20, 0x3f, 0x80 | 41, 0x01]);
  assert.deepEqual(dec.decode(block), [['x-c', 'c']]);
  assert.equal(dec.maxTableSize, 200);
  assert.deepEqual(dec.entries, [['x-c', 'c']]);
  assert.equal(dec.tableSize, 32 + 3 + 1);
  // An entry larger than the whole table empties it and is not added (§4.4).
  dec.decode(enc.encode([['x-d', 'd'.repeat(300)]]));
  assert.equal(dec.tableSize, 0);
  assert.equal(enc.tableSize, 0);
  assert.throws(() => enc.setMaxTableSize(5000), RangeError);
});

test('malformed header blocks throw HpackError with a stable code, never anything else', () => {
  const bad: Array<[string, string, number?]> = [
    ['80', 'index-zero'],
    ['be', 'index-out-of-range'],
    ['ff', 'truncated'],
    ['ff80', 'truncated'],
    ['ffffffffffff7f', 'integer-overflow'],
    ['40', 'truncated'],
    ['4003', 'truncated'],
    ['400161', 'truncated'],
    ['41 05 6162', 'truncated'],
    // Huffman: padding of 8 bits; padding of zeros; EOS inside the string.
    ['41 82 1fff', 'huffman-padding'],
    ['41 81 00', 'huffman-padding'],
    ['41 84 ffffffff', 'huffman-eos'],
    ['3fe21f', 'size-update-too-large'],
    ['82 20', 'size-update-misplaced'],
    ['0f', 'truncated'],
  ];
  for (const [block, code] of bad) {
    assert.throws(
      () => new HpackDecoder().decode(hex(block)),
      (e: unknown) => e instanceof HpackError && e.code === code,
      `${block} should be ${code}`,
    );
  }
  // Random garbage: decoding either succeeds or throws HpackError.
  let seed = 7;
  const rand = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 256;
  for (let i = 0; i < 2000; i++) {
    const b = Buffer.from(Array.from({ length: 1 + (i % 40) }, rand));
    try {
      new HpackDecoder().decode(b);
    } catch (e) {
      assert.ok(e instanceof HpackError, `${b.toString('hex')}: ${String(e)}`);
    }
  }
  assert.equal(STATIC_TABLE.length, 61);
});

/**
 * Every octet a header value may carry through node:http2: tab, visible ASCII and 0x80-0xff, not leading (nghttp2
 * drops a field whose value starts or ends with white space, RFC 9113 §8.2.1).
 */
const WIDE_VALUE = String.fromCharCode(0x78, 9, ...Array.from({ length: 95 }, (_, i) => 0x20 + i), ...Array.from({ length: 128 }, (_, i) => 0x80 + i));

test('node:http2 (nghttp2) on the other end: its header blocks decode, and it decodes ours', async () => {
  // nghttp2's blocks, read off the wire through a relay, decoded with our decoder.
  const server = http2.createServer();
  const seen: Fields[] = [];
  server.on('stream', (stream: http2.ServerHttp2Stream, _headers: http2.IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
    const list: Fields = [];
    for (let i = 0; i < rawHeaders.length; i += 2) list.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
    seen.push(list);
    stream.respond({ ':status': 200, 'x-echo': WIDE_VALUE.slice(0, 60) });
    stream.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const blocks: Buffer[] = [];
  const c2s = new H2FrameReader(true, (h, payload) => {
    if (h.type === H2_FRAME_TYPES.HEADERS) blocks.push(Buffer.from(payload));
  });
  const sockets: net.Socket[] = [];
  const relay = await frameRelay(port, (d) => c2s.push(d));
  const authority = `127.0.0.1:${relay.port}`;
  const session = http2.connect(`http://${authority}`);
  try {
    const head = h2RequestHeaders(fillHeaders(loadProfile('chromium').requests.poll, { host: authority }), '/poll?since=0', 'http');
    for (let i = 0; i < 3; i++) {
      const req = session.request({ ...Object.fromEntries(head.slice(1)), 'x-wide': WIDE_VALUE, 'x-n': String(i) }, { endStream: true });
      req.resume();
      await once(req, 'end');
    }
    const dec = new HpackDecoder();
    // Frames without PADDED or PRIORITY flags (node:http2 sends neither): the payload is the block.
    const decoded = blocks.map((b) => dec.decode(b));
    assert.equal(decoded.length, 3);
    assert.deepEqual(decoded, seen);
    assert.ok(blocks[1]!.length < blocks[0]!.length / 4);

    // Our blocks to node:http2's server over a raw socket: what it reports receiving is what we encoded.
    seen.length = 0;
    const sock = net.connect(port, '127.0.0.1');
    sockets.push(sock);
    sock.on('data', () => {});
    await once(sock, 'connect');
    sock.write(Buffer.concat([H2_CLIENT_PREFACE, encodeFrameHeader({ length: 0, type: H2_FRAME_TYPES.SETTINGS, flags: 0, streamId: 0 })]));
    const enc = new HpackEncoder();
    const sent: Fields[] = [];
    for (let i = 0; i < 3; i++) {
      const fields: Fields = [...head, ['x-wide', WIDE_VALUE], ['x-n', String(i)]];
      sent.push(fields);
      const block = enc.encode(fields);
      sock.write(Buffer.concat([encodeFrameHeader({ length: block.length, type: H2_FRAME_TYPES.HEADERS, flags: 0x5, streamId: 1 + 2 * i }), block]));
    }
    for (let i = 0; i < 50 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, sent);
  } finally {
    session.destroy();
    for (const s of sockets) s.destroy();
    relay.close();
    server.close();
  }
});
